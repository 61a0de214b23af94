/**
 * The embedded local stack: one process owns one data folder and serves DynamoDB (dynalite),
 * SQS (fauxqs), Step Functions, and an HTTP API on 127.0.0.1, runs the app's handlers in-process
 * (Lambda), its SQS pollers (event source mappings) and its schedules (EventBridge Scheduler).
 * On start it recovers: executions that were RUNNING are redriven, pending work is re-enqueued.
 */
import { mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { describeError } from '../../core/errors.js';
import { type AwsClients, clientsFor, LOCAL_ACCOUNT_ID, LOCAL_REGION } from '../aws/clients.js';
import type { LocalApp } from '../resources.js';
import { ActivityTracker, INTERNAL_USER_AGENT } from './activity.js';
import { createApiServer } from './api.js';
import { type AppRef, loadApp } from './appLoader.js';
import { type Emulator, startDynalite, startSqs } from './emulators.js';
import {
  apiToken,
  type HostEndpoints,
  HostMode,
  type HostRecord,
  homePaths,
  removeHostRecord,
  writeHostRecord,
} from './hostRecord.js';
import { closeServer, HEALTH_PATH, listenLoopback, urlOf } from './http.js';
import { setLambdaEnvironment } from './lambdaEnvironment.js';
import { lambdaInvoker } from './lambdaRuntime.js';
import { acquireHomeLock, type HomeLock } from './lock.js';
import { type Pollers, startPollers } from './pollers.js';
import { type Provisioned, provision } from './provision.js';
import { type Scheduler, startScheduler } from './scheduler.js';
import { createStepFunctionsService, type StepFunctionsService } from './stepfunctions/index.js';

export interface HostOptions {
  readonly home: string;
  /** The app to run: an object, a module specifier `path#export`, or (default) the payroll app. */
  readonly app?: AppRef;
  /** Stop after this long with no clients, executions or batches; absent: run until stopped. */
  readonly idleShutdownMs?: number;
  readonly mode?: HostMode;
  readonly log?: (line: string) => void;
}

export interface Recovered {
  readonly executions: readonly string[];
  readonly reenqueued: number;
}

export interface RunningHost {
  readonly record: HostRecord;
  readonly endpoints: HostEndpoints;
  readonly apiToken: string;
  readonly provisioned: Provisioned;
  readonly recovered: Recovered;
  /** Stops everything, removes host.json and releases the folder. Idempotent. */
  stop(reason?: string): Promise<void>;
  /** Settles with the reason once the host has stopped (asked to, or idle). */
  readonly stopped: Promise<string>;
}

/** Resources to release, in reverse order of acquisition. */
type Closer = () => Promise<void> | void;

async function closeAll(closers: Closer[], log: (line: string) => void): Promise<void> {
  for (const close of closers.reverse()) {
    try {
      await close();
    } catch (error) {
      log(`while stopping: ${describeError(error)}`);
    }
  }
}

function stepFunctionsServer(service: StepFunctionsService, pid: number): Server {
  return createServer((req, res) => {
    if (req.url === HEALTH_PATH) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: 'ok', pid }));
      return;
    }
    Promise.resolve(service.handle(req, res)).catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
}

/**
 * Redrives interrupted executions, then re-enqueues the outbox. A failure is logged, not fatal:
 * a host that serves lets the operator inspect and repair; one that refuses to start does not.
 */
async function recover(
  stepFunctions: StepFunctionsService,
  app: LocalApp,
  clients: AwsClients,
  log: (line: string) => void,
): Promise<Recovered> {
  let executions: readonly string[] = [];
  let reenqueued = 0;
  try {
    executions = await stepFunctions.recover();
    if (executions.length > 0) {
      log(`recovered: redrove ${executions.length} execution(s): ${executions.join(', ')}`);
    }
  } catch (error) {
    log(`recovery of executions failed: ${describeError(error)}`);
  }
  try {
    reenqueued = app.recover ? (await app.recover(clients)).reenqueued : 0;
    if (reenqueued > 0) log(`recovered: re-enqueued ${reenqueued} pending message(s)`);
  } catch (error) {
    log(`re-enqueueing the outbox failed: ${describeError(error)}`);
  }
  return { executions, reenqueued };
}

export async function startHost(options: HostOptions): Promise<RunningHost> {
  const { home } = options;
  const log = options.log ?? (() => {});
  const lock: HomeLock = await acquireHomeLock(home);
  const closers: Closer[] = [() => lock.release()];
  const activity = new ActivityTracker();
  try {
    const paths = homePaths(home);
    mkdirSync(paths.dynamodb, { recursive: true });
    const token = apiToken(home);
    const app = await loadApp(options.app, { home });
    const invoke = lambdaInvoker(app);

    const dynamodb: Emulator = await startDynalite(paths.dynamodb);
    closers.push(() => dynamodb.close());
    const sqs: Emulator = await startSqs();
    closers.push(() => sqs.close());
    // The service keeps its files under <dataDir>/stepfunctions.
    const stepFunctions = createStepFunctionsService({
      dataDir: home,
      region: LOCAL_REGION,
      accountId: LOCAL_ACCOUNT_ID,
      invokeLambda: invoke,
      onError: (error) => log(`step functions: ${describeError(error)}`),
    });
    closers.push(() => stepFunctions.close());
    const sfnServer = stepFunctionsServer(stepFunctions, process.pid);
    const sfnPort = await listenLoopback(sfnServer);
    closers.push(() => closeServer(sfnServer));
    const apiServer = createApiServer({
      routes: app.api?.routes ?? [],
      token,
      invoke,
      pid: process.pid,
      log,
    });
    const apiPort = await listenLoopback(apiServer);
    closers.push(() => closeServer(apiServer));
    for (const server of [dynamodb.server, sqs.server, sfnServer, apiServer]) activity.watch(server);

    const endpoints: HostEndpoints = {
      dynamodb: dynamodb.url,
      sqs: sqs.url,
      stepfunctions: urlOf(sfnPort),
      api: urlOf(apiPort),
    };
    setLambdaEnvironment(endpoints);
    const internal: AwsClients = clientsFor({ kind: 'local', endpoints }, { userAgent: INTERNAL_USER_AGENT });
    closers.push(() => internal.destroy());

    const provisioned = await provision(internal, app);
    const pollers: Pollers = startPollers(app.eventSourceMappings, {
      sqs: internal.sqs,
      queues: provisioned.queues,
      invoke,
      activity,
      log,
    });
    closers.push(() => pollers.stop());
    const scheduler: Scheduler = startScheduler(app.schedules, { invoke, activity, log });
    closers.push(() => scheduler.stop());

    const recovered = await recover(stepFunctions, app, internal, log);

    const record: HostRecord = {
      pid: process.pid,
      startedAt: lock.owner.startedAt,
      home,
      mode: options.mode ?? HostMode.Foreground,
      ...(options.idleShutdownMs === undefined ? {} : { idleShutdownMs: options.idleShutdownMs }),
      endpoints,
    };
    writeHostRecord(home, record);

    let stopping: Promise<void> | undefined;
    let resolveStopped!: (reason: string) => void;
    const stopped = new Promise<string>((resolve) => {
      resolveStopped = resolve;
    });
    const stop = (reason = 'stopped') => {
      stopping ??= (async () => {
        log(`stopping: ${reason}`);
        await closeAll(closers, log);
        log('stopped');
        resolveStopped(reason);
      })();
      return stopping;
    };
    const idleMs = options.idleShutdownMs;
    if (idleMs !== undefined) {
      const timer = setInterval(
        () => {
          const quiet = activity.quietFor();
          if (quiet >= idleMs && stepFunctions.runningExecutions() === 0) {
            void stop(`idle for ${Math.round(quiet / 1000)} s with no clients, executions or batches`);
          }
        },
        Math.max(50, Math.min(idleMs / 4, 10_000)),
      );
      timer.unref();
      closers.push(() => clearInterval(timer));
    }
    // Runs first on stop: no client should attach to a host that is going away.
    closers.push(() => removeHostRecord(home, process.pid));
    log(
      `ready: pid ${process.pid}, data ${home}, dynamodb ${endpoints.dynamodb}, sqs ${endpoints.sqs}, ` +
        `stepfunctions ${endpoints.stepfunctions}, api ${endpoints.api}` +
        (idleMs === undefined ? '' : `, idle shutdown after ${Math.round(idleMs / 1000)} s`),
    );
    return { record, endpoints, apiToken: token, provisioned, recovered, stop, stopped };
  } catch (error) {
    await closeAll(closers, log);
    throw error;
  }
}
