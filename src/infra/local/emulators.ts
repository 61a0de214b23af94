/**
 * The two third-party emulators, run in-process and reachable only through the host's front
 * (which verifies signatures first): neither listens on any port. dynalite (DynamoDB, LevelDB in
 * the data folder) is an http.Server whose request listener is called directly; fauxqs (SQS
 * JSON protocol, in memory) is a fastify app, driven through `inject`.
 */
import type { IncomingHttpHeaders, RequestListener, Server, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { Readable } from 'node:stream';
import { buildApp } from 'fauxqs';
import { InfrastructureError } from '../../core/errors.js';
import type { StepFunctionsService } from './stepfunctions/index.js';

/** A request the front has read and verified, handed on to an emulator. */
export interface ForwardedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

export interface Emulator {
  /** Answers `request` on `res`; settles once the answer is written. */
  handle(request: ForwardedRequest, res: ServerResponse): Promise<void>;
  /** Lets requests in flight finish (a bounded time), then releases everything. */
  close(): Promise<void>;
}

interface DynaliteOptions {
  readonly path?: string;
  readonly createTableMs?: number;
  readonly deleteTableMs?: number;
  readonly updateTableMs?: number;
}
type DynaliteFactory = (options: DynaliteOptions) => Server;

/** What dynalite keeps of its LevelDB: its `close` waits for pending operations. */
interface DynaliteStore {
  readonly db: {
    open(): Promise<void>;
    close(callback: (error?: Error | null) => void): void;
  };
}
interface DynaliteDbModule {
  create(options: DynaliteOptions): DynaliteStore;
}

/** How long requests in flight may take to finish when the host stops. */
const DRAIN_MS = 3_000;

/**
 * Headers not passed on from fauxqs's answer: those of one hop of HTTP (the front sets its own)
 * and any CORS header (none ever leaves the host).
 */
const DROPPED_HEADERS = /^(connection|keep-alive|transfer-encoding|content-length|date|access-control-.*)$/i;

/** A readable request as Node's http server would hand it over: the buffered body, then the end. */
function incomingMessage(request: ForwardedRequest): Readable & ForwardedRequest {
  return Object.assign(Readable.from(request.body.length > 0 ? [request.body] : []), {
    method: request.method,
    url: request.url,
    headers: request.headers,
    body: request.body,
  });
}

/** Counts requests in flight so `close` can wait for them. */
function inFlight() {
  let count = 0;
  let idle: (() => void) | undefined;
  return {
    track<T>(work: Promise<T>): Promise<T> {
      count++;
      return work.finally(() => {
        if (--count === 0) idle?.();
      });
    },
    drained(timeoutMs: number): Promise<void> {
      if (count === 0) return Promise.resolve();
      return new Promise((resolve) => {
        const timer = setTimeout(resolve, timeoutMs);
        idle = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    },
  };
}

function finished(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    if (res.writableFinished || res.destroyed) resolve();
    else res.once('close', () => resolve());
  });
}

function openFailure(path: string, error: unknown): InfrastructureError {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  if (cause?.code === 'LEVEL_LOCKED') {
    return new InfrastructureError(
      'LOCAL_DYNAMODB_LOCKED',
      `The DynamoDB data in ${path} is open in another process; stop the other payroll-ops host (payroll-ops local stop) or use another PAYROLL_OPS_HOME.`,
      { cause: error },
    );
  }
  const reason = (cause?.message ?? (error as Error).message ?? String(error)).split('\n')[0];
  return new InfrastructureError(
    'LOCAL_DYNAMODB_OPEN',
    `The DynamoDB data in ${path} cannot be opened (${reason}); check that the folder is yours and writable, or run payroll-ops local reset.`,
    { cause: error },
  );
}

/**
 * dynalite on the LevelDB in `path`. The database is opened before the first request: a folder
 * that cannot be opened (read-only, held by another process) is one clear error at start, not a
 * "Database is closed" thrown out of a callback at the first request.
 */
export async function startDynalite(path: string): Promise<Emulator> {
  // Loaded with require so that bundlers leave it external: it finds its LevelDB bindings and
  // action modules on disk at run time.
  const require = createRequire(import.meta.url);
  const dynalite = require('dynalite') as DynaliteFactory;
  // dynalite keeps its store to itself; it is needed to open the database eagerly and to close it
  // without a listening server (dynalite closes LevelDB only from a listening server's close).
  // Its factory asks its db module for the store at call time, so the store is caught there.
  const dbModule = require('dynalite/db') as DynaliteDbModule;
  const create = dbModule.create;
  let store: DynaliteStore | undefined;
  dbModule.create = (options) => {
    store = create(options);
    return store;
  };
  let server: Server;
  try {
    // Tables become ACTIVE at once: the host creates them on every start and waits for nothing.
    server = dynalite({ path, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  } finally {
    dbModule.create = create;
  }
  const listener = server.listeners('request')[0] as RequestListener | undefined;
  const opened = store;
  if (!opened || !listener) {
    throw new InfrastructureError(
      'LOCAL_DYNAMODB_OPEN',
      'dynalite did not build its store; check its version.',
    );
  }
  const close = () =>
    new Promise<void>((resolve) => {
      opened.db.close(() => resolve());
    });
  try {
    await opened.db.open();
  } catch (error) {
    await close();
    throw openFailure(path, error);
  }
  const requests = inFlight();
  let closing: Promise<void> | undefined;
  return {
    handle: (request, res) => {
      const done = finished(res);
      listener(incomingMessage(request) as never, res);
      return requests.track(done);
    },
    close: () => {
      closing ??= requests.drained(DRAIN_MS).then(close);
      return closing;
    },
  };
}

/** Queue URLs are http://sqs.<region>.localhost/<account>/<name>: no port, whatever the front's. */
const QUEUE_URL_HOST = 'localhost';

export async function startSqs(): Promise<Emulator> {
  const app = buildApp({ logger: false });
  await app.ready();
  const requests = inFlight();
  let closing: Promise<void> | undefined;
  return {
    handle: (request, res) =>
      requests.track(
        (async () => {
          const answer = await app.inject({
            method: request.method as 'POST',
            url: request.url,
            // fauxqs names a queue by a URL on the request's host and port; one fixed host keeps
            // the URLs the same across host starts (each gets a new port), as the template's
            // outputs name them (template/resourceKinds.ts, localQueueUrl).
            headers: { ...request.headers, host: QUEUE_URL_HOST },
            payload: request.body,
          });
          const headers = Object.fromEntries(
            Object.entries(answer.headers).filter(([name]) => !DROPPED_HEADERS.test(name)),
          );
          res.writeHead(answer.statusCode, { ...headers, 'content-length': answer.rawPayload.length });
          res.end(answer.rawPayload);
        })(),
      ),
    // fauxqs's shutdown answers pending long polls at once; then what is left gets a moment.
    close: () => {
      closing ??= app.close().then(() => requests.drained(DRAIN_MS));
      return closing;
    },
  };
}

/** The Step Functions service (ours) behind the front like the others. */
export function stepFunctionsEmulator(service: StepFunctionsService): Emulator {
  return {
    handle: (request, res) => service.handle(incomingMessage(request) as never, res),
    close: () => service.close(),
  };
}
