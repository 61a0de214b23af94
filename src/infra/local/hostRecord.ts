/**
 * What the host publishes about itself. The lock (lock.ts) is the authority: it answers with this
 * record for as long as the host lives. `host.json` holds a copy for people and scripts (jq),
 * written atomically (temp file + rename, mode 0600) so a reader never sees half a record;
 * deleting it changes nothing for the host or the CLI.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** DynamoDB, SQS and Step Functions share one signed front; the API has its own port and token. */
export interface HostEndpoints {
  readonly dynamodb: string;
  readonly sqs: string;
  readonly stepfunctions: string;
  readonly api: string;
}

/** How long a host started on demand waits with nothing to do before it stops itself. */
export const DEFAULT_IDLE_SHUTDOWN_MS = 15 * 60_000;

export const HostMode = { OnDemand: 'on-demand', Foreground: 'foreground', Detached: 'detached' } as const;
export type HostMode = (typeof HostMode)[keyof typeof HostMode];

export interface HostRecord {
  readonly pid: number;
  readonly startedAt: string;
  readonly home: string;
  readonly mode: HostMode;
  /** Milliseconds of quiet after which the host stops itself; absent: runs until stopped. */
  readonly idleShutdownMs?: number;
  readonly endpoints: HostEndpoints;
}

export const homePaths = (home: string) =>
  ({
    record: join(home, 'host.json'),
    log: join(home, 'host.log'),
    apiToken: join(home, 'api-token'),
    dynamodb: join(home, 'dynamodb'),
    stepfunctions: join(home, 'stepfunctions'),
  }) as const;

export function writeHostRecord(home: string, record: HostRecord): void {
  const path = homePaths(home).record;
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(record, null, 2)}\n`, { mode: 0o600 });
  renameSync(temp, path);
}

/** The recorded host, or undefined when there is none or the file is not a host record. */
export function readHostRecord(home: string): HostRecord | undefined {
  let text: string;
  try {
    text = readFileSync(homePaths(home).record, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const value = JSON.parse(text) as Partial<HostRecord>;
    if (typeof value.pid !== 'number' || typeof value.endpoints?.dynamodb !== 'string') return undefined;
    return value as HostRecord;
  } catch {
    return undefined;
  }
}

export function removeHostRecord(home: string, pid: number): void {
  // Only the record's own host removes it: a successor may already have written its own.
  if (readHostRecord(home)?.pid === pid) rmSync(homePaths(home).record, { force: true });
}

/** The API bearer token, created on first use with mode 0600 (owner read/write only). */
export function apiToken(home: string): string {
  const path = homePaths(home).apiToken;
  try {
    const token = readFileSync(path, 'utf8').trim();
    if (token.length > 0) return token;
  } catch {
    // first start: create it below
  }
  mkdirSync(home, { recursive: true });
  const token = randomBytes(32).toString('base64url');
  writeFileSync(path, `${token}\n`, { mode: 0o600 });
  chmodSync(path, 0o600);
  return token;
}
