import '../../node20.js';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { ExecutionManager } from './executionManager.js';
import { jsonProtocolHandler, type Operation } from './protocol.js';
import { StateMachineRegistry } from './stateMachineRegistry.js';
import { StepFunctionsStore } from './store.js';
import type { InvokeLambda } from './taskHandlers.js';

export interface StepFunctionsServiceOptions {
  /** The data folder; the service keeps its files under `<dataDir>/stepfunctions/`. */
  readonly dataDir: string;
  readonly region?: string;
  readonly accountId?: string;
  /** Runs a Lambda handler in-process: called with the bare function name and the event. */
  readonly invokeLambda: InvokeLambda;
  /** Replaces every Retry interval with this many milliseconds (tests); AWS's intervals otherwise. */
  readonly retryIntervalMs?: number;
  /** Told about failures that have no caller to answer (a history write, an internal error). */
  readonly onError?: (error: unknown) => void;
}

export interface StepFunctionsService {
  /** Serves the API on its own HTTP server; resolves with the bound port (pass 0 for a free one). */
  listen(port: number, host?: string): Promise<number>;
  /** Serves one request, for a host that shares its own server. */
  handle(req: IncomingMessage, res: ServerResponse): Promise<void>;
  /** Redrives every execution recorded RUNNING by a process that died; their ARNs. */
  recover(): Promise<string[]>;
  /** Executions this process is driving now (for an idle timer). */
  runningExecutions(): number;
  counts(): Promise<{ readonly stateMachines: number; readonly executions: number }>;
  /** Stops serving; running executions stay RUNNING on disk, for recover() in the next process. */
  close(): Promise<void>;
}

/** A Step Functions JSON API over aws-local-stepfunctions, with executions and history kept on disk. */
export function createStepFunctionsService(options: StepFunctionsServiceOptions): StepFunctionsService {
  const onError =
    options.onError ?? ((error: unknown) => process.emitWarning(describe(error), 'StepFunctions'));
  const scope = { region: options.region ?? 'us-east-1', accountId: options.accountId ?? '000000000000' };
  const store = new StepFunctionsStore(join(options.dataDir, 'stepfunctions'), onError);
  const machines = new StateMachineRegistry(store, scope);
  const executions = new ExecutionManager({
    store,
    scope,
    machines,
    invokeLambda: options.invokeLambda,
    retryIntervalMs: options.retryIntervalMs,
    onError,
  });
  const ready = Promise.all([machines.load(), executions.load()]).then(() => undefined);
  ready.catch(onError);

  const operations: Record<string, Operation> = {
    CreateStateMachine: (body) => machines.create(body),
    UpdateStateMachine: (body) => machines.update(body),
    DescribeStateMachine: (body) => machines.describe(body),
    ListStateMachines: (body) => machines.list(body),
    DeleteStateMachine: (body) => machines.delete(body),
    // Answered once the execution record is on disk, so a host killed right after still knows it.
    StartExecution: async (body) => {
      const started = executions.start(body);
      await executions.settled();
      return started;
    },
    DescribeExecution: (body) => executions.describe(body),
    ListExecutions: (body) => executions.list(body),
    GetExecutionHistory: (body) => executions.history(body),
    StopExecution: (body) => executions.stop(body),
    RedriveExecution: async (body) => {
      const redriven = await executions.redrive(body);
      await executions.settled();
      return redriven;
    },
  };
  const handle = jsonProtocolHandler(operations, {
    ready,
    onError,
    health: () => ({ service: 'stepfunctions', runningExecutions: executions.runningExecutions() }),
  });

  let server: Server | undefined;
  return {
    handle,
    listen: (port, host = '127.0.0.1') =>
      new Promise<number>((resolve, reject) => {
        const created = createServer((req, res) => void handle(req, res));
        created.once('error', reject);
        created.listen(port, host, () => {
          server = created;
          resolve((created.address() as AddressInfo).port);
        });
      }),
    recover: async () => {
      await ready;
      return executions.recover();
    },
    runningExecutions: () => executions.runningExecutions(),
    counts: async () => {
      await ready;
      return { stateMachines: machines.count(), executions: executions.count() };
    },
    close: async () => {
      if (server) {
        const closing = server;
        server = undefined;
        await new Promise<void>((resolve) => {
          closing.close(() => resolve());
          closing.closeAllConnections();
        });
      }
      await ready.catch(() => undefined);
      await executions.close();
    },
  };
}

const describe = (error: unknown): string =>
  error instanceof Error ? (error.stack ?? error.message) : String(error);
