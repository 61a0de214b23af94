/**
 * The process entry of a detached host: `node hostMain.js --home DIR [--app SPEC] [--idle-ms N]
 * [--mode on-demand|detached] [--schedule-every NAME=SECONDS …]`. Its stdout and stderr are the data folder's host.log; it stops on
 * SIGTERM/SIGINT or, when started on demand, after a quiet period.
 */
import { parseArgs } from 'node:util';
import { describeError } from '../../core/errors.js';
import { startHost, stopOnUncaughtErrors } from './host.js';
import { HostMode } from './hostRecord.js';
import { usePrivateUmask } from './privateFolder.js';

const log = (line: string) =>
  process.stdout.write(`${new Date().toISOString()} [host ${process.pid}] ${line}\n`);

/** `NAME=SECONDS` pairs: schedules fired on a short interval (tests), ignored when malformed. */
function parseScheduleEvery(pairs: readonly string[]): Record<string, number> | undefined {
  const parsed = pairs
    .map((pair) => pair.split('='))
    .filter(([name, seconds]) => name && Number(seconds) > 0)
    .map(([name, seconds]) => [name as string, Number(seconds)] as const);
  return parsed.length > 0 ? Object.fromEntries(parsed) : undefined;
}

async function main(): Promise<number> {
  usePrivateUmask();
  const { values } = parseArgs({
    options: {
      home: { type: 'string' },
      app: { type: 'string' },
      'idle-ms': { type: 'string' },
      mode: { type: 'string', default: HostMode.OnDemand },
      'schedule-every': { type: 'string', multiple: true },
    },
  });
  if (!values.home) {
    log('usage: hostMain --home DIR [--app SPEC] [--idle-ms N] [--mode on-demand|detached]');
    return 2;
  }
  const idle = values['idle-ms'] === undefined ? undefined : Number(values['idle-ms']);
  const mode = values.mode === HostMode.Detached ? HostMode.Detached : HostMode.OnDemand;
  const scheduleEverySeconds = parseScheduleEvery(values['schedule-every'] ?? []);
  let host: Awaited<ReturnType<typeof startHost>>;
  // Until the host runs, anything thrown from a callback is a failure to start, said in one line.
  const failedToStart = (error: unknown) => {
    log(`could not start: ${describeError(error).split('\n')[0]}`);
    process.exit(1);
  };
  process.on('uncaughtException', failedToStart);
  try {
    host = await startHost({
      home: values.home,
      ...(values.app ? { app: values.app } : {}),
      ...(idle !== undefined && Number.isFinite(idle) && idle > 0 ? { idleShutdownMs: idle } : {}),
      mode,
      log,
      ...(scheduleEverySeconds ? { scheduleEverySeconds } : {}),
    });
  } catch (error) {
    // One line: the CLI that started this host repeats it to the operator.
    log(`could not start: ${describeError(error).split('\n')[0]}`);
    return 1;
  } finally {
    process.off('uncaughtException', failedToStart);
  }
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => void host.stop(`received ${signal}`));
  }
  stopOnUncaughtErrors(host, log);
  await host.stopped;
  return typeof process.exitCode === 'number' ? process.exitCode : 0;
}

const code = await main();
// Exit even if a handler left a timer or socket behind: the host's work is done.
process.exit(code);
