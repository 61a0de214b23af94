/**
 * The host's view of the Step Functions service (src/infra/local/stepfunctions/): the calls the
 * host makes, so the host depends on this narrow contract rather than on the service's internals.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { LambdaInvoker } from './lambdaRuntime.js';
import { createStepFunctionsService } from './stepfunctions/index.js';

export interface StepFunctionsService {
  /** Redrives the executions that were RUNNING when the last host died; their ARNs. */
  recover(): Promise<string[]>;
  runningExecutions(): number;
  handle(req: IncomingMessage, res: ServerResponse): unknown;
  close(): Promise<void> | void;
}

export interface StepFunctionsOptions {
  readonly dataDir: string;
  readonly region: string;
  readonly accountId: string;
  readonly invokeLambda: LambdaInvoker;
}

export function startStepFunctions(options: StepFunctionsOptions): StepFunctionsService {
  return createStepFunctionsService(options);
}
