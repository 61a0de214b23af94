/** An IoHost for action tests: records every message and answers typed confirmations by a rule. */
import { BadInputError } from '../../src/core/errors.js';
import type { IIoHost, IoMessage, IoRequest, TypedConfirmation } from '../../src/core/ioMessages.js';

export type Answer = 'yes' | 'no-terminal' | 'mismatch';

export interface RecordingIoHost extends IIoHost {
  readonly messages: IoMessage[];
  readonly requests: IoRequest<unknown, unknown>[];
  /** Messages with this code. */
  withCode(code: string): IoMessage[];
}

export function recordingIoHost(answer: Answer = 'yes'): RecordingIoHost {
  const messages: IoMessage[] = [];
  const requests: IoRequest<unknown, unknown>[] = [];
  return {
    messages,
    requests,
    withCode: (code) => messages.filter((m) => m.code === code),
    async notify(message) {
      messages.push(message);
    },
    async requestResponse<T, U>(request: IoRequest<T, U>): Promise<U> {
      requests.push(request as IoRequest<unknown, unknown>);
      const expected = (request.data as TypedConfirmation | undefined)?.expected;
      if (expected === undefined) return request.defaultResponse;
      // As the CLI's IoHost answers: --yes, no terminal to ask on, or a wrong name typed.
      if (answer === 'no-terminal') {
        throw new BadInputError(
          'CONFIRMATION_REQUIRED',
          `${request.message} needs confirmation and there is no terminal to ask on; pass --yes to confirm.`,
        );
      }
      if (answer === 'mismatch') {
        throw new BadInputError(
          'CONFIRMATION_MISMATCH',
          `Confirmation did not match ${expected}; nothing was changed.`,
        );
      }
      return true as U;
    },
  };
}
