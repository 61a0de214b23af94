/**
 * `payroll-ops local start|stop|status|reset`: manage the embedded local stack that owns the data
 * folder ($PAYROLL_OPS_HOME). Other commands start a host on demand; these manage one explicitly.
 */
import { existsSync, readdirSync, realpathSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { BadInputError, OperationFailedError } from '../core/errors.js';
import type { RunRecord } from '../core/saga/records.js';
import { RunStatus } from '../core/saga/steps.js';
import { ensureLocalHost, findRunningHost, stopLocalHost } from '../infra/local/ensureHost.js';
import { HostMode, homePaths } from '../infra/local/hostRecord.js';
import { ensurePrivateFolder, looksLikeDataFolder } from '../infra/local/privateFolder.js';
import { type CommandContext, contextFor } from './context.js';
import { endpointLines, renderLocalStatus } from './io/localRender.js';
import { requireLocalTarget } from './localOnly.js';

/** Runs the host in this process until Ctrl-C or SIGTERM, logging to stderr. */
async function startForeground({ env, io }: CommandContext): Promise<void> {
  // Loaded here only: the emulators are heavy, and every other command merely attaches.
  const { startHost, stopOnUncaughtErrors } = await import('../infra/local/host.js');
  const log = (line: string) => io.info(`${new Date().toISOString()} ${line}`);
  const host = await startHost({ home: env.home, mode: HostMode.Foreground, log });
  const restoreErrorHandling = stopOnUncaughtErrors(host, log);
  if (io.json) io.dataJson({ pid: host.record.pid, home: env.home, endpoints: host.endpoints });
  else for (const line of endpointLines(host.endpoints)) io.data(line);
  io.info('Local stack running in the foreground; press Ctrl-C to stop it.');
  // The CLI's own SIGINT handler exits at once; here Ctrl-C is the way to stop, and must stop
  // cleanly (host.json removed, the folder released), so it is set aside while the host runs.
  const previous = process.listeners('SIGINT');
  process.removeAllListeners('SIGINT');
  const onSignal = (signal: NodeJS.Signals) => void host.stop(`received ${signal}`);
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    await host.stopped;
  } finally {
    restoreErrorHandling();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    for (const listener of previous) process.on('SIGINT', listener as () => void);
  }
}

async function startDetached({ env, io }: CommandContext): Promise<void> {
  ensurePrivateFolder(env.home, (message) => io.warn(message));
  const already = await findRunningHost(env.home);
  const endpoints =
    already?.endpoints ?? (await ensureLocalHost(env.home, { mode: HostMode.Detached, idleShutdownMs: 0 }));
  const record = already ?? (await findRunningHost(env.home));
  if (io.json) {
    io.dataJson({
      pid: record?.pid ?? null,
      home: env.home,
      endpoints,
      alreadyRunning: already !== undefined,
    });
    return;
  }
  for (const line of endpointLines(endpoints)) io.data(line);
  if (already) io.info(`The local stack was already running (pid ${already.pid}, ${already.mode}).`);
  else
    io.success(
      `Local stack started in the background (pid ${record?.pid}); stop it with payroll-ops local stop.`,
    );
}

/** A run in one of these is being worked on: wiping the folder under it loses money movements. */
const IN_FLIGHT: readonly RunStatus[] = [RunStatus.Pending, RunStatus.Running, RunStatus.RollingBack];
/** More runs than any local folder holds; the list is newest first. */
const ALL_RUNS = 100_000;

/** The runs still in flight, read through the host (started for it if none runs). */
async function runsInFlight(ctx: CommandContext): Promise<readonly RunRecord[]> {
  if (!existsSync(homePaths(ctx.env.home).dynamodb)) return [];
  const { withBackend } = await import('./backend.js');
  const runs = await withBackend(ctx, (backend) => backend.ports.runs.listRuns({ limit: ALL_RUNS }));
  return runs.filter((run) => IN_FLIGHT.includes(run.status));
}

const realpathOr = (path: string): string => {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
};

const entriesOf = (path: string): string[] => {
  try {
    return readdirSync(path);
  } catch {
    return []; // missing or unreadable: ensurePrivateFolder says which
  }
};

/** Everything in the data folder except operator configuration (config*) and credentials goes. */
async function reset(ctx: CommandContext, force: boolean): Promise<void> {
  const { env, io } = ctx;
  // It wipes the local data folder, judging the runs in flight by the local stack's: never another target's.
  requireLocalTarget(ctx, 'local reset');
  const home = resolve(env.home);
  // Through any symbolic link: a data folder that is a link to the home folder is the home folder.
  const real = realpathOr(home);
  const present = entriesOf(home);
  if (real === '/' || real === realpathOr(resolve(homedir())) || !looksLikeDataFolder(present)) {
    throw new BadInputError(
      'UNSAFE_HOME',
      `Refusing to wipe ${home}: it is not a payroll-ops data folder; point PAYROLL_OPS_HOME at one.`,
    );
  }
  // A shared folder (/tmp), another user's, or one with planted entries is refused before anything goes.
  if (existsSync(home)) ensurePrivateFolder(home, (message) => io.warn(message));
  const inFlight = await runsInFlight(ctx);
  const named = inFlight.map((run) => `${run.runId} (${run.status})`).join(', ');
  if (inFlight.length > 0 && !force) {
    throw new OperationFailedError(
      'RESET_RUNS_IN_FLIGHT',
      `Refusing to wipe ${home}: ${inFlight.length === 1 ? 'run' : 'runs'} ${named} ${inFlight.length === 1 ? 'is' : 'are'} still in flight; let ${inFlight.length === 1 ? 'it' : 'them'} end (payroll-ops watch RUN) or pass --force to wipe anyway.`,
      { details: { runs: inFlight.map((run) => run.runId) } },
    );
  }
  await io.confirmTyped(
    inFlight.length > 0
      ? `Wipe all local payroll data in ${home}, including ${named} still in flight?`
      : `Wipe all local payroll data in ${home}?`,
    'reset',
  );
  const stopped = await stopLocalHost(home);
  let entries: string[] = [];
  try {
    // The credentials stay, so shells set up with `local env` keep working after a reset.
    entries = readdirSync(home).filter((name) => !name.startsWith('config') && name !== 'credentials');
  } catch {
    // no data folder yet: nothing to wipe
  }
  for (const name of entries) rmSync(join(home, name), { recursive: true, force: true });
  if (io.json) io.dataJson({ reset: true, home, stoppedPid: stopped.pid ?? null, removed: entries });
  else io.success(`Wiped ${home}${stopped.pid ? ` (stopped the host, pid ${stopped.pid})` : ''}.`);
}

export function registerLocal(program: Command): void {
  const local = program
    .command('local')
    .description('manage the embedded local stack (DynamoDB, SQS, Step Functions emulators on 127.0.0.1)');
  local
    .command('start')
    .description('start the local stack: in the foreground until Ctrl-C, or in the background with --detach')
    .option('--detach', 'start in the background and return; runs until `local stop`', false)
    .addHelpText('after', '\nExamples:\n  $ payroll-ops local start\n  $ payroll-ops local start --detach')
    .action(async (raw: { detach?: boolean }, command: Command) => {
      const context = contextFor(command);
      requireLocalTarget(context, 'local start');
      if (raw.detach) await startDetached(context);
      else await startForeground(context);
    });
  local
    .command('stop')
    .description('stop the local stack that owns the data folder')
    .addHelpText('after', '\nExamples:\n  $ payroll-ops local stop')
    .action(async (_raw: unknown, command: Command) => {
      const context = contextFor(command);
      requireLocalTarget(context, 'local stop');
      const { env, io } = context;
      const result = await stopLocalHost(env.home);
      if (io.json) {
        io.dataJson({
          stopped: result.pid !== undefined,
          pid: result.pid ?? null,
          cleanedStale: result.cleanedStale,
        });
      } else if (result.pid) io.success(`Stopped the local stack (pid ${result.pid}).`);
      else
        io.info(`No local stack running${result.cleanedStale ? '; removed the records of a dead one' : ''}.`);
    });
  local
    .command('status')
    .description('show whether the local stack runs, its endpoints, and what it holds')
    .addHelpText(
      'after',
      '\nExamples:\n  $ payroll-ops local status\n  $ payroll-ops --output json local status',
    )
    .action(async (_raw: unknown, command: Command) => {
      const context = contextFor(command);
      requireLocalTarget(context, 'local status');
      const { env, io } = context;
      if (existsSync(env.home)) ensurePrivateFolder(env.home, (message) => io.warn(message));
      // Counting tables, queues and executions needs the SDK: loaded for this command only.
      const { localStatus } = await import('../infra/local/status.js');
      renderLocalStatus(await localStatus(env.home), io);
    });
  local
    .command('reset')
    .description(
      'stop the local stack and wipe its data folder (keeps config files and credentials); asks first; refuses while runs are in flight',
    )
    .option('--force', 'wipe even while runs are PENDING, RUNNING or ROLLING_BACK (still asks)', false)
    .addHelpText(
      'after',
      '\nExamples:\n  $ payroll-ops local reset --yes\n  $ payroll-ops local reset --force',
    )
    .action(async (raw: { force?: boolean }, command: Command) => {
      await reset(contextFor(command), raw.force === true);
    });
}
