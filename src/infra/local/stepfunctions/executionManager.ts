import { randomUUID } from 'node:crypto';
import { definitionOf } from './definition.js';
import { SfnApiError, SfnErrorType } from './errors.js';
import { type ActiveRun, type RunOutcome, startRun } from './executionRunner.js';
import { describeExecution, historyPage, isRedrivable, listExecutions } from './executionViews.js';
import { HistoryRecorder } from './historyRecorder.js';
import { type ArnScope, executionArn, parseExecutionArn, validateName } from './names.js';
import { redrivePoint } from './redrivePoint.js';
import type { StateMachineRegistry } from './stateMachineRegistry.js';
import type { StepFunctionsStore } from './store.js';
import { MAX_PAYLOAD_BYTES, payloadBytes } from './taskErrors.js';
import type { InvokeLambda } from './taskHandlers.js';
import { type ExecutionRecord, ExecutionStatus, type HistoryEvent } from './types.js';

type Body = Readonly<Record<string, unknown>>;

export interface ExecutionManagerOptions {
  readonly store: StepFunctionsStore;
  readonly scope: ArnScope;
  readonly machines: StateMachineRegistry;
  readonly invokeLambda: InvokeLambda;
  readonly retryIntervalMs?: number;
  readonly onError: (error: unknown) => void;
}

/** Histories of recently finished executions kept in memory, so readers need not wait for the disk. */
const RECENT_HISTORIES = 32;

/** StartExecution, StopExecution, RedriveExecution, the reads of executions, and recovery after a crash. */
export class ExecutionManager {
  private readonly records = new Map<string, ExecutionRecord>();
  private readonly active = new Map<
    string,
    { readonly run: ActiveRun; readonly recorder: HistoryRecorder }
  >();
  private readonly recent = new Map<string, readonly HistoryEvent[]>();
  private readonly pendingWrites = new Set<Promise<void>>();
  private closed = false;

  constructor(private readonly options: ExecutionManagerOptions) {}

  async load(): Promise<void> {
    for (const record of await this.options.store.loadExecutions()) this.records.set(record.arn, record);
  }

  start(body: Body): { executionArn: string; startDate: Date } {
    const machine = this.options.machines.get(body.stateMachineArn);
    const name = body.name === undefined ? randomUUID() : validateName(body.name, 'execution');
    const input = body.input === undefined ? '{}' : body.input;
    const parsedInput = parseInput(input);
    const arn = executionArn(this.options.scope, machine.name, name);
    const existing = this.records.get(arn);
    if (existing) {
      // AWS: idempotent only while the first one runs with the same input; a closed name is never reused.
      if (existing.status === ExecutionStatus.Running && existing.input === input) {
        return { executionArn: arn, startDate: new Date(existing.startDate) };
      }
      throw new SfnApiError(SfnErrorType.ExecutionAlreadyExists, `Execution Already Exists: '${arn}'`);
    }
    const record: ExecutionRecord = {
      arn,
      stateMachineArn: machine.arn,
      name,
      status: ExecutionStatus.Running,
      input: input as string,
      startDate: Date.now(),
      redriveCount: 0,
      definition: machine.definition,
      roleArn: machine.roleArn,
    };
    this.save(record);
    const recorder = this.newRecorder(arn, []);
    recorder.add('ExecutionStarted', {
      executionStartedEventDetails: { input, inputDetails: { truncated: false }, roleArn: record.roleArn },
    });
    const definition = definitionOf(record.definition);
    this.launch(record, recorder, definition.StartAt, parsedInput);
    return { executionArn: arn, startDate: new Date(record.startDate) };
  }

  describe(body: Body): Record<string, unknown> {
    return describeExecution(this.get(body.executionArn));
  }

  list(body: Body): Record<string, unknown> {
    this.options.machines.get(body.stateMachineArn);
    return listExecutions(this.records.values(), body);
  }

  async history(body: Body): Promise<Record<string, unknown>> {
    const record = this.get(body.executionArn);
    return historyPage(await this.historyOf(record.arn), body);
  }

  /** Ends a running execution ABORTED at once; its task in flight is abandoned, its late events dropped. */
  async stop(body: Body): Promise<{ stopDate: Date }> {
    const record = this.get(body.executionArn);
    if (record.status !== ExecutionStatus.Running)
      return { stopDate: new Date(record.stopDate ?? Date.now()) };
    const error = typeof body.error === 'string' ? body.error : undefined;
    const cause = typeof body.cause === 'string' ? body.cause : undefined;
    const active = this.active.get(record.arn);
    this.active.delete(record.arn);
    active?.recorder.seal();
    active?.run.stop(error, cause);
    const recorder = active?.recorder ?? this.newRecorder(record.arn, await this.historyOf(record.arn));
    const stopped = this.complete(record.arn, recorder, { type: 'aborted', error, cause });
    // Answer only once ABORTED is on disk: a host killed right after must not find it RUNNING
    // and resume it on recovery.
    await this.settled();
    return { stopDate: new Date(stopped.stopDate ?? Date.now()) };
  }

  /** Continues a FAILED, ABORTED or TIMED_OUT execution from the top-level state where it stopped. */
  async redrive(body: Body): Promise<{ redriveDate: Date }> {
    const record = this.get(body.executionArn);
    if (!isRedrivable(record)) {
      throw new SfnApiError(
        SfnErrorType.ExecutionNotRedrivable,
        `Execution is ${record.status} and cannot be redriven: '${record.arn}'`,
      );
    }
    const redriven = await this.resume(record);
    return { redriveDate: new Date(redriven.redriveDate!) };
  }

  /** After a crash: every execution recorded RUNNING that no run here drives is redriven. */
  async recover(): Promise<string[]> {
    const orphans = [...this.records.values()].filter(
      (record) =>
        (record.status === ExecutionStatus.Running || record.status === ExecutionStatus.PendingRedrive) &&
        !this.active.has(record.arn),
    );
    for (const record of orphans) await this.resume(record);
    return orphans.map((record) => record.arn);
  }

  runningExecutions(): number {
    return this.active.size;
  }

  count(): number {
    return this.records.size;
  }

  /** Lets every run go (they stay RUNNING on disk for recover()) and writes out what is buffered. */
  async close(): Promise<void> {
    this.closed = true;
    const runs = [...this.active.values()];
    for (const { run, recorder } of runs) {
      recorder.seal();
      run.interrupt();
    }
    await Promise.all(runs.map(({ run }) => run.finished.catch(this.options.onError)));
    this.active.clear();
    await Promise.all([...this.pendingWrites]);
    await this.options.store.flush();
  }

  private async resume(record: ExecutionRecord): Promise<ExecutionRecord> {
    // Claimed before the first await, so a second RedriveExecution meanwhile is refused, as on AWS.
    this.save({ ...record, status: ExecutionStatus.PendingRedrive });
    const events = await this.historyOf(record.arn);
    const definition = definitionOf(record.definition);
    const recorder = this.newRecorder(record.arn, events);
    const redriveCount = record.redriveCount + 1;
    const redriven: ExecutionRecord = {
      ...record,
      status: ExecutionStatus.Running,
      redriveCount,
      redriveDate: Date.now(),
      output: undefined,
      error: undefined,
      cause: undefined,
      stopDate: undefined,
    };
    this.save(redriven);
    if (events.length === 0) {
      // Killed before its first event reached the disk: record the start it made.
      recorder.add('ExecutionStarted', {
        executionStartedEventDetails: { input: record.input, inputDetails: { truncated: false } },
      });
    }
    recorder.add('ExecutionRedriven', { executionRedrivenEventDetails: { redriveCount } });
    const point = redrivePoint(definition, events, record.input);
    this.launch(redriven, recorder, point.startAt, point.input);
    return redriven;
  }

  private launch(record: ExecutionRecord, recorder: HistoryRecorder, startAt: string, input: unknown): void {
    const run = startRun({
      record,
      definition: definitionOf(record.definition),
      startAt,
      input,
      recorder,
      region: this.options.scope.region,
      invokeLambda: this.options.invokeLambda,
      retryIntervalMs: this.options.retryIntervalMs,
    });
    this.active.set(record.arn, { run, recorder });
    this.recent.delete(record.arn);
    run.finished
      .then((outcome) => {
        // A stopped or interrupted run was already let go; only the current run may finish its execution.
        if (this.active.get(record.arn)?.run !== run || this.closed) return;
        this.active.delete(record.arn);
        if (outcome.type !== 'interrupted') this.complete(record.arn, recorder, outcome);
      })
      .catch(this.options.onError);
  }

  /** Writes the execution-level end event and the final record (history first, then the record). */
  private complete(
    arn: string,
    recorder: HistoryRecorder,
    outcome: Exclude<RunOutcome, { type: 'interrupted' }>,
  ) {
    const record = this.records.get(arn)!;
    const stopDate = Date.now();
    let finished: ExecutionRecord;
    switch (outcome.type) {
      case 'succeeded':
        recorder.addFinal('ExecutionSucceeded', {
          executionSucceededEventDetails: { output: outcome.output, outputDetails: { truncated: false } },
        });
        finished = { ...record, status: ExecutionStatus.Succeeded, output: outcome.output, stopDate };
        break;
      case 'failed':
        recorder.addFinal('ExecutionFailed', {
          executionFailedEventDetails: { error: outcome.error, cause: outcome.cause },
        });
        finished = {
          ...record,
          status: ExecutionStatus.Failed,
          error: outcome.error,
          cause: outcome.cause,
          stopDate,
        };
        break;
      case 'aborted':
        recorder.addFinal('ExecutionAborted', {
          executionAbortedEventDetails: { error: outcome.error, cause: outcome.cause },
        });
        finished = {
          ...record,
          status: ExecutionStatus.Aborted,
          error: outcome.error,
          cause: outcome.cause,
          stopDate,
        };
        break;
      case 'timed-out':
        recorder.addFinal('ExecutionTimedOut', {
          executionTimedOutEventDetails: { error: 'States.Timeout', cause: 'The execution timed out.' },
        });
        finished = { ...record, status: ExecutionStatus.TimedOut, error: 'States.Timeout', stopDate };
        break;
    }
    this.remember(arn, recorder.all());
    this.records.set(arn, finished);
    const write = this.options.store.flush().then(() => this.options.store.saveExecution(finished));
    this.pendingWrites.add(write);
    void write.finally(() => this.pendingWrites.delete(write));
    return finished;
  }

  private get(arn: unknown): ExecutionRecord {
    parseExecutionArn(arn);
    const record = this.records.get(arn as string);
    if (!record)
      throw new SfnApiError(SfnErrorType.ExecutionDoesNotExist, `Execution Does Not Exist: '${arn}'`);
    return record;
  }

  /** Resolves once every execution record written so far is on disk. */
  async settled(): Promise<void> {
    await Promise.all([...this.pendingWrites]);
  }

  private save(record: ExecutionRecord): void {
    this.records.set(record.arn, record);
    const write = this.options.store.saveExecution(record);
    this.pendingWrites.add(write);
    void write.finally(() => this.pendingWrites.delete(write));
  }

  private newRecorder(arn: string, events: readonly HistoryEvent[]): HistoryRecorder {
    return new HistoryRecorder(events, (event) => this.options.store.appendHistory(arn, [event]));
  }

  private async historyOf(arn: string): Promise<readonly HistoryEvent[]> {
    const live = this.active.get(arn)?.recorder.all() ?? this.recent.get(arn);
    if (live) return live;
    await this.options.store.flush();
    const events = await this.options.store.readHistory(arn);
    this.remember(arn, events);
    return events;
  }

  private remember(arn: string, events: readonly HistoryEvent[]): void {
    this.recent.delete(arn);
    this.recent.set(arn, events);
    if (this.recent.size > RECENT_HISTORIES) this.recent.delete(this.recent.keys().next().value!);
  }
}

function parseInput(input: unknown): unknown {
  if (typeof input !== 'string') {
    throw new SfnApiError(
      SfnErrorType.InvalidExecutionInput,
      'Invalid State Machine Execution Input: not a string',
    );
  }
  if (payloadBytes(input) > MAX_PAYLOAD_BYTES) {
    throw new SfnApiError(
      SfnErrorType.ValidationException,
      `1 validation error detected: Value at 'input' failed to satisfy constraint: Member must have length less than or equal to ${MAX_PAYLOAD_BYTES}`,
    );
  }
  try {
    return JSON.parse(input) as unknown;
  } catch {
    throw new SfnApiError(
      SfnErrorType.InvalidExecutionInput,
      "Invalid State Machine Execution Input: 'not JSON'",
    );
  }
}
