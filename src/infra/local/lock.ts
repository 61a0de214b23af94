/**
 * One owner per data folder, held by the operating system for the owner's whole life.
 *
 * Node has no flock(2), and a pid file is only as good as the file: deleting host.lock under a
 * running host let a second one start. The host instead binds a Unix socket whose address is the
 * lock (bind(2) is atomic and fails with EADDRINUSE while the address is held):
 *
 * - On Linux it is in the abstract namespace, so it has no file to delete, and the kernel
 *   releases it the moment the holder dies, SIGKILL included: there is no stale state to detect.
 *   Its name is an HMAC of the folder's real path keyed with the folder's secret (from the 0600
 *   credentials file), so another user cannot compute it in advance to squat it. (Abstract names
 *   are visible in /proc/net/unix while bound, so one seen could be taken after the host dies:
 *   the next start then fails saying so, and no client trusts the squatter, see below.)
 * - Elsewhere (macOS, BSD) it is `host.sock` in the 0700 data folder, removed when found dead.
 *   There deleting the socket file does lose the lock; LevelDB's own lock (fcntl) on dynamodb/
 *   then still keeps a second host from opening the data, which fails with one clear line.
 *
 * The socket also tells who holds it: a client sends a nonce and the host answers with its pid,
 * start time and, once serving, its record (endpoints), together with an HMAC of nonce and
 * answer under the folder's secret. So `local status` and `local stop` find the running host
 * without host.json, and trust no process that merely took the address (it cannot prove it knows
 * the secret). dynalite's LevelDB LOCK stays a second line of defence should the credentials file
 * be deleted under a running host (a new secret gives a new address).
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFileSync, realpathSync, rmSync } from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { InfrastructureError, OperationFailedError } from '../../core/errors.js';
import { derivedKey, existingCredentials, type LocalCredentials } from './credentials.js';
import type { HostRecord } from './hostRecord.js';

export interface LockOwner {
  readonly pid: number;
  readonly startedAt: string;
}

/** What the lock holder says about itself; `record` once it serves, absent while starting or stopping. */
export interface LockClaim extends LockOwner {
  readonly record?: HostRecord;
}

export interface HomeLock {
  readonly owner: LockOwner;
  /** What the holder answers from now on: its record once ready, undefined while stopping. */
  publish(record: HostRecord | undefined): void;
  release(): Promise<void>;
}

const QUERY_TIMEOUT_MS = 2_000;
const MAX_QUESTION_BYTES = 256;
const ABSTRACT = process.platform === 'linux';

/** A process that has exited but is not reaped yet (its parent is gone or slow) is not alive. */
function isZombie(pid: number): boolean {
  try {
    // /proc/<pid>/stat: "pid (comm) STATE ..."; comm may hold spaces, so read after the last ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'Z';
  } catch {
    return false; // no /proc (macOS): rely on the signal check alone
  }
}

export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: it exists but belongs to someone else; still alive.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  return !isZombie(pid);
}

function lockAddress(home: string, credentials: LocalCredentials): string {
  if (!ABSTRACT) return join(home, 'host.sock');
  const name = createHmac('sha256', derivedKey(credentials, 'host-lock-name'))
    .update(realpathSync(home))
    .digest('hex')
    .slice(0, 40);
  return `\0payroll-ops-${name}`;
}

function proofOf(credentials: LocalCredentials, nonce: string, claimText: string): string {
  return createHmac('sha256', derivedKey(credentials, 'host-lock-proof'))
    .update(`${nonce}\n${claimText}`)
    .digest('hex');
}

function answerQuestions(server: Server, credentials: LocalCredentials, claim: () => LockClaim): void {
  server.on('connection', (socket: Socket) => {
    socket.setTimeout(QUERY_TIMEOUT_MS, () => socket.destroy());
    socket.on('error', () => socket.destroy());
    let question = '';
    socket.on('data', (chunk: Buffer) => {
      question += chunk.toString('latin1');
      const newline = question.indexOf('\n');
      if (newline < 0) {
        if (question.length > MAX_QUESTION_BYTES) socket.destroy();
        return;
      }
      const nonce = question.slice(0, newline);
      const claimText = JSON.stringify(claim());
      socket.end(
        `${JSON.stringify({ claim: JSON.parse(claimText), proof: proofOf(credentials, nonce, claimText) })}\n`,
      );
    });
  });
}

function listen(server: Server, address: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => reject(error);
    server.once('error', onError);
    server.listen({ path: address, exclusive: true }, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

type Answer =
  | { readonly kind: 'claim'; readonly claim: LockClaim }
  | { readonly kind: 'unproven' }
  | { readonly kind: 'none' };

function ask(address: string, credentials: LocalCredentials, timeoutMs: number): Promise<Answer> {
  return new Promise((resolve) => {
    const nonce = randomBytes(16).toString('hex');
    let reply = '';
    const socket = createConnection({ path: address });
    const finish = (answer: Answer) => {
      socket.destroy();
      resolve(answer);
    };
    socket.setTimeout(timeoutMs, () => finish({ kind: 'unproven' }));
    socket.on('connect', () => socket.write(`${nonce}\n`));
    socket.on('data', (chunk: Buffer) => {
      reply += chunk.toString('utf8');
    });
    socket.on('error', (error: NodeJS.ErrnoException) =>
      finish(
        error.code === 'ECONNREFUSED' || error.code === 'ENOENT' ? { kind: 'none' } : { kind: 'unproven' },
      ),
    );
    socket.on('end', () => {
      try {
        const parsed = JSON.parse(reply) as { claim?: LockClaim; proof?: string };
        const expected = Buffer.from(proofOf(credentials, nonce, JSON.stringify(parsed.claim)));
        const given = Buffer.from(String(parsed.proof ?? ''));
        const proven = given.length === expected.length && timingSafeEqual(given, expected);
        finish(proven && parsed.claim ? { kind: 'claim', claim: parsed.claim } : { kind: 'unproven' });
      } catch {
        finish({ kind: 'unproven' });
      }
    });
  });
}

/** The process holding the folder, as it proves itself; undefined when no one holds it. */
export async function queryHostLock(
  home: string,
  timeoutMs = QUERY_TIMEOUT_MS,
): Promise<LockClaim | undefined> {
  const credentials = existingCredentials(home);
  if (!credentials) return undefined;
  let address: string;
  try {
    address = lockAddress(home, credentials);
  } catch {
    return undefined; // the folder is gone
  }
  const answer = await ask(address, credentials, timeoutMs);
  return answer.kind === 'claim' ? answer.claim : undefined;
}

function ownedError(home: string, owner: LockOwner): OperationFailedError {
  return new OperationFailedError(
    'LOCAL_HOME_OWNED',
    `The data folder ${home} is owned by the payroll-ops host with pid ${owner.pid} (since ${owner.startedAt}); stop it with \`payroll-ops local stop\` or use another PAYROLL_OPS_HOME.`,
    { details: { pid: owner.pid, home } },
  );
}

/** Takes the folder for this process, or fails naming the owner. The folder's credentials must exist. */
export async function acquireHomeLock(home: string, credentials: LocalCredentials): Promise<HomeLock> {
  const owner: LockOwner = { pid: process.pid, startedAt: new Date().toISOString() };
  let record: HostRecord | undefined;
  const address = lockAddress(home, credentials);
  const server = createServer();
  answerQuestions(server, credentials, () => ({ ...owner, ...(record ? { record } : {}) }));
  for (let attempt = 0; ; attempt++) {
    try {
      await listen(server, address);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') {
        throw new InfrastructureError('LOCAL_HOME_LOCK', `Cannot take the lock of the data folder ${home}.`, {
          cause: error,
        });
      }
    }
    const answer = await ask(address, credentials, QUERY_TIMEOUT_MS);
    if (answer.kind === 'claim') throw ownedError(home, answer.claim);
    // A socket file nobody answers on is what a dead host left (only outside Linux): remove it once.
    if (answer.kind === 'none' && !ABSTRACT && attempt === 0) {
      rmSync(address, { force: true });
      continue;
    }
    throw new OperationFailedError(
      'LOCAL_HOME_LOCK',
      `The lock of the data folder ${home} is held by a process that cannot prove it owns the folder; stop it or use another PAYROLL_OPS_HOME.`,
    );
  }
  let released: Promise<void> | undefined;
  return {
    owner,
    publish(next) {
      record = next;
    },
    release() {
      released ??= new Promise<void>((resolve) => server.close(() => resolve())).then(() => {
        if (!ABSTRACT) rmSync(address, { force: true });
      });
      return released;
    },
  };
}
