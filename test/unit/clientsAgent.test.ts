/**
 * A command's AWS clients share one keep-alive agent: every request of a command, to DynamoDB,
 * SQS and Step Functions alike, goes over the one connection it opened first (no new TCP and
 * no new handshake per call, which is what made `status` slower than awscli).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { ListStateMachinesCommand } from '@aws-sdk/client-sfn';
import { ListQueuesCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientsFor } from '../../src/infra/aws/clients.js';

let server: Server;
let connections = 0;
let requests = 0;
let endpoint: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    requests++;
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
      res.end('{}');
    });
  });
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('the AWS clients of one command', () => {
  it('send every request, to every service, over one connection', async () => {
    const clients = clientsFor({
      kind: 'local',
      endpoints: { dynamodb: endpoint, sqs: endpoint, stepfunctions: endpoint, api: endpoint },
      credentials: { accessKeyId: 'AKIAEXAMPLE000000000', secretAccessKey: 'secret' },
    });
    try {
      await clients.dynamodb.send(new ListTablesCommand({}));
      await clients.sfn.send(new ListStateMachinesCommand({}));
      await clients.sqs.send(new ListQueuesCommand({}));
      await clients.dynamodb.send(new ListTablesCommand({}));
    } finally {
      clients.destroy();
    }
    expect(requests).toBe(4);
    expect(connections).toBe(1);
  });
});
