/**
 * The embedded local stack: one process owns one data folder (lock.ts) and serves DynamoDB
 * (dynalite), SQS (fauxqs) and Step Functions behind one signature-checking front (front.ts),
 * and an HTTP API, on 127.0.0.1; runs the app's handlers in-process (Lambda), its SQS pollers
 * (event source mappings) and its schedules (EventBridge Scheduler). The payroll app's resources
 * come from the synthesized template (dist/template), applied on every start and again on
 * `deploy` (the front's control service); its outputs are recorded as the local target. Everything
 * it writes is private to the folder's owner. On start it recovers: executions that were RUNNING
 * are redriven, pending work is re-enqueued.
 */
import { mkdirSync } from 'node:fs';
import { describeError } from '../../core/errors.js';
import { type AwsClients, clientsFor, LOCAL_ACCOUNT_ID, LOCAL_REGION } from '../aws/clients.js';
import { LOCAL_STACK_NAME } from '../backendNames.js';
import { OutputKey } from '../backendOutputs.js';
import { writeLocalTarget } from '../localTarget.js';
import { ActivityTracker, INTERNAL_USER_AGENT } from './activity.js';
import { createApiServer } from './api.js';
import { type AppRef, loadApp } from './appLoader.js';
import { AwsService } from './authErrors.js';
import { keepCredentials, type LocalCredentials, localCredentials } from './credentials.js';
import { type Emulator, startDynalite, startSqs, stepFunctionsEmulator } from './emulators.js';
import { createFront } from './front.js';
import { hostControl } from './hostControl.js';
import { type HostedApp, hostedApp } from './hostedApp.js';
import {
  apiToken,
  type HostEndpoints,
  HostMode,
  type HostRecord,
  homePaths,
  removeHostRecord,
  writeHostRecord,
} from './hostRecord.js';
import { HostRuntime } from './hostRuntime.js';
import { closeServer, listenLoopback, urlOf } from './http.js';
import { setLambdaEnvironment } from './lambdaEnvironment.js';
import { acquireHomeLock, type HomeLock } from './lock.js';
import { ensurePrivateFolder, PRIVATE_DIR_MODE, usePrivateUmask } from './privateFolder.js';
import type { Provisioned } from './provision.js';
import { createStackApplier } from './stackApplier.js';
import { createStepFunctionsService, type StepFunctionsService } from './stepfunctions/index.js';
import { resumeRebuilds } from './tableRebuild.js';
import type { LocalPlan } from './template/localPlan.js';

export interface HostOptions {
  readonly home: string;
  /** The app to run: an object, a module specifier `path#export`, or (default) the payroll app. */
  readonly app?: AppRef;
  /** Stop after this long with no clients, executions or batches; absent: run until stopped. */
  readonly idleShutdownMs?: number;
  readonly mode?: HostMode;
  readonly log?: (line: string) => void;
  /** Schedule name → fire every this many seconds instead of its expression (tests). */
  readonly scheduleEverySeconds?: Readonly<Record<string, number>>;
}

export interface Recovered {
  readonly executions: readonly string[];
  readonly reenqueued: number;
}

export interface RunningHost {
  readonly record: HostRecord;
  readonly endpoints: HostEndpoints;
  readonly apiToken: string;
  /** The data folder's credentials: every request to the endpoints must be signed with them. */
  readonly credentials: LocalCredentials;
  /** Where the queues and state machines of the plan applied at start are. */
  readonly provisioned: Provisioned;
  /** The plan the host runs now (what it applied at start, or the last deploy). */
  plan(): LocalPlan;
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

/**
 * Redrives interrupted executions, then re-enqueues the outbox. A failure is logged, not fatal:
 * a host that serves lets the operator inspect and repair; one that refuses to start does not.
 */
async function recover(
  stepFunctions: StepFunctionsService,
  app: HostedApp,
  plan: LocalPlan,
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
    reenqueued = (await app.recover(clients, plan)).reenqueued;
    if (reenqueued > 0) log(`recovered: re-enqueued ${reenqueued} pending message(s)`);
  } catch (error) {
    log(`re-enqueueing the outbox failed: ${describeError(error)}`);
  }
  return { executions, reenqueued };
}

/** `3 add, 1 update` — for the host's log. */
function describeChanges(changes: readonly { readonly change: string }[]): string {
  const counts = new Map<string, number>();
  for (const { change } of changes) counts.set(change, (counts.get(change) ?? 0) + 1);
  return [...counts].map(([change, count]) => `${count} ${change}`).join(', ');
}

/** How long requests in flight through the front may take to finish when the host stops. */
const DRAIN_MS = 3_000;

export async function startHost(options: HostOptions): Promise<RunningHost> {
  const { home } = options;
  const log = options.log ?? (() => {});
  // Everything the host writes (LevelDB, history, artifacts, logs) is born private to its owner.
  usePrivateUmask();
  ensurePrivateFolder(home, (message) => log(`warning: ${message}`));
  const credentials = localCredentials(home);
  const lock: HomeLock = await acquireHomeLock(home, credentials);
  const closers: Closer[] = [() => lock.release()];
  closers.push(keepCredentials(home, credentials, log));
  const activity = new ActivityTracker();
  try {
    const paths = homePaths(home);
    mkdirSync(paths.dynamodb, { recursive: true, mode: PRIVATE_DIR_MODE });
    const token = apiToken(home);
    const app = hostedApp(await loadApp(options.app, { home }));
    // Read and resolved before anything starts: a template the local stack cannot run stops here.
    const startPlan = app.startPlan();

    const dynamodb: Emulator = await startDynalite(paths.dynamodb);
    closers.push(() => dynamodb.close());
    const sqs: Emulator = await startSqs();
    closers.push(() => sqs.close());
    // Invocations find their handler when they start: the runtime is filled in once provisioned.
    let runtime: HostRuntime | undefined;
    const invoke = (name: string, event: unknown) => (runtime as HostRuntime).invoke(name, event);
    // The service keeps its files under <dataDir>/stepfunctions.
    const stepFunctions = createStepFunctionsService({
      dataDir: home,
      region: LOCAL_REGION,
      accountId: LOCAL_ACCOUNT_ID,
      invokeLambda: invoke,
      onError: (error) => log(`step functions: ${describeError(error)}`),
    });
    closers.push(() => stepFunctions.close());
    let control: Emulator | undefined;
    const front = createFront({
      credentials,
      services: {
        [AwsService.DynamoDB]: dynamodb,
        [AwsService.Sqs]: sqs,
        [AwsService.StepFunctions]: stepFunctionsEmulator(stepFunctions),
        // Answers once the first plan is applied; before that, the host is still starting.
        [AwsService.HostControl]: {
          handle: async (request, res) => {
            if (control) return control.handle(request, res);
            res.writeHead(503, { 'content-type': 'application/x-amz-json-1.0' });
            res.end(JSON.stringify({ __type: 'ServiceUnavailable', message: 'The local host is starting.' }));
          },
          close: async () => {},
        },
      },
      log,
    });
    const frontPort = await listenLoopback(front);
    closers.push(() => closeServer(front, DRAIN_MS));
    // Closed before the front (closers run in reverse): long polls in flight are answered at once
    // instead of holding the front's drain for their 20 s.
    closers.push(() => sqs.close());
    const apiServer = createApiServer({ routes: () => runtime?.currentRoutes() ?? [], token, invoke, log });
    const apiPort = await listenLoopback(apiServer);
    closers.push(() => closeServer(apiServer));
    for (const server of [front, apiServer]) activity.watch(server);

    const endpoints: HostEndpoints = {
      dynamodb: urlOf(frontPort),
      sqs: urlOf(frontPort),
      stepfunctions: urlOf(frontPort),
      api: urlOf(apiPort),
    };
    setLambdaEnvironment(endpoints, credentials);
    const internal: AwsClients = clientsFor(
      { kind: 'local', endpoints, credentials },
      { userAgent: INTERNAL_USER_AGENT },
    );
    closers.push(() => internal.destroy());

    const started = new HostRuntime({
      sqs: internal.sqs,
      sfn: internal.sfn,
      activity,
      log,
      ...(options.scheduleEverySeconds ? { scheduleEverySeconds: options.scheduleEverySeconds } : {}),
    });
    runtime = started;
    closers.push(() => started.stop());
    const applier = createStackApplier({
      home,
      clients: internal,
      runtime: started,
      app,
      onApplied: (plan, source) => {
        // Only a template-driven app has a stack: its outputs are the local target's names.
        if (!app.templateFile) return;
        writeLocalTarget(home, {
          account: LOCAL_ACCOUNT_ID,
          region: LOCAL_REGION,
          stackName: LOCAL_STACK_NAME,
          // The API Gateway URL of the template is AWS's; here the routes are served at the API port.
          outputs:
            plan.outputs[OutputKey.ApiUrl] === undefined
              ? plan.outputs
              : { ...plan.outputs, [OutputKey.ApiUrl]: `${endpoints.api}/` },
          templateFile: source,
        });
      },
    });
    // A rebuild a host that died left half done is finished first (tableRebuild.ts).
    for (const table of await resumeRebuilds(internal.dynamodb, home))
      log(`finished rebuilding table ${table}`);
    const applied = await applier.apply(startPlan, app.templateFile ?? 'app', true);
    if (applied.length > 0) log(`provisioned: ${describeChanges(applied)}`);
    control = hostControl(applier, app);
    const provisioned = applier.provisioned();

    const recovered = await recover(stepFunctions, app, startPlan, internal, log);

    const record: HostRecord = {
      pid: process.pid,
      startedAt: lock.owner.startedAt,
      home,
      mode: options.mode ?? HostMode.Foreground,
      ...(options.idleShutdownMs === undefined ? {} : { idleShutdownMs: options.idleShutdownMs }),
      endpoints,
    };
    writeHostRecord(home, record);
    lock.publish(record);

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
    closers.push(() => {
      lock.publish(undefined);
      removeHostRecord(home, process.pid);
    });
    log(
      `ready: pid ${process.pid}, data ${home}, aws endpoint (dynamodb, sqs, stepfunctions) ${endpoints.dynamodb}, ` +
        `api ${endpoints.api}` +
        (idleMs === undefined ? '' : `, idle shutdown after ${Math.round(idleMs / 1000)} s`),
    );
    return {
      record,
      endpoints,
      apiToken: token,
      credentials,
      provisioned,
      plan: () => applier.current(),
      recovered,
      stop,
      stopped,
    };
  } catch (error) {
    await closeAll(closers, log);
    throw error;
  }
}

/**
 * For a process that is a host (hostMain, `local start`): an error nothing caught (an emulator
 * throwing out of a callback, say on a storage failure) is logged on one line and stops the host
 * with exit code 1, instead of Node printing a stack trace and dying with the data folder in use.
 */
export function stopOnUncaughtErrors(host: RunningHost, log: (line: string) => void): () => void {
  const firstLine = (error: unknown) => describeError(error).split('\n')[0];
  const onError = (error: unknown) => {
    log(`internal error: ${firstLine(error)}; stopping`);
    process.exitCode = 1;
    void host.stop('internal error');
  };
  // A promise nobody awaited failed; the host itself is fine.
  const onRejection = (reason: unknown) => log(`unhandled rejection: ${firstLine(reason)}`);
  process.on('uncaughtException', onError);
  process.on('unhandledRejection', onRejection);
  return () => {
    process.off('uncaughtException', onError);
    process.off('unhandledRejection', onRejection);
  };
}
