import type { HistoryEvent } from './types.js';

/** The top-level thread of events; Map iterations get a thread of their own. */
export const TOP_THREAD = '';

/**
 * Numbers history events and links each to the previous event of its thread (`previousEventId`), the
 * way AWS chains events inside Map iterations. Events go to the sink (the batched history file) as
 * they are made; once sealed, late events of an aborted run are dropped.
 */
export class HistoryRecorder {
  private readonly events: HistoryEvent[];
  private readonly lastByThread = new Map<string, number>();
  private sealed = false;

  constructor(
    existing: readonly HistoryEvent[],
    private readonly sink: (event: HistoryEvent) => void,
  ) {
    this.events = [...existing];
    const last = existing.at(-1);
    if (last) this.lastByThread.set(TOP_THREAD, last.id);
  }

  add(
    type: string,
    details: Record<string, unknown> = {},
    thread: string = TOP_THREAD,
  ): HistoryEvent | undefined {
    if (this.sealed) return undefined;
    return this.push(type, details, thread);
  }

  /** Writes an execution-level event even after the run's own events were sealed off, then seals. */
  addFinal(type: string, details: Record<string, unknown> = {}): HistoryEvent {
    const event = this.push(type, details, TOP_THREAD);
    this.sealed = true;
    return event;
  }

  private push(type: string, details: Record<string, unknown>, thread: string): HistoryEvent {
    const id = this.events.length + 1;
    const previousEventId = this.lastByThread.get(thread) ?? this.lastByThread.get(TOP_THREAD) ?? 0;
    const event: HistoryEvent = { timestamp: Date.now(), type, id, previousEventId, ...details };
    this.events.push(event);
    this.lastByThread.set(thread, id);
    this.sink(event);
    return event;
  }

  /** Continues a thread from an event of another one (a Map iteration starts after MapStateStarted). */
  fork(thread: string, from: string): void {
    const last = this.lastByThread.get(from);
    if (last !== undefined) this.lastByThread.set(thread, last);
  }

  /** Joins a finished thread back: the next event of `into` follows the thread's last event. */
  join(thread: string, into: string): void {
    const last = this.lastByThread.get(thread);
    if (last !== undefined) this.lastByThread.set(into, last);
  }

  seal(): void {
    this.sealed = true;
  }

  get isSealed(): boolean {
    return this.sealed;
  }

  all(): readonly HistoryEvent[] {
    return this.events;
  }
}
