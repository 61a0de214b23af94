/**
 * The IoHost interface, in the shape of toolkit-lib's: an action never prints; it notifies coded
 * messages and asks coded requests, and the host decides how they look (spinner on a terminal,
 * plain lines without one, JSON lines with `--output jsonl`) and who answers (the operator, `--yes`,
 * or an error naming `--yes` when no terminal can ask).
 */

export type IoMessageLevel = 'error' | 'result' | 'warn' | 'info' | 'debug' | 'trace';

export interface IoMessage<T = unknown> {
  readonly time: Date;
  readonly level: IoMessageLevel;
  /**
   * A stable code, `<AREA>_<I|W|E><4 digits>`: ours start with `PAYROLL_`, toolkit-lib's messages
   * keep theirs (`CDK_TOOLKIT_I5502`) so their documentation applies.
   */
  readonly code: string;
  readonly message: string;
  /** Small, JSON-serialisable facts for `--output jsonl`. */
  readonly data?: T;
  /** Progress of something under way: the spinner's text on a terminal. */
  readonly progress?: boolean;
}

export interface IoRequest<T, U> extends IoMessage<T> {
  /** The answer when nobody is asked (`--yes`). */
  readonly defaultResponse: U;
}

/** A request that the operator confirms by typing `expected` (a target name, a run id). */
export interface TypedConfirmation {
  readonly expected: string;
}

export interface IIoHost {
  notify(message: IoMessage): Promise<void>;
  requestResponse<T, U>(request: IoRequest<T, U>): Promise<U>;
}

export function ioMessage<T>(
  level: IoMessageLevel,
  code: string,
  message: string,
  data?: T,
  progress = false,
): IoMessage<T> {
  return { time: new Date(), level, code, message, ...(data === undefined ? {} : { data }), progress };
}
