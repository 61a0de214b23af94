/** What every command action receives: the parsed global options, the environment and the IoHost. */
import type { Command } from 'commander';
import { BadInputError } from '../core/errors.js';
import { type Environment, readEnvironment } from './config.js';
import { IoHost, OutputFormat } from './io/ioHost.js';

export interface GlobalOptions {
  readonly output: OutputFormat;
  readonly color: boolean;
  readonly debug: boolean;
  readonly yes: boolean;
  readonly target: string;
}

export interface CommandContext {
  readonly globals: GlobalOptions;
  readonly env: Environment;
  readonly io: IoHost;
}

const FORMATS: readonly string[] = Object.values(OutputFormat);

export function parseGlobals(raw: Record<string, unknown>, env: Environment): GlobalOptions {
  const output = String(raw.output ?? 'table');
  if (!FORMATS.includes(output)) {
    throw new BadInputError(
      'BAD_OUTPUT_FORMAT',
      `--output ${output} is not a format; use one of ${FORMATS.join(', ')}.`,
    );
  }
  return {
    output: output as OutputFormat,
    color: raw.color !== false && !env.noColor,
    debug: raw.debug === true || env.debug,
    yes: raw.yes === true,
    target: typeof raw.target === 'string' ? raw.target : (env.target ?? 'local'),
  };
}

/** Builds the context for the command being run, from its options merged with the globals. */
export function contextFor(
  command: Command,
  overrides: Partial<Pick<IoHost, 'output'>> = {},
): CommandContext {
  const env = readEnvironment();
  const globals = parseGlobals(command.optsWithGlobals(), env);
  const io = new IoHost({
    output: overrides.output ?? globals.output,
    color: globals.color,
    yes: globals.yes,
    debug: globals.debug,
  });
  return { globals, env, io };
}
