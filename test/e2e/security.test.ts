/**
 * The local stack as someone else on the machine, or a web page in the operator's browser, would
 * meet it: a data folder the CLI created itself (demo data in it, full account numbers included),
 * its AWS endpoint, its API. Each attack is its own test; each asserts what the attacker gets.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  lchownSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { ListExecutionsCommand, SFNClient } from '@aws-sdk/client-sfn';
import { ListQueuesCommand, SQSClient } from '@aws-sdk/client-sqs';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalCredentials, localCredentials } from '../../src/infra/local/credentials.js';
import { callFront, corsHeaders, READS } from '../support/awsRequests.js';
import { CLI_PATH, type CliResult, createCli, REPO_ROOT } from '../support/cli.js';
import { listeningTcpPorts } from '../support/listeningPorts.js';
import { rawExchange, statusOf } from '../support/rawHttp.js';

interface LocalStatus {
  readonly pid: number;
  readonly endpoints: { readonly dynamodb: string; readonly api: string };
}

let root: string;
let home: string;
let status: LocalStatus;
let credentials: LocalCredentials;
const cli = createCli({ home: () => home, timeoutMs: 120_000 });
/** Everything any command printed, scanned for account numbers at the end. */
const printed: string[] = [];

async function run(...args: string[]): Promise<CliResult> {
  const result = await cli.run(args);
  printed.push(result.stdout, result.stderr);
  return result;
}

/** Every bank account number in the example roster and the demo employer's funding account. */
function accountNumbers(): string[] {
  const [header, ...rows] = readFileSync(join(REPO_ROOT, 'examples', 'roster.csv'), 'utf8')
    .trim()
    .split('\n');
  const column = header!.split(',').indexOf('bank_account');
  return ['000123456789', ...rows.map((row) => row.split(',')[column]!)];
}

const endpoint = () => status.endpoints.dynamodb;
const apiPort = () => Number(new URL(status.endpoints.api).port);
const apiToken = () => readFileSync(join(home, 'api-token'), 'utf8').trim();
const randomKey = () =>
  `AKIA${Array.from({ length: 16 }, () => 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'[Math.floor(Math.random() * 32)]).join('')}`;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'payroll-ops-security-'));
  // Not there yet: the CLI creates it (and its parent), as it does with the default location.
  home = join(root, 'share', 'payroll-ops');
  const demo = await run('demo');
  expect(demo.code, demo.stderr).toBe(0);
  status = JSON.parse((await run('--output', 'json', 'local', 'status')).stdout) as LocalStatus;
  cli.hostPids.add(status.pid);
  credentials = localCredentials(home);
}, 240_000);

afterAll(async () => {
  await cli.stopHosts();
  if (root) rmSync(root, { recursive: true, force: true });
});

/** The distinct awscli installations: Debian's (/usr/bin/aws) and whatever `aws` is on PATH. */
function installedAwsclis(): string[] {
  const found = new Map<string, string>();
  for (const candidate of ['/usr/bin/aws', 'aws']) {
    const version = spawnSync(candidate, ['--version'], { encoding: 'utf8' });
    if (version.status === 0 && !found.has(version.stdout)) found.set(version.stdout, candidate);
  }
  return [...found.values()];
}

function modes(path: string): { path: string; mode: number; dir: boolean }[] {
  const stat = statSync(path);
  const here = { path, mode: stat.mode & 0o777, dir: stat.isDirectory() };
  if (!here.dir) return [here];
  return [here, ...readdirSync(path).flatMap((entry) => modes(join(path, entry)))];
}

describe('the data folder the CLI creates', () => {
  it('is 0700, and every file in it 0600: LevelDB, host files, credentials, history, artifacts', () => {
    const all = modes(home);
    const names = all.map((entry) => entry.path.slice(home.length + 1));
    for (const expected of ['credentials', 'api-token', 'host.json', 'host.log', 'dynamodb/CURRENT']) {
      expect(names).toContain(expected);
    }
    expect(names.some((name) => name.startsWith('stepfunctions/') && !name.endsWith('/'))).toBe(true);
    expect(names.some((name) => name.startsWith('artifacts/') && name.endsWith('.ach'))).toBe(true);
    const loose = all.filter((entry) => entry.mode !== (entry.dir ? 0o700 : 0o600));
    expect(loose.map((entry) => `${entry.mode.toString(8)} ${entry.path}`)).toEqual([]);
  });

  it('is tightened, with a warning, when found open to other users', async () => {
    chmodSync(home, 0o755);
    chmodSync(join(home, 'host.json'), 0o644);
    const result = await run('status');
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/warning: .*open to other users.*private/);
    expect(statSync(home).mode & 0o777).toBe(0o700);
    expect(statSync(join(home, 'host.json')).mode & 0o777).toBe(0o600);
  });
});

describe('a data folder others could have written to', () => {
  const folders = new Set<string>();
  // Should one of them start a host after all, it does not outlive the test.
  afterAll(async () => {
    for (const folder of folders) await cli.run(['local', 'stop'], { env: { PAYROLL_OPS_HOME: folder } });
  });
  /** Runs the CLI on another data folder; every result is scanned like the others. */
  const runIn = async (folder: string, ...args: string[]) => {
    folders.add(folder);
    const result = await cli.run(args, { env: { PAYROLL_OPS_HOME: folder } });
    printed.push(result.stdout, result.stderr);
    return result;
  };
  const planted = { accessKeyId: 'AKIAMALLORYMALLORY12', secretAccessKey: 'm'.repeat(40) };

  it('is refused in one line, exit 2: no host starts and nothing is written in it', async () => {
    const shared = join(root, 'shared');
    mkdirSync(shared);
    chmodSync(shared, 0o777);
    const result = await runIn(shared, 'local', 'start', '--detach');
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/^error: The data folder .*shared is writable by other users \(mode 0777\)/),
    ]);
    expect(readdirSync(shared)).toEqual([]);
    expect(statSync(shared).mode & 0o777).toBe(0o777);
  });

  it.runIf(process.getuid?.() === 0)(
    'keeps credentials another user planted (a link to their file) from becoming the folder’s secret',
    async () => {
      // As it was: open to everyone while the neighbour planted; then made private by its owner.
      const folder = join(root, 'planted');
      mkdirSync(folder, { mode: 0o700 });
      const theirs = join(root, 'neighbour-credentials');
      writeFileSync(theirs, JSON.stringify(planted));
      lchownSync(theirs, 65534, 65534);
      symlinkSync(theirs, join(folder, 'credentials'));
      lchownSync(join(folder, 'credentials'), 65534, 65534);
      const result = await runIn(folder, 'local', 'start', '--detach');
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/credentials in the data folder belongs to another user \(uid 65534\)/);
      expect(existsSync(join(folder, 'host.json'))).toBe(false);
    },
  );

  it('never writes the host log through a link (to ~/.bashrc, say)', async () => {
    const folder = join(root, 'linked-log');
    mkdirSync(folder, { mode: 0o700 });
    const bashrc = join(root, 'bashrc');
    writeFileSync(bashrc, '# mine\n');
    symlinkSync(bashrc, join(folder, 'host.log'));
    const result = await runIn(folder, 'local', 'start', '--detach');
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/^error: .*host\.log is a symbolic link; .*remove the link\.$/),
    ]);
    expect(readFileSync(bashrc, 'utf8')).toBe('# mine\n');
  });
});

describe.each(Object.keys(READS) as (keyof typeof READS)[])('the %s endpoint', (service) => {
  const call = READS[service];
  const refusedWithoutData = (answer: { status: number; text: string }) => {
    expect(answer.status).toBeGreaterThanOrEqual(400);
    expect(answer.text).not.toMatch(/Items|QueueUrls|executions|acme|payroll-ops-/);
  };

  it('refuses an unsigned request', async () => {
    const answer = await callFront(endpoint(), call);
    refusedWithoutData(answer);
    expect(answer.json.__type).toMatch(/MissingAuthenticationToken/);
  });

  it('refuses a request signed with a made-up key', async () => {
    const answer = await callFront(endpoint(), call, {
      accessKeyId: randomKey(),
      secretAccessKey: 'x'.repeat(40),
    });
    refusedWithoutData(answer);
    expect(answer.json.__type).toMatch(/UnrecognizedClientException|InvalidClientTokenId/);
  });

  it("refuses the folder's key id with a wrong secret", async () => {
    const answer = await callFront(endpoint(), call, {
      accessKeyId: credentials.accessKeyId,
      secretAccessKey: `${credentials.secretAccessKey.slice(0, -1)}x`,
    });
    refusedWithoutData(answer);
    expect(answer.json.__type).toMatch(/InvalidSignatureException|SignatureDoesNotMatch/);
  });

  it('refuses a signed request whose body was changed on the way', async () => {
    const answer = await callFront(endpoint(), call, {
      ...credentials,
      tamperedBody: JSON.stringify({ ...call.body, Limit: 1 }),
    });
    refusedWithoutData(answer);
    expect(answer.json.__type).toMatch(/InvalidSignatureException|SignatureDoesNotMatch/);
  });

  it('refuses a correctly signed request made 20 minutes ago (a replay)', async () => {
    const answer = await callFront(endpoint(), call, {
      ...credentials,
      date: new Date(Date.now() - 20 * 60_000),
    });
    refusedWithoutData(answer);
    expect(answer.json.message).toMatch(/expired/i);
  });

  it("serves the same request signed with the folder's credentials, without CORS headers even when asked", async () => {
    const answer = await callFront(endpoint(), call, {
      ...credentials,
      extraHeaders: { origin: 'https://evil.example' },
    });
    expect(answer.status, answer.text).toBe(200);
    expect(corsHeaders(answer.headers)).toEqual([]);
  });
});

describe('the AWS endpoint', () => {
  it('answers a browser preflight without any Access-Control header', async () => {
    const response = await fetch(endpoint(), {
      method: 'OPTIONS',
      headers: {
        origin: 'https://evil.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization,content-type,x-amz-target,x-amz-date',
      },
    });
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(corsHeaders(response.headers)).toEqual([]);
  });

  it('refuses wrong credentials in each service’s own error, as the SDK reports it', async () => {
    const wrong = { accessKeyId: randomKey(), secretAccessKey: 'y'.repeat(40) };
    const config = { region: 'us-east-1', endpoint: endpoint(), credentials: wrong, maxAttempts: 1 };
    const dynamodb = new DynamoDBClient(config);
    const sqs = new SQSClient({ ...config, useQueueUrlAsEndpoint: false });
    const sfn = new SFNClient(config);
    try {
      await expect(dynamodb.send(new ListTablesCommand({}))).rejects.toMatchObject({
        name: 'UnrecognizedClientException',
      });
      await expect(sqs.send(new ListQueuesCommand({}))).rejects.toMatchObject({
        name: 'InvalidClientTokenId',
      });
      await expect(
        sfn.send(new ListExecutionsCommand({ stateMachineArn: READS.states.body.stateMachineArn })),
      ).rejects.toMatchObject({ name: 'UnrecognizedClientException' });
    } finally {
      for (const client of [dynamodb, sqs, sfn]) client.destroy();
    }
  });

  it('is the only way in: the host listens on the front and the API port, nothing else', () => {
    const expected = [Number(new URL(endpoint()).port), apiPort()].sort((a, b) => a - b);
    expect(listeningTcpPorts(status.pid)).toEqual(expected);
  });

  it('answers a malformed request line with 400 and closes the connection', async () => {
    const answer = await rawExchange(Number(new URL(endpoint()).port), 'NOT HTTP AT ALL\r\n\r\n');
    expect(statusOf(answer.response)).toBe(400);
    expect(answer.closedByServer).toBe(true);
    expect(answer.firstByteMs).toBeLessThan(1_000);
  });
});

describe('payroll-ops local env', () => {
  it('prints exports of the folder’s credentials, region and endpoints', async () => {
    const result = await run('local', 'env');
    expect(result.code, result.stderr).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines).toContain(`export AWS_ACCESS_KEY_ID='${credentials.accessKeyId}'`);
    expect(lines).toContain(`export AWS_SECRET_ACCESS_KEY='${credentials.secretAccessKey}'`);
    expect(lines).toContain("export AWS_DEFAULT_REGION='us-east-1'");
    for (const service of ['DYNAMODB', 'SQS', 'SFN']) {
      expect(lines).toContain(`export AWS_ENDPOINT_URL_${service}='${endpoint()}'`);
    }
  });

  it('lets a plain SDK client, configured by those variables alone, list the tables', async () => {
    const variables = JSON.parse((await run('--output', 'json', 'local', 'env')).stdout) as Record<
      string,
      string
    >;
    const script =
      "const { DynamoDBClient, ListTablesCommand } = require('@aws-sdk/client-dynamodb');" +
      'new DynamoDBClient({}).send(new ListTablesCommand({})).then((out) => console.log(out.TableNames.join(",")));';
    const output = execFileSync(process.execPath, ['-e', script], {
      cwd: REPO_ROOT,
      env: {
        PATH: process.env.PATH,
        HOME: root,
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: '1',
        ...variables,
      },
      encoding: 'utf8',
    });
    expect(output.trim().split(',')).toContain('payroll-ops-data');
  });

  it('lets awscli (every one installed; the SDK when there is none) read DynamoDB and Step Functions after eval', () => {
    const clis = installedAwsclis();
    const read = (awscli: string) =>
      `"${awscli}" --endpoint-url "$AWS_ENDPOINT_URL_DYNAMODB" dynamodb list-tables --output json && ` +
      `"${awscli}" --endpoint-url "$AWS_ENDPOINT_URL_SFN" stepfunctions list-state-machines --output json`;
    const sdk =
      `"${process.execPath}" -e "const d = require('@aws-sdk/client-dynamodb'); const s = require('@aws-sdk/client-sfn');` +
      ` (async () => { console.log(JSON.stringify(await new d.DynamoDBClient({}).send(new d.ListTablesCommand({}))));` +
      ` console.log(JSON.stringify(await new s.SFNClient({}).send(new s.ListStateMachinesCommand({})))); })()"`;
    for (const reader of clis.length > 0 ? clis.map(read) : [sdk]) {
      const result = spawnSync(
        'sh',
        ['-c', `eval "$("${process.execPath}" "${CLI_PATH}" local env)" && ${reader}`],
        {
          cwd: REPO_ROOT,
          env: { PATH: process.env.PATH, HOME: root, PAYROLL_OPS_HOME: home, AWS_PAGER: '' },
          encoding: 'utf8',
          timeout: 60_000,
        },
      );
      expect(result.status, result.stderr).toBe(0);
      expect(result.stdout).toContain('payroll-ops-data');
      expect(result.stdout).toContain('stateMachine:payroll-ops-pay-run');
    }
  });
});

describe('the HTTP API answers every request', () => {
  const api = (path: string, init: RequestInit = {}) => {
    const started = performance.now();
    return fetch(`${status.endpoints.api}${path}`, { ...init, signal: AbortSignal.timeout(5_000) }).then(
      async (response) => ({ response, body: await response.text(), ms: performance.now() - started }),
    );
  };
  const bearer = () => ({ authorization: `Bearer ${apiToken()}` });

  it('answers a body of null with 400 and says why, in the answer and in the log', async () => {
    const { response, body, ms } = await api('/runs', { method: 'POST', headers: bearer(), body: 'null' });
    expect(response.status).toBe(400);
    expect(body).toMatch(/JSON object, not null/);
    expect(ms).toBeLessThan(1_000);
    expect(readFileSync(join(home, 'host.log'), 'utf8')).toMatch(
      /api POST \/runs: 400 BAD_REQUEST: .*not null/,
    );
  });

  it('answers a malformed percent-escape in a run id with 400', async () => {
    const { response, ms } = await api('/runs/acme-%E0%A4%A', { headers: bearer() });
    expect(response.status).toBe(400);
    expect(ms).toBeLessThan(1_000);
  });

  it('answers 401 before looking at anything else', async () => {
    expect((await api('/runs/acme-%E0%A4%A')).response.status).toBe(401);
    expect((await api('/runs', { method: 'POST', body: 'null' })).response.status).toBe(401);
  });

  it('answers an invalid request line with 400 and closes the connection', async () => {
    const answer = await rawExchange(apiPort(), 'GET /runs HTTP/1.1 extra\r\nHost: x\r\n\r\n');
    expect(statusOf(answer.response)).toBe(400);
    expect(answer.closedByServer).toBe(true);
    expect(answer.firstByteMs).toBeLessThan(1_000);
  });

  it('answers a request target that is no path with 400 and closes the connection', async () => {
    const answer = await rawExchange(
      apiPort(),
      `GET // HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${apiToken()}\r\n\r\n`,
    );
    expect(statusOf(answer.response)).toBe(400);
    expect(answer.closedByServer).toBe(true);
    expect(answer.firstByteMs).toBeLessThan(1_000);
  });

  it('refuses headers over 16 KiB with 431 and closes the connection', async () => {
    const answer = await rawExchange(
      apiPort(),
      `GET /runs/x HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
    );
    expect(statusOf(answer.response)).toBe(431);
    expect(answer.closedByServer).toBe(true);
    expect(answer.firstByteMs).toBeLessThan(1_000);
  });

  it('refuses a body over 1 MiB with 413 without reading it', async () => {
    const answer = await rawExchange(
      apiPort(),
      `POST /runs HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${apiToken()}\r\nContent-Length: 5000000\r\n\r\n{`,
    );
    expect(statusOf(answer.response)).toBe(413);
    expect(answer.closedByServer).toBe(true);
    expect(answer.firstByteMs).toBeLessThan(1_000);
  });

  it('cuts off a client that never finishes its headers (slowloris)', async () => {
    const answer = await rawExchange(apiPort(), 'GET /runs/x HTTP/1.1\r\nHost: x\r\n', 10_000);
    expect(answer.closedByServer).toBe(true);
    expect(statusOf(answer.response)).toBe(408);
  });

  it('answers any request line, however mangled, within a second', async () => {
    const mangled = fc.tuple(
      fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'G\u00c9T', ''),
      fc.string({ unit: 'binary', maxLength: 40 }),
      fc.constantFrom('HTTP/1.1', 'HTTP/1.0', 'HTTP/9.9', ''),
    );
    await fc.assert(
      fc.asyncProperty(mangled, async ([method, target, version]) => {
        const line = `${method} /runs/${target} ${version}`.replace(/[\r\n]/g, '');
        const answer = await rawExchange(
          apiPort(),
          `${line}\r\nHost: x\r\nAuthorization: Bearer ${apiToken()}\r\nConnection: close\r\n\r\n`,
        );
        expect(statusOf(answer.response)).toBeDefined();
        expect(answer.firstByteMs).toBeLessThan(1_000);
      }),
      { numRuns: 40 },
    );
  });
});

describe('account numbers', () => {
  it('appear in no command output and nowhere in the host log', () => {
    const log = readFileSync(join(home, 'host.log'), 'utf8');
    for (const account of accountNumbers()) {
      for (const text of [...printed, log]) expect(text).not.toContain(account);
    }
  });
});
