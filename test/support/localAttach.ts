/**
 * SDK clients, the saga's ports and the execution port on a running local host's endpoints, as
 * the CLI's backend builds them: for tests that check what a command wrote to the store.
 */
import type { ExecutionPort } from '../../src/core/ports.js';
import { type AwsClients, clientsFor, LOCAL_ACCOUNT_ID } from '../../src/infra/aws/clients.js';
import { type AwsSagaPorts, createSagaPorts } from '../../src/infra/aws/sagaPorts.js';
import { createExecutionPort, stateMachineArn } from '../../src/infra/aws/sfnExecutions.js';
import { STATE_MACHINE_NAMES } from '../../src/infra/aws/tables.js';
import { type LocalCredentials, localCredentials } from '../../src/infra/local/credentials.js';
import { type HostEndpoints, readHostRecord } from '../../src/infra/local/hostRecord.js';

export interface LocalAttachment {
  /** Open sockets: the caller destroys them. */
  readonly clients: AwsClients;
  readonly ports: AwsSagaPorts;
  readonly executions: ExecutionPort;
}

export function attachEndpoints(endpoints: HostEndpoints, credentials: LocalCredentials): LocalAttachment {
  const clients = clientsFor({ kind: 'local', endpoints, credentials });
  return {
    clients,
    ports: createSagaPorts({ dynamodb: clients.dynamodb, sqs: clients.sqs }),
    executions: createExecutionPort(clients.sfn, (machine) =>
      stateMachineArn(clients.region, LOCAL_ACCOUNT_ID, STATE_MACHINE_NAMES[machine]),
    ),
  };
}

/** Attaches to the host recorded in `home` (the one the CLI started). */
export function attachLocal(home: string): LocalAttachment {
  const host = readHostRecord(home);
  if (!host) throw new Error(`no local host recorded in ${home}`);
  return attachEndpoints(host.endpoints, localCredentials(home));
}
