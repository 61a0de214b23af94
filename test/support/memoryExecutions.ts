/**
 * An in-memory ExecutionPort for unit tests of the start and rollback rules: it records the
 * executions started and can be told to fail the next start — before Step Functions took it, or
 * after (the response lost on the way back). Not a model of Step Functions: nothing runs.
 */
import { OperationFailedError, TransientError } from '../../src/core/errors.js';
import type { ExecutionPort, ExecutionSummary } from '../../src/core/ports.js';

export type StartFault = 'refused' | 'response-lost';

export class MemoryExecutions implements ExecutionPort {
  readonly started = new Map<string, { readonly machine: string; readonly input: unknown }>();
  nextStart: StartFault | undefined;

  private start(machine: string, name: string, input: unknown) {
    const fault = this.nextStart;
    this.nextStart = undefined;
    if (fault === 'refused')
      throw new TransientError('SFN_UNAVAILABLE', 'Step Functions refused the request.');
    if (this.started.has(name))
      throw new OperationFailedError('RUN_EXISTS', `An execution named ${name} already exists.`);
    this.started.set(name, { machine, input });
    if (fault === 'response-lost') throw new TransientError('SFN_TIMEOUT', 'The response was lost.');
    return Promise.resolve({ executionArn: this.arnOf(machine, name) });
  }

  private arnOf(machine: string, name: string): string {
    return `arn:aws:states:us-east-1:000000000000:execution:${machine}:${name}`;
  }

  startPayRun(name: string, input: unknown) {
    return this.start('pay-run', name, input);
  }

  startRollback(name: string, input: unknown) {
    return this.start('rollback', name, input);
  }

  async describe(executionArn: string): Promise<ExecutionSummary | undefined> {
    const name = executionArn.slice(executionArn.lastIndexOf(':') + 1);
    return this.started.has(name) ? { executionArn, status: 'RUNNING', redriveCount: 0 } : undefined;
  }

  describePayRun(name: string): Promise<ExecutionSummary | undefined> {
    return this.describe(this.arnOf('pay-run', name));
  }

  describeRollback(name: string): Promise<ExecutionSummary | undefined> {
    return this.describe(this.arnOf('rollback', name));
  }

  async stop(_executionArn: string, _cause?: string): Promise<void> {}

  async redrive(_executionArn: string): Promise<void> {}
}
