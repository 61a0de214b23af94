/**
 * The single seam for output: data on stdout, messages on stderr, colour and spinners only on a
 * TTY, prompts only on a TTY. Commands and renderers never touch process.stdout directly.
 * The spinner and prompt libraries are imported only on a terminal that uses them: a command
 * in a pipe or CI starts without them.
 */
import { Chalk, type ChalkInstance } from 'chalk';
import type { Ora } from 'ora';
import { BadInputError, InterruptedError } from '../../core/errors.js';

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
}

export class IoHost {
  readonly output: OutputFormat;
  readonly yes: boolean;
  readonly style: ChalkInstance;
  readonly stdoutIsTty: boolean;
  readonly stderrIsTty: boolean;
  readonly interactive: boolean;
  private readonly stdout: Writable;
  private readonly stderr: Writable;

  constructor(options: IoHostOptions) {
    this.output = options.output;
    this.yes = options.yes;
    this.stdout = options.stdout ?? process.stdout;
    this.stderr = options.stderr ?? process.stderr;
    this.stdoutIsTty = this.stdout.isTTY === true;
    this.stderrIsTty = this.stderr.isTTY === true;
    this.interactive = (options.stdinIsTty ?? process.stdin.isTTY === true) && this.stderrIsTty;
    this.style = new Chalk({ level: options.color && this.stderrIsTty ? 1 : 0 });
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

  error(message: string): void {
    this.stderr.write(`${this.style.red('error:')} ${message}\n`);
  }

  /** Writes raw text to stderr (stack traces with --debug). */
  diagnostic(text: string): void {
    this.stderr.write(text.endsWith('\n') ? text : `${text}\n`);
  }

  /** An ora spinner on a TTY; otherwise plain progress lines on stderr. */
  spinner(text: string): Spinner {
    // A terminal that reports no width (a sizeless pty) would make ora redraw forever: plain lines then.
    const columns = (this.stderr as { columns?: number }).columns ?? 0;
    if (this.stderrIsTty && this.style.level > 0 && columns > 0) return this.animatedSpinner(text);
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
