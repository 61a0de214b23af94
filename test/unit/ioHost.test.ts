/** The IoHost's coded messages and requests, as deploy uses them. */
import { describe, expect, it } from 'vitest';
import { IoHost, type IoHostOptions, OutputFormat } from '../../src/commands/io/ioHost.js';
import { BadInputError } from '../../src/core/errors.js';
import { ioMessage } from '../../src/core/ioMessages.js';

function host(options: Partial<IoHostOptions> & { tty?: boolean } = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const tty = options.tty === true;
  const io = new IoHost({
    output: OutputFormat.Table,
    color: tty,
    yes: false,
    stdinIsTty: tty,
    stdout: { write: (chunk: string) => out.push(chunk) },
    // A terminal as ora drives it: cursor moves and line clears are no-ops here.
    stderr: Object.assign(
      { write: (chunk: string) => err.push(chunk), isTTY: tty },
      tty ? { columns: 80, cursorTo: () => true, clearLine: () => true, moveCursor: () => true } : {},
    ),
    ...options,
  });
  return { io, out: () => out.join(''), err: () => err.join('') };
}

describe('IoHost.notify', () => {
  it('writes each message as one JSON line on stdout with --output jsonl', async () => {
    const { io, out, err } = host({ output: OutputFormat.Jsonl });
    await io.notify(
      ioMessage(
        'info',
        'CDK_TOOLKIT_I5502',
        '3/12 CREATE_COMPLETE AWS::SQS::Queue',
        { progress: '3/12' },
        true,
      ),
    );
    await io.notify(ioMessage('result', 'PAYROLL_DEPLOY_I5900', 'deployed'));
    const lines = out()
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines).toEqual([
      expect.objectContaining({ level: 'info', code: 'CDK_TOOLKIT_I5502', data: { progress: '3/12' } }),
      expect.objectContaining({ level: 'result', code: 'PAYROLL_DEPLOY_I5900', message: 'deployed' }),
    ]);
    expect(err()).toBe('');
  });

  it('prints progress as plain lines on stderr without a terminal, debug only with --debug', async () => {
    const quiet = host();
    await quiet.io.notify(ioMessage('info', 'CDK_TOOLKIT_I5502', '1/12 CREATE_IN_PROGRESS', undefined, true));
    await quiet.io.notify(ioMessage('info', 'CDK_TOOLKIT_I5502', '2/12 CREATE_COMPLETE', undefined, true));
    await quiet.io.notify(ioMessage('debug', 'CDK_TOOLKIT_I0000', 'assembly in /tmp/x'));
    await quiet.io.notify(ioMessage('warn', 'PAYROLL_DEPLOY_W0001', 'careful'));
    expect(quiet.err()).toBe('1/12 CREATE_IN_PROGRESS\n2/12 CREATE_COMPLETE\nwarning: careful\n');
    expect(quiet.out()).toBe('');
    const verbose = host({ debug: true });
    await verbose.io.notify(ioMessage('debug', 'CDK_TOOLKIT_I0000', 'assembly in /tmp/x'));
    expect(verbose.err()).toContain('assembly in /tmp/x');
  });

  it('drives one spinner on a terminal and keeps other lines above it', async () => {
    const { io, err } = host({ tty: true });
    await io.notify(ioMessage('info', 'CDK_TOOLKIT_I5502', 'deploying 1/12', undefined, true));
    await io.notify(ioMessage('warn', 'CDK_TOOLKIT_W0000', 'a resource failed'));
    await io.notify(ioMessage('info', 'CDK_TOOLKIT_I5502', 'deploying 2/12', undefined, true));
    io.endActivity({ ok: true, message: 'deployed' });
    const text = err();
    expect(text).toContain('a resource failed');
    expect(text).toContain('deployed');
    expect(text.indexOf('a resource failed')).toBeLessThan(text.lastIndexOf('deployed'));
  });
});

describe('IoHost.requestResponse', () => {
  const confirm = (expected: string) => ({
    ...ioMessage('info', 'PAYROLL_DEPLOY_I5060', 'Deploy broadens IAM permissions.', { expected }),
    defaultResponse: false,
  });

  it('refuses without a terminal, naming --yes', async () => {
    const { io } = host();
    const answer = io.requestResponse(confirm('prod'));
    await expect(answer).rejects.toBeInstanceOf(BadInputError);
    await expect(answer).rejects.toThrow(/pass --yes/);
  });

  it('is answered by --yes', async () => {
    const { io } = host({ yes: true });
    await expect(io.requestResponse(confirm('prod'))).resolves.toBe(true);
  });

  it('answers a request that needs no typing with its default', async () => {
    const { io } = host();
    const request = { ...ioMessage('info', 'CDK_TOOLKIT_I7010', 'Destroy?'), defaultResponse: true };
    await expect(io.requestResponse(request)).resolves.toBe(true);
  });
});

describe('IoHost.error', () => {
  it('writes one line whatever the message holds: line breaks and terminal escapes are shown escaped', () => {
    const { io, err } = host();
    io.error('--period 2026-11\nerror: all runs approved\u001b[2J\r');
    expect(err()).toBe('error: --period 2026-11\\nerror: all runs approved\\u001b[2J\\r\n');
  });
});
