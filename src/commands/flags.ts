/** The flag values several commands take, parsed one way: whole numbers in a range, and reasons. */
import { BadInputError } from '../core/errors.js';

export interface WholeNumber {
  readonly min: number;
  readonly max?: number;
  /** What the number counts, for the message: "a number of runs", "milliseconds". */
  readonly what: string;
  readonly code?: string;
}

/** A whole number within its range; anything else is one line naming the flag and the range. */
export function wholeNumberFlag(flag: string, text: string, spec: WholeNumber): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < spec.min || (spec.max !== undefined && value > spec.max)) {
    const range = spec.max === undefined ? `≥ ${spec.min}` : `from ${spec.min} to ${spec.max}`;
    throw new BadInputError(
      spec.code ?? 'BAD_NUMBER',
      `${flag} ${text} is not ${spec.what}; give a whole number ${range}.`,
      { details: { flag } },
    );
  }
  return value;
}

/** A reason that goes into the audit trail: required, trimmed, never empty. */
export function reasonFlag(text: string | undefined, why: string, flag = '--reason'): string {
  const reason = text?.trim() ?? '';
  if (reason === '') {
    throw new BadInputError(
      'REASON_REQUIRED',
      `${why} needs ${flag} TEXT saying why (it goes into the audit trail).`,
      {
        details: { flag },
      },
    );
  }
  return reason;
}
