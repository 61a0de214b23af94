/**
 * The CLI's composition root: builds the commander program, runs it, and maps every error to
 * one message and an exit code (0 ok, 1 operation failed, 2 usage or bad input, 130 interrupted).
 *
 * Start-up is kept to what the invoked command needs: only that command's module is imported
 * (see registry.ts); the others are listed from the registry. `--version` and `--help` import
 * no command module at all.
 */
import { Command, CommanderError, Help, Option } from 'commander';
import { quietAwsSdk, readEnvironment } from './commands/config.js';
import { interruptNotice } from './commands/interrupt.js';
import { COMMANDS, type CommandEntry } from './commands/registry.js';
import { packageVersion } from './commands/version.js';
import { ErrorKind, PayrollOpsError } from './core/errors.js';
import { usePrivateUmask } from './infra/local/privateFolder.js';

export const ExitCode = { Ok: 0, Failed: 1, Usage: 2, Interrupted: 130 } as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** The global options; the probe that finds the command name parses exactly these. */
function withGlobalOptions(program: Command): Command {
  return program
    .addOption(
      new Option('-o, --output <format>', 'output format')
        .choices(['table', 'json', 'jsonl'])
        .default('table'),
    )
    .option('--no-color', 'disable colour (NO_COLOR is honoured too)')
    .option('--debug', 'print stack traces and causes of errors', false)
    .option('-y, --yes', 'answer yes to confirmations (required without a terminal)', false)
    .option(
      '-t, --target <name>',
      'where the backend lives: local (embedded stack) or a deployed AWS target',
    );
}

/**
 * The command `argv` invokes, found the way commander will find it: the first operand after the
 * global options (`help NAME` asks for NAME). Undefined for `--help`, `--version` or nothing.
 */
export function invokedCommand(argv: readonly string[]): string | undefined {
  const probe = withGlobalOptions(new Command('payroll-ops')).allowUnknownOption().exitOverride();
  let operands: string[];
  try {
    operands = probe.parseOptions(argv.slice(2)).operands;
  } catch {
    return undefined; // a malformed global option: commander reports it on the real program
  }
  return operands[0] === 'help' ? operands[1] : operands[0];
}

/**
 * A command that is listed but not loaded. Should it run anyway (argv was read differently than
 * invokedCommand expected), it loads itself and parses argv again with the real command.
 */
function stub(program: Command, entry: CommandEntry, argv: readonly string[]): void {
  program
    .command(entry.name)
    .description(entry.summary)
    .helpOption(false)
    .allowUnknownOption()
    .allowExcessArguments()
    .action(async () => {
      const full = await buildProgram(argv, entry.name);
      await full.parseAsync([...argv]);
    });
}

export async function buildProgram(argv: readonly string[], load = invokedCommand(argv)): Promise<Command> {
  const program = withGlobalOptions(new Command('payroll-ops'));
  program
    .description('Operate serverless pay runs: preview, run, watch, inspect and compensate.')
    .version(packageVersion(), '-V, --version', 'print the version')
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
  for (const entry of COMMANDS) {
    if (entry.name === load) for (const register of await entry.load()) register(program);
    else stub(program, entry, argv);
  }
  const terms = new Map(COMMANDS.map((entry) => [entry.name, entry.term]));
  program.configureHelp({
    subcommandTerm(this: Help, command: Command) {
      return terms.get(command.name()) ?? Help.prototype.subcommandTerm.call(this, command);
    },
  });
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

async function report(error: unknown, debug: boolean): Promise<void> {
  const env = readEnvironment();
  const { IoHost } = await import('./commands/io/ioHost.js');
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
  // Whatever the CLI writes into the data folder (config, faults, logs) is private to its owner.
  usePrivateUmask();
  const debug = argv.includes('--debug') || readEnvironment().debug;
  const onSigint = () => {
    // A command may leave work running elsewhere (a CloudFormation deployment): it says so.
    process.stderr.write(`\ninterrupted${interruptNotice() ? `: ${interruptNotice()}` : ''}\n`);
    process.exit(ExitCode.Interrupted);
  };
  process.once('SIGINT', onSigint);
  try {
    const program = await buildProgram(argv);
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
    await report(error, debug);
    return exitCodeFor(error);
  } finally {
    process.removeListener('SIGINT', onSigint);
  }
}
