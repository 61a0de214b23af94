/**
 * The detached host as operators meet it: started on demand, killed with SIGKILL in the middle of
 * an execution, started again — the execution is redriven to completion and nothing written
 * before is lost; then `local status` and `local stop` through the built CLI.
 */

import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BatchWriteItemCommand, GetItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { DescribeExecutionCommand, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AwsClients, clientsFor, LOCAL_ACCOUNT_ID } from '../../src/infra/aws/clients.js';
import { localCredentials } from '../../src/infra/local/credentials.js';
import { ensureLocalHost } from '../../src/infra/local/ensureHost.js';
import { type HostRecord, readHostRecord } from '../../src/infra/local/hostRecord.js';
import { isProcessAlive, queryHostLock } from '../../src/infra/local/lock.js';
import { createCli, REPO_ROOT } from '../support/cli.js';
import { until } from '../support/until.js';
import { RECORDS_TABLE, SLOW_MACHINE } from './hostTestApp.js';

const app = `${join(REPO_ROOT, 'test', 'e2e', 'hostTestApp.ts')}#hostTestApp`;
const machineArn = `arn:aws:states:us-east-1:${LOCAL_ACCOUNT_ID}:stateMachine:${SLOW_MACHINE}`;

let home: string;
const cli = createCli({ home: () => home, timeoutMs: 30_000 });
const run = (...args: string[]) => cli.run(args);
const clients: AwsClients[] = [];

/** Starts (or finds) the host running the test app, as `payroll-ops` does on demand. */
async function attach(): Promise<{ aws: AwsClients; host: HostRecord }> {
  const endpoints = await ensureLocalHost(home, { app, idleShutdownMs: 0 });
  const host = readHostRecord(home)!;
  cli.hostPids.add(host.pid);
  const aws = clientsFor({ kind: 'local', endpoints, credentials: localCredentials(home) });
  clients.push(aws);
  return { aws, host };
}

beforeAll(() => {
  home = mkdtempSync(join(tmpdir(), 'payroll-ops-host-'));
});

afterAll(async () => {
  for (const aws of clients) aws.destroy();
  await cli.stopHosts();
  rmSync(home, { recursive: true, force: true });
});

describe('a detached local host', () => {
  let second: HostRecord;

  it('redrives an execution a SIGKILL interrupted, and keeps every earlier record', async () => {
    const { aws, host: first } = await attach();
    expect(first.pid).not.toBe(process.pid);
    expect(first.mode).toBe('on-demand');

    const earlier = Array.from({ length: 25 }, (_, i) => ({ id: `payslip-${i}`, net: 1_000_00 + i }));
    await aws.dynamodb.send(
      new BatchWriteItemCommand({
        RequestItems: {
          [RECORDS_TABLE]: earlier.map((item) => ({
            PutRequest: { Item: { id: { S: item.id }, net: { N: String(item.net) } } },
          })),
        },
      }),
    );
    const { executionArn } = await aws.sfn.send(
      new StartExecutionCommand({
        stateMachineArn: machineArn,
        name: 'killed-mid-run',
        input: JSON.stringify({ firstDelayMs: 0, secondDelayMs: 3_000 }),
      }),
    );
    await until('the first step to write its record', async () => {
      const out = await aws.dynamodb.send(
        new GetItemCommand({ TableName: RECORDS_TABLE, Key: { id: { S: 'killed-mid-run#step1' } } }),
      );
      return out.Item;
    });

    process.kill(first.pid, 'SIGKILL');
    await until('the host to die', async () => (isProcessAlive(first.pid) ? undefined : true));
    // The dead host's records are still there: stale, not removed by anyone yet.
    expect(readHostRecord(home)?.pid).toBe(first.pid);
    const stale = JSON.parse((await run('--output', 'json', 'local', 'status')).stdout) as {
      running: boolean;
    };
    expect(stale.running).toBe(false);

    const restarted = await attach();
    second = restarted.host;
    expect(second.pid).not.toBe(first.pid);
    expect((await queryHostLock(home))?.pid).toBe(second.pid);

    const finished = await until('the redriven execution to finish', async () => {
      const out = await restarted.aws.sfn.send(new DescribeExecutionCommand({ executionArn }));
      return out.status === 'RUNNING' ? undefined : out;
    });
    expect(finished.status).toBe('SUCCEEDED');
    expect(finished.redriveCount).toBeGreaterThanOrEqual(1);

    const scan = await restarted.aws.dynamodb.send(new ScanCommand({ TableName: RECORDS_TABLE }));
    const stored = new Map(scan.Items?.map((item) => [item.id?.S, item.net?.N]));
    for (const item of earlier) expect(stored.get(item.id)).toBe(String(item.net));
    expect(stored.has('killed-mid-run#step1')).toBe(true);
    expect(stored.has('killed-mid-run#step2')).toBe(true);
  });

  it('reports itself through `local status --output json`', async () => {
    const { code, stdout } = await run('--output', 'json', 'local', 'status');
    expect(code).toBe(0);
    const status = JSON.parse(stdout);
    expect(status).toMatchObject({
      running: true,
      pid: second.pid,
      home,
      endpoints: second.endpoints,
      counts: { tables: 1, queues: 0, executions: 1 },
    });
    expect(status.uptimeSeconds).toBeGreaterThanOrEqual(0);
    expect(Object.keys(status.endpoints).sort()).toEqual(['api', 'dynamodb', 'sqs', 'stepfunctions']);
  });

  it('stops with `local stop` and leaves no process or record behind', async () => {
    const { code, stderr } = await run('local', 'stop');
    expect(code).toBe(0);
    expect(stderr).toContain(`pid ${second.pid}`);
    expect(isProcessAlive(second.pid)).toBe(false);
    expect(existsSync(join(home, 'host.json'))).toBe(false);
    expect(existsSync(join(home, 'host.lock'))).toBe(false);
  });
});

describe('a host started on demand', () => {
  it('stops itself after the quiet period and says so in its log', async () => {
    const idleHome = mkdtempSync(join(tmpdir(), 'payroll-ops-idle-'));
    try {
      await ensureLocalHost(idleHome, { app, idleShutdownMs: 1_500 });
      const { pid } = readHostRecord(idleHome)!;
      cli.hostPids.add(pid);
      await until('the idle host to stop', async () => (isProcessAlive(pid) ? undefined : true), 20_000);
      expect(readFileSync(join(idleHome, 'host.log'), 'utf8')).toMatch(/stopping: idle for \d+ s/);
      expect(existsSync(join(idleHome, 'host.json'))).toBe(false);
      expect(existsSync(join(idleHome, 'host.lock'))).toBe(false);
    } finally {
      rmSync(idleHome, { recursive: true, force: true });
    }
  });
});
