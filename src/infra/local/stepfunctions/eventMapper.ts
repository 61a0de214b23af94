import type { StateMachine } from 'aws-local-stepfunctions';
import { type MachineShape, type StateShape, selectSimplePath } from './definition.js';
import { type HistoryRecorder, TOP_THREAD } from './historyRecorder.js';
import { MAX_PAYLOAD_BYTES, payloadBytes } from './taskErrors.js';

/** One event of the emulator's own log (the package does not export the type). */
export type EmulatorEvent =
  ReturnType<StateMachine['run']>['eventLogs'] extends AsyncGenerator<infer E> ? E : never;

const iterationThread = (index: number): string => `#${index}`;
const json = (value: unknown): string => JSON.stringify(value ?? null);
const notTruncated = { truncated: false } as const;

/**
 * Turns the emulator's event log into AWS history events (TaskStateEntered, MapStateStarted,
 * MapIterationSucceeded, ...). Execution-level events are not mapped here: the runner writes those from
 * the run's outcome. Task events come from the task handlers, which ask for the thread of their state.
 */
export class EmulatorEventMapper {
  /** Map/Parallel states whose current attempt failed: their exit (after a Catch) is not a success. */
  private readonly failedAttempts = new Set<string>();
  /** Threads of Task states entered whose handler has not yet claimed them, by state name. */
  private readonly unclaimedTasks = new Map<string, string[]>();
  private readonly lastTaskThread = new Map<string, string>();

  constructor(
    private readonly recorder: HistoryRecorder,
    private readonly topLevel: MachineShape,
    private readonly tasks: ReadonlyMap<string, StateShape>,
    private readonly onOversize: (what: string) => void,
  ) {}

  record(event: EmulatorEvent): void {
    switch (event.type) {
      case 'StateEntered': {
        const thread = event.index === undefined ? TOP_THREAD : iterationThread(event.index);
        const input = json(event.state.input);
        this.checkSize(input, `input of state '${event.state.name}'`);
        this.recorder.add(
          `${event.state.type}StateEntered`,
          { stateEnteredEventDetails: { name: event.state.name, input, inputDetails: notTruncated } },
          thread,
        );
        this.failedAttempts.delete(`${thread}/${event.state.name}`);
        if (event.state.type === 'Map') this.mapStarted(event.state.name, event.state.input, thread);
        if (event.state.type === 'Parallel') this.recorder.add('ParallelStateStarted', {}, thread);
        if (event.state.type === 'Task') this.queueTask(event.state.name, thread);
        return;
      }
      case 'StateExited': {
        const thread = event.index === undefined ? TOP_THREAD : iterationThread(event.index);
        const output = json(event.state.output);
        this.checkSize(output, `output of state '${event.state.name}'`);
        const key = `${thread}/${event.state.name}`;
        if (!this.failedAttempts.delete(key)) {
          if (event.state.type === 'Map') this.recorder.add('MapStateSucceeded', {}, thread);
          if (event.state.type === 'Parallel') this.recorder.add('ParallelStateSucceeded', {}, thread);
        }
        this.recorder.add(
          `${event.state.type}StateExited`,
          { stateExitedEventDetails: { name: event.state.name, output, outputDetails: notTruncated } },
          thread,
        );
        return;
      }
      case 'StateFailed': {
        const thread = event.index === undefined ? TOP_THREAD : iterationThread(event.index);
        if (event.state.type === 'Map' || event.state.type === 'Parallel') {
          this.failedAttempts.add(`${thread}/${event.state.name}`);
          this.recorder.add(`${event.state.type}StateFailed`, {}, thread);
        }
        if (event.state.type === 'Task' && event.Error === 'States.Timeout') {
          const resource = this.tasks.get(event.state.name)?.Resource ?? '';
          this.recorder.add(
            'TaskTimedOut',
            { taskTimedOutEventDetails: { ...resourceFields(resource), error: 'States.Timeout' } },
            this.taskThread(event.state.name),
          );
        }
        return;
      }
      case 'StateRetried':
        this.failedAttempts.delete(
          `${event.index === undefined ? TOP_THREAD : iterationThread(event.index)}/${event.state.name}`,
        );
        return;
      case 'MapIterationStarted': {
        const thread = iterationThread(event.index);
        this.recorder.fork(thread, TOP_THREAD);
        this.recorder.add(
          'MapIterationStarted',
          { mapIterationStartedEventDetails: { name: event.parentState.name, index: event.index } },
          thread,
        );
        return;
      }
      case 'MapIterationSucceeded':
      case 'MapIterationFailed': {
        const thread = iterationThread(event.index);
        const detailsKey =
          event.type === 'MapIterationSucceeded'
            ? 'mapIterationSucceededEventDetails'
            : 'mapIterationFailedEventDetails';
        this.recorder.add(
          event.type,
          { [detailsKey]: { name: event.parentState.name, index: event.index } },
          thread,
        );
        this.recorder.join(thread, TOP_THREAD);
        return;
      }
      default:
        // Execution-level events are written from the run's outcome; Parallel branch, retry and catch
        // events have no AWS history counterpart.
        return;
    }
  }

  /** The thread a Task handler's events belong to: the oldest unclaimed entry of that state, else its last. */
  taskThread(stateName: string): string {
    const queue = this.unclaimedTasks.get(stateName);
    const claimed = queue?.shift();
    if (claimed !== undefined) {
      this.lastTaskThread.set(stateName, claimed);
      return claimed;
    }
    return this.lastTaskThread.get(stateName) ?? TOP_THREAD;
  }

  private queueTask(stateName: string, thread: string): void {
    const queue = this.unclaimedTasks.get(stateName);
    if (queue) queue.push(thread);
    else this.unclaimedTasks.set(stateName, [thread]);
  }

  private mapStarted(name: string, rawInput: unknown, thread: string): void {
    const state = this.topLevel.States[name] ?? findNestedState(this.topLevel, name);
    const items = state
      ? selectSimplePath(selectSimplePath(rawInput, state.InputPath), state.ItemsPath)
      : undefined;
    const details = Array.isArray(items) ? { mapStateStartedEventDetails: { length: items.length } } : {};
    this.recorder.add('MapStateStarted', details, thread);
  }

  private checkSize(payload: string, what: string): void {
    if (payloadBytes(payload) > MAX_PAYLOAD_BYTES) this.onOversize(what);
  }
}

/** `resourceType`/`resource` as AWS reports them: `lambda`/`invoke` for `arn:aws:states:::lambda:invoke`. */
export function resourceFields(resource: string): { resourceType: string; resource: string } {
  const match = /^arn:aws:states:[^:]*:[^:]*:([^:]+):(.+)$/.exec(resource);
  if (match) return { resourceType: match[1]!, resource: match[2]! };
  return { resourceType: 'lambda', resource };
}

function findNestedState(machine: MachineShape, name: string): StateShape | undefined {
  for (const state of Object.values(machine.States)) {
    for (const nested of [state.ItemProcessor, state.Iterator, ...(state.Branches ?? [])]) {
      if (!nested) continue;
      const found = nested.States[name] ?? findNestedState(nested, name);
      if (found) return found;
    }
  }
  return undefined;
}
