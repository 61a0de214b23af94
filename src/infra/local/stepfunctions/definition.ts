import '../../node20.js';
import { StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import { SfnApiError, SfnErrorType } from './errors.js';

/** A state as the emulator sees it; only the fields this module reads are typed. */
export interface StateShape {
  readonly Type: string;
  readonly Resource?: string;
  readonly Next?: string;
  readonly End?: boolean;
  readonly InputPath?: string | null;
  readonly ItemsPath?: string;
  readonly TimeoutSeconds?: number;
  readonly TimeoutSecondsPath?: string;
  readonly Retry?: readonly unknown[];
  readonly ItemProcessor?: MachineShape;
  readonly Iterator?: MachineShape;
  readonly Branches?: readonly MachineShape[];
}

export interface MachineShape {
  readonly StartAt: string;
  readonly States: Readonly<Record<string, StateShape>>;
}

// Parsed definitions by their text. Validation (asl-validator, a fresh Ajv per call) costs about a second,
// so each text is validated once, when a state machine is created or updated, and parsed once per process.
const parsedDefinitions = new Map<string, MachineShape>();

/** Parses and validates a definition the way CreateStateMachine does (asl-validator underneath). */
export function validateDefinition(text: unknown): MachineShape {
  if (typeof text !== 'string')
    throw new SfnApiError(SfnErrorType.InvalidDefinition, 'Definition is required.');
  const cached = parsedDefinitions.get(text);
  if (cached) return cached;
  let definition: unknown;
  try {
    definition = JSON.parse(text);
  } catch (error) {
    throw new SfnApiError(
      SfnErrorType.InvalidDefinition,
      `Invalid State Machine Definition: ${String(error)}`,
    );
  }
  try {
    new StateMachine(definition as StateMachineDefinition);
  } catch (error) {
    throw new SfnApiError(
      SfnErrorType.InvalidDefinition,
      `Invalid State Machine Definition: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  parsedDefinitions.set(text, definition as MachineShape);
  return definition as MachineShape;
}

/** A definition that was validated when its state machine was created (an execution's copy). */
export function definitionOf(text: string): MachineShape {
  const cached = parsedDefinitions.get(text);
  if (cached) return cached;
  const definition = JSON.parse(text) as MachineShape;
  parsedDefinitions.set(text, definition);
  return definition;
}

/** Per-state context values behind `$$.State.*`, addressed by a generated id. */
export interface StateContext {
  readonly Name: string;
  readonly EnteredTime: string;
}

export interface PreparedDefinition {
  /** The definition handed to the emulator: context paths rewritten, task timeouts made explicit. */
  readonly runnable: StateMachineDefinition;
  readonly stateContexts: Readonly<Record<string, StateContext>>;
  /** Every Task state by name, at any depth (AWS state names are unique across a machine). */
  readonly tasks: ReadonlyMap<string, StateShape>;
  /** Every state that has a Retry field, by name, at any depth. */
  readonly retryableStates: readonly string[];
}

// The emulator only fills `$$.Execution.Input/StartTime` (and resets them inside Map iterations and on a
// redrive); everything else of the context object is ours, so context paths are redirected to `$$.Local`.
const CONTEXT_PATH = /\$\$\.(Execution|StateMachine|State)\b/g;
// No Task timeout on AWS unless the definition sets one; the emulator would default to 60 s.
// Kept below setTimeout's 2^31 ms ceiling.
const NO_TASK_TIMEOUT_SECONDS = 2_000_000;

export function prepareDefinition(definition: MachineShape, startAt?: string): PreparedDefinition {
  const stateContexts: Record<string, StateContext> = {};
  const tasks = new Map<string, StateShape>();
  const retryableStates: string[] = [];
  let counter = 0;

  const prepareMachine = (machine: MachineShape): MachineShape => {
    const states: Record<string, StateShape> = {};
    for (const [name, state] of Object.entries(machine.States)) {
      counter += 1;
      const id = `s${counter}`;
      stateContexts[id] = {
        Name: name,
        // Read when the state's Parameters are evaluated, i.e. as the state is entered.
        get EnteredTime() {
          return new Date().toISOString();
        },
      };
      const rewritten = rewriteContextPaths(state, id) as Record<string, unknown>;
      if (state.ItemProcessor) rewritten.ItemProcessor = prepareMachine(state.ItemProcessor);
      if (state.Iterator) rewritten.Iterator = prepareMachine(state.Iterator);
      if (state.Branches) rewritten.Branches = state.Branches.map(prepareMachine);
      if (state.Type === 'Task') {
        tasks.set(name, state);
        if (state.TimeoutSeconds === undefined && state.TimeoutSecondsPath === undefined) {
          rewritten.TimeoutSeconds = NO_TASK_TIMEOUT_SECONDS;
        }
      }
      if (state.Retry) retryableStates.push(name);
      states[name] = rewritten as unknown as StateShape;
    }
    return { ...machine, States: states };
  };

  const prepared = prepareMachine(definition);
  const runnable = {
    ...prepared,
    StartAt: startAt ?? definition.StartAt,
  } as unknown as StateMachineDefinition;
  return { runnable, stateContexts, tasks, retryableStates };
}

/** A copy of one state's own fields (not its nested machines) with `$$.` context paths redirected. */
function rewriteContextPaths(value: unknown, stateId: string, depth = 0): unknown {
  if (typeof value === 'string') {
    return value.replace(CONTEXT_PATH, (_match, root: string) =>
      root === 'State' ? `$$.Local.States.${stateId}` : `$$.Local.${root}`,
    );
  }
  if (Array.isArray(value)) return value.map((item) => rewriteContextPaths(item, stateId, depth + 1));
  if (value === null || typeof value !== 'object') return value;
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    const nestedMachine =
      depth === 0 && (key === 'ItemProcessor' || key === 'Iterator' || key === 'Branches');
    copy[key] = nestedMachine ? item : rewriteContextPaths(item, stateId, depth + 1);
  }
  return copy;
}

/** The input a state will see once its InputPath and ItemsPath (simple dotted paths) are applied. */
export function selectSimplePath(value: unknown, path: string | null | undefined): unknown {
  if (path === undefined || path === '$') return value;
  if (path === null || !path.startsWith('$')) return undefined;
  let current = value;
  for (const key of path
    .slice(1)
    .split('.')
    .filter((part) => part !== '')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}
