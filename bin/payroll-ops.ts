#!/usr/bin/env node
import { cli } from '../src/cli.js';

// A reader that went away (`payroll-ops ... | head`) is not a failure of the command.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
  });
}
const code = await cli(process.argv);
process.exitCode = code;
// A pipe whose reader is slower than us keeps the rest of the output in memory: exiting before it
// is written would cut a large JSON document short. A write's callback runs once it and every
// write before it are flushed (or failed).
const flushed = (stream: NodeJS.WriteStream) =>
  new Promise<void>((resolve) => stream.write('', () => resolve()));
await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
// Exit once the command is done even if an SDK client still holds a keep-alive socket.
setTimeout(() => process.exit(code), 0).unref();
