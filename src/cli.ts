/**
 * The CLI's composition root: builds the commander program, runs it, and maps every error to
 * one message and an exit code (0 ok, 1 operation failed, 2 usage or bad input, 130 interrupted).
 */
import { Command, CommanderError, Option } from 'commander';
import { quietAwsSdk, readEnvironment } from './commands/config.js';
import { interruptNotice } from './commands/interrupt.js';
import { IoHost } from './commands/io/ioHost.js';
import { COMMANDS } from './commands/registry.js';
import { packageVersion } from './commands/version.js';
import { ErrorKind, PayrollOpsError } from './core/errors.js';

export const ExitCode = { Ok: 0, Failed: 1, Usage: 2, Interrupted: 130 } as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export function buildProgram(): Command {
  const program = new Command('payroll-ops')
    .description('Operate serverless pay runs: preview, run, watch, inspect and compensate.')
    .version(packageVersion(), '-V, --version', 'print the version')
    .addOption(
      new Option('-o, --output <format>', 'output format')
        .choices(['table', 'json', 'jsonl'])
        .default('table'),
    )
    .option('--no-color', 'disable colour (NO_COLOR is honoured too)')
    .option('--debug', 'print stack traces and causes of errors', false)
    .option('-y, --yes', 'answer yes to confirmations (required without a terminal)', false)
    .option('-t, --target <name>', 'where the backend lives: local (embedded stack) or a deployed AWS target')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => process.stdout.write(text),
      writeErr: (text) => process.stderr.write(text),
    });
  program.addHelpText(
    'after',
    `
Examples:
  $ payroll-ops demo                                         run a whole pay run on the embedded local stack
  $ payroll-ops preview --roster examples/roster.csv --period 2026-03
  $ payroll-ops --output json status`,
  );
  for (const register of COMMANDS) register(program);
  for (const command of program.commands) command.exitOverride();
  return program;
}

function exitCodeFor(error: unknown): ExitCode {
  if (error instanceof PayrollOpsError) {
    switch (error.kind) {
      case ErrorKind.BadInput:
        return ExitCode.Usage;
      case ErrorKind.OperationFailed:
      case ErrorKind.Infrastructure:
        return ExitCode.Failed;
      case ErrorKind.Interrupted:
        return ExitCode.Interrupted;
    }
  }
  return ExitCode.Failed;
}

function report(error: unknown, debug: boolean): void {
  const env = readEnvironment();
  const io = new IoHost({ output: 'table', color: !env.noColor, yes: false });
  const message = error instanceof Error ? error.message : String(error);
  io.error(message);
  if (debug) {
    if (error instanceof Error && error.stack) io.diagnostic(error.stack);
    let cause = error instanceof Error ? error.cause : undefined;
    while (cause !== undefined) {
      io.diagnostic(`caused by: ${cause instanceof Error ? (cause.stack ?? cause.message) : String(cause)}`);
      cause = cause instanceof Error ? cause.cause : undefined;
    }
  } else if (!(error instanceof PayrollOpsError)) {
    io.diagnostic('(run with --debug for the stack trace)');
  }
}

export async function cli(argv: readonly string[] = process.argv): Promise<number> {
  quietAwsSdk();
  const program = buildProgram();
  const debug = argv.includes('--debug') || readEnvironment().debug;
  const onSigint = () => {
    // A command may leave work running elsewhere (a CloudFormation deployment): it says so.
    process.stderr.write(`\ninterrupted${interruptNotice() ? `: ${interruptNotice()}` : ''}\n`);
    process.exit(ExitCode.Interrupted);
  };
  process.once('SIGINT', onSigint);
  try {
    await program.parseAsync([...argv]);
    return ExitCode.Ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander has already printed its one-line message.
      if (
        error.code === 'commander.helpDisplayed' ||
        error.code === 'commander.version' ||
        error.code === 'commander.help'
      ) {
        return ExitCode.Ok;
      }
      return error.exitCode === 0 ? ExitCode.Ok : ExitCode.Usage;
    }
    report(error, debug);
    return exitCodeFor(error);
  } finally {
    process.removeListener('SIGINT', onSigint);
  }
}
