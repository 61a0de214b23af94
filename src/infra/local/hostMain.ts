/**
 * The process entry of a detached host: `node hostMain.js --home DIR [--app SPEC] [--idle-ms N]
 * [--mode on-demand|detached]`. Its stdout and stderr are the data folder's host.log; it stops on
 * SIGTERM/SIGINT or, when started on demand, after a quiet period.
 */
import { parseArgs } from 'node:util';
import { describeError } from '../../core/errors.js';
import { startHost } from './host.js';
import { HostMode } from './hostRecord.js';

const log = (line: string) =>
  process.stdout.write(`${new Date().toISOString()} [host ${process.pid}] ${line}\n`);

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      home: { type: 'string' },
      app: { type: 'string' },
      'idle-ms': { type: 'string' },
      mode: { type: 'string', default: HostMode.OnDemand },
    },
  });
  if (!values.home) {
    log('usage: hostMain --home DIR [--app SPEC] [--idle-ms N] [--mode on-demand|detached]');
    return 2;
  }
  const idle = values['idle-ms'] === undefined ? undefined : Number(values['idle-ms']);
  const mode = values.mode === HostMode.Detached ? HostMode.Detached : HostMode.OnDemand;
  let host: Awaited<ReturnType<typeof startHost>>;
  try {
    host = await startHost({
      home: values.home,
      ...(values.app ? { app: values.app } : {}),
      ...(idle !== undefined && Number.isFinite(idle) && idle > 0 ? { idleShutdownMs: idle } : {}),
      mode,
      log,
    });
  } catch (error) {
    log(`could not start: ${describeError(error)}`);
    return 1;
  }
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => void host.stop(`received ${signal}`));
  }
  process.on('unhandledRejection', (reason) => log(`unhandled rejection: ${describeError(reason)}`));
  await host.stopped;
  return 0;
}

const code = await main();
// Exit even if a handler left a timer or socket behind: the host's work is done.
process.exit(code);
