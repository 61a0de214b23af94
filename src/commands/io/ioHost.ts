/**
 * The single seam for output: data on stdout, messages on stderr, colour and spinners only on a
 * TTY, prompts only on a TTY. Commands and renderers never touch process.stdout directly.
 * The spinner and prompt libraries are imported only on a terminal that uses them: a command
 * in a pipe or CI starts without them.
 * `notify`/`requestResponse` take coded messages the way toolkit-lib's IoHost does (deploy uses
 * them; the older helpers below stay for the other commands).
 */
import { Chalk, type ChalkInstance } from 'chalk';
import type { Ora } from 'ora';
import { BadInputError, InterruptedError } from '../../core/errors.js';
import type { IIoHost, IoMessage, IoRequest, TypedConfirmation } from '../../core/ioMessages.js';
import { escaped } from '../../core/shownInput.js';

export const OutputFormat = { Table: 'table', Json: 'json', Jsonl: 'jsonl' } as const;
export type OutputFormat = (typeof OutputFormat)[keyof typeof OutputFormat];

export interface Spinner {
  update(text: string): void;
  succeed(text: string): void;
  fail(text: string): void;
  stop(): void;
}

export interface Writable {
  write(chunk: string): unknown;
  readonly isTTY?: boolean;
}

export interface IoHostOptions {
  readonly output: OutputFormat;
  readonly color: boolean;
  readonly yes: boolean;
  readonly stdout?: Writable;
  readonly stderr?: Writable;
  readonly stdinIsTty?: boolean;
  /** Show debug-level messages (`--debug`). */
  readonly debug?: boolean;
}

const isTypedConfirmation = (data: unknown): data is TypedConfirmation =>
  data !== null && typeof data === 'object' && typeof (data as TypedConfirmation).expected === 'string';

function jsonLine(message: IoMessage): Record<string, unknown> {
  const { time, level, code, data } = message;
  return {
    time: time.toISOString(),
    level,
    code,
    message: message.message,
    ...(data === undefined ? {} : { data }),
  };
}

export class IoHost implements IIoHost {
  readonly output: OutputFormat;
  readonly yes: boolean;
  readonly style: ChalkInstance;
  readonly stdoutIsTty: boolean;
  readonly stderrIsTty: boolean;
  readonly interactive: boolean;
  private readonly stdout: Writable;
  private readonly stderr: Writable;
  private readonly debugMessages: boolean;
  /** The spinner that progress messages drive on a terminal, while one is running, and its text. */
  private activity: Spinner | undefined;
  private activityText: string | undefined;

  constructor(options: IoHostOptions) {
    this.output = options.output;
    this.yes = options.yes;
    this.stdout = options.stdout ?? process.stdout;
    this.stderr = options.stderr ?? process.stderr;
    this.stdoutIsTty = this.stdout.isTTY === true;
    this.stderrIsTty = this.stderr.isTTY === true;
    this.interactive = (options.stdinIsTty ?? process.stdin.isTTY === true) && this.stderrIsTty;
    this.style = new Chalk({ level: options.color && this.stderrIsTty ? 1 : 0 });
    this.debugMessages = options.debug === true;
  }

  /**
   * A coded message. With `--output jsonl` every message is one JSON line on stdout (the stream
   * is the data); otherwise progress drives the spinner on a terminal (plain lines without one)
   * and the rest are lines on stderr. Debug and trace only with `--debug`.
   */
  async notify(message: IoMessage): Promise<void> {
    const { level } = message;
    if ((level === 'debug' || level === 'trace') && !this.debugMessages) return;
    if (this.output === OutputFormat.Jsonl) {
      this.dataJson(jsonLine(message));
      return;
    }
    if (message.progress && this.spins) {
      if (this.activity) this.activity.update(message.message);
      else this.activity = this.spinner(message.message);
      this.activityText = message.message;
      return;
    }
    this.aboveActivity(() => {
      switch (level) {
        case 'error':
          this.error(message.message);
          break;
        case 'warn':
          this.warn(message.message);
          break;
        case 'result':
          this.success(message.message);
          break;
        default:
          this.info(message.message);
      }
    });
  }

  /** Ends the progress spinner, with a last line (✔ or ✖) if given. */
  endActivity(outcome?: { readonly ok: boolean; readonly message: string }): void {
    const activity = this.activity;
    this.activity = undefined;
    this.activityText = undefined;
    if (!activity) return;
    if (outcome === undefined) activity.stop();
    else if (outcome.ok) activity.succeed(outcome.message);
    else activity.fail(outcome.message);
  }

  /**
   * A question. A typed confirmation (`data.expected`) is asked on a terminal, answered by
   * `--yes`, and without a terminal an error naming `--yes`; any other request gets its default.
   */
  async requestResponse<T, U>(request: IoRequest<T, U>): Promise<U> {
    if (!isTypedConfirmation(request.data)) return request.defaultResponse;
    this.endActivity();
    if (this.output === OutputFormat.Jsonl) this.dataJson(jsonLine(request));
    await this.confirmTyped(request.message, request.data.expected);
    return true as U;
  }

  private aboveActivity(write: () => void): void {
    if (!this.activity) {
      write();
      return;
    }
    // A line above a live spinner: stop it, write, start it again with its text.
    this.activity.stop();
    write();
    this.activity = this.spinner(this.activityText ?? '');
  }

  /** Whether spinners animate here: a colour terminal that reports its width. */
  private get spins(): boolean {
    // A terminal that reports no width (a sizeless pty) would make ora redraw forever: plain lines then.
    const columns = (this.stderr as { columns?: number }).columns ?? 0;
    return this.stderrIsTty && this.style.level > 0 && columns > 0;
  }

  private oraModule: Promise<typeof import('ora')> | undefined;

  get json(): boolean {
    return this.output !== OutputFormat.Table;
  }

  /** A line of data on stdout. */
  data(text: string): void {
    this.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  }

  /** A JSON document on stdout (pretty for `json`, one line for `jsonl`). */
  dataJson(value: unknown): void {
    const text = this.output === OutputFormat.Jsonl ? JSON.stringify(value) : JSON.stringify(value, null, 2);
    this.stdout.write(`${text}\n`);
  }

  info(message: string): void {
    this.stderr.write(`${message}\n`);
  }

  success(message: string): void {
    this.stderr.write(`${this.style.green('✔')} ${message}\n`);
  }

  warn(message: string): void {
    this.stderr.write(`${this.style.yellow('warning:')} ${message}\n`);
  }

  /** One line, whatever the message holds: a line break or a terminal escape in it is shown escaped. */
  error(message: string): void {
    this.stderr.write(`${this.style.red('error:')} ${escaped(message)}\n`);
  }

  /** Writes raw text to stderr (stack traces with --debug). */
  diagnostic(text: string): void {
    this.stderr.write(text.endsWith('\n') ? text : `${text}\n`);
  }

  /** An ora spinner on a TTY; otherwise plain progress lines on stderr. */
  spinner(text: string): Spinner {
    if (this.spins) return this.animatedSpinner(text);
    this.info(text);
    return {
      update: () => {},
      succeed: (next) => this.success(next),
      fail: (next) => this.error(next),
      stop: () => {},
    };
  }

  /**
   * An ora spinner that starts once ora is loaded. Ended before that, it prints its last line
   * plainly: the command may be about to exit, and the line must not be lost.
   */
  private animatedSpinner(initial: string): Spinner {
    let text = initial;
    let spin: Ora | undefined;
    let ended = false;
    this.oraModule ??= import('ora');
    void this.oraModule.then(({ default: ora }) => {
      if (!ended) spin = ora({ text, stream: this.stderr as NodeJS.WritableStream }).start();
    });
    const end = (animated: (spinner: Ora) => void, plain: () => void) => {
      ended = true;
      if (spin) animated(spin);
      else plain();
    };
    return {
      update: (next) => {
        text = next;
        if (spin) spin.text = next;
      },
      succeed: (next) =>
        end(
          (s) => s.succeed(next),
          () => this.success(next),
        ),
      fail: (next) =>
        end(
          (s) => s.fail(next),
          () => this.error(next),
        ),
      stop: () =>
        end(
          (s) => s.stop(),
          () => {},
        ),
    };
  }

  /**
   * Asks the operator to type `expected` to go on. `--yes` answers it; without a TTY this is an
   * error naming `--yes`, never a hanging prompt.
   */
  async confirmTyped(question: string, expected: string): Promise<void> {
    if (this.yes) return;
    if (!this.interactive) {
      throw new BadInputError(
        'CONFIRMATION_REQUIRED',
        `${question} needs confirmation and there is no terminal to ask on; pass --yes to confirm.`,
      );
    }
    let answer: string;
    try {
      const { input } = await import('@inquirer/prompts');
      answer = await input(
        { message: `${question} Type ${expected} to confirm:` },
        { output: this.stderr as NodeJS.WritableStream },
      );
    } catch (error) {
      if (error instanceof Error && error.name === 'ExitPromptError') throw new InterruptedError();
      throw error;
    }
    if (answer.trim() !== expected) {
      throw new BadInputError(
        'CONFIRMATION_MISMATCH',
        `Confirmation did not match ${expected}; nothing was changed.`,
      );
    }
  }
}
