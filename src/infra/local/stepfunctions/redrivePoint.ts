import type { MachineShape } from './definition.js';
import type { HistoryEvent } from './types.js';

export interface RedrivePoint {
  readonly startAt: string;
  readonly input: unknown;
}

/**
 * Where a redriven (or recovered) execution resumes: the last top-level state it entered, with the
 * input that state was entered with. States that completed before it are not run again; the state
 * itself runs again, which is why every effect behind a Task must be idempotent. Nothing entered yet:
 * the start, with the execution's input.
 */
export function redrivePoint(
  definition: MachineShape,
  events: readonly HistoryEvent[],
  executionInput: string,
): RedrivePoint {
  for (let index = events.length - 1; index >= 0; index -= 1) {
    const event = events[index]!;
    if (!event.type.endsWith('StateEntered')) continue;
    const details = event.stateEnteredEventDetails as { name?: string; input?: string } | undefined;
    if (details?.name === undefined || !(details.name in definition.States)) continue;
    return { startAt: details.name, input: JSON.parse(details.input ?? 'null') as unknown };
  }
  return { startAt: definition.StartAt, input: JSON.parse(executionInput) as unknown };
}
