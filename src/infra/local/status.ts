/** What `payroll-ops local status` reports: the running host and what it holds. */
import type { SFNClient } from '@aws-sdk/client-sfn';
import { clientsFor } from '../aws/clients.js';
import { dynamodbSdk, sfnSdk, sqsSdk } from '../aws/sdk.js';
import { localCredentials } from './credentials.js';
import { findRunningHost } from './ensureHost.js';
import type { HostEndpoints, HostMode } from './hostRecord.js';

const { ListTablesCommand } = dynamodbSdk;
const { ListExecutionsCommand, ListStateMachinesCommand } = sfnSdk;
const { ListQueuesCommand } = sqsSdk;

export interface LocalCounts {
  readonly tables: number;
  readonly queues: number;
  readonly executions: number;
}

export type LocalStatus =
  | {
      readonly running: true;
      readonly pid: number;
      readonly uptimeSeconds: number;
      readonly home: string;
      readonly mode: HostMode;
      readonly endpoints: HostEndpoints;
      readonly counts: LocalCounts;
    }
  | { readonly running: false; readonly home: string };

async function countExecutions(sfn: SFNClient): Promise<number> {
  let count = 0;
  let machinesToken: string | undefined;
  do {
    const machines = await sfn.send(new ListStateMachinesCommand({ nextToken: machinesToken }));
    for (const machine of machines.stateMachines ?? []) {
      let token: string | undefined;
      do {
        const page = await sfn.send(
          new ListExecutionsCommand({
            stateMachineArn: machine.stateMachineArn,
            maxResults: 1000,
            nextToken: token,
          }),
        );
        count += page.executions?.length ?? 0;
        token = page.nextToken;
      } while (token);
    }
    machinesToken = machines.nextToken;
  } while (machinesToken);
  return count;
}

/** The status of the folder's host; never starts one. */
export async function localStatus(home: string, now = Date.now()): Promise<LocalStatus> {
  const record = await findRunningHost(home);
  if (!record) return { running: false, home };
  const clients = clientsFor({
    kind: 'local',
    endpoints: record.endpoints,
    credentials: localCredentials(home),
  });
  try {
    const [tables, queues, executions] = await Promise.all([
      clients.dynamodb.send(new ListTablesCommand({})).then((out) => out.TableNames?.length ?? 0),
      clients.sqs.send(new ListQueuesCommand({})).then((out) => out.QueueUrls?.length ?? 0),
      countExecutions(clients.sfn),
    ]);
    return {
      running: true,
      pid: record.pid,
      uptimeSeconds: Math.max(0, Math.round((now - Date.parse(record.startedAt)) / 1000)),
      home,
      mode: record.mode,
      endpoints: record.endpoints,
      counts: { tables, queues, executions },
    };
  } finally {
    clients.destroy();
  }
}
