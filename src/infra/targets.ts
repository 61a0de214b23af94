/**
 * Deployed targets, recorded in `$PAYROLL_OPS_HOME/config.json` (0600, written whole through a
 * temporary file and a rename; `local reset` keeps config* files). `deploy` writes a target after
 * a successful deploy, `target add` imports one from CloudFormation, `target remove` forgets one,
 * and the local host records the local stack's outputs. Other keys of the file are kept as they
 * are: every change is a read-modify-write under a lock file, so a deploy and a host recording its
 * outputs at the same moment both land.
 */
import {
  chmodSync,
  closeSync,
  constants,
  fstatSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
} from 'node:fs';
import { join } from 'node:path';
import { BadInputError } from '../core/errors.js';
import { writeFileAtomic } from './local/atomicFile.js';
import { ensurePrivateFolder } from './local/privateFolder.js';

export const CONFIG_FILE = 'config.json';
/** The embedded stack: always there, never recorded. */
export const LOCAL_TARGET_NAME = 'local';

export interface AwsTarget {
  readonly name: string;
  readonly kind: 'aws';
  readonly account: string;
  readonly region: string;
  readonly profile?: string;
  readonly stackName: string;
  /** The stack's outputs: every physical name the CLI uses (see backendOutputs.ts). */
  readonly outputs: Readonly<Record<string, string>>;
  readonly definitionHash: string;
  /** The version of the CLI that deployed (or imported) it. */
  readonly cliVersion: string;
  readonly deployedAt: string;
}

export interface ConfigFile {
  readonly targets?: Readonly<Record<string, AwsTarget>>;
  readonly [key: string]: unknown;
}

// Lower-case letters, digits and hyphens: it names the default stack `payroll-ops-<target>` too.
const TARGET_NAME = /^[a-z][a-z0-9-]{0,23}$/;

export function isTargetName(name: string): boolean {
  return TARGET_NAME.test(name) && !name.endsWith('-');
}

export function validateTargetName(name: string): string {
  if (!isTargetName(name)) {
    throw new BadInputError(
      'BAD_TARGET_NAME',
      `Target name ${JSON.stringify(name)} is not valid: use 1–24 lower-case letters, digits and hyphens, starting with a letter (e.g. prod).`,
    );
  }
  return name;
}

export function configPath(home: string): string {
  return join(home, CONFIG_FILE);
}

/** Far more than any number of targets takes (one is about 1.5 KB). */
export const MAX_CONFIG_BYTES = 1024 * 1024;

/**
 * config.json's text, or undefined when there is none. It names the stacks, accounts and profiles
 * every command uses, so it must be the operator's own file: another user's (planted in a folder
 * that was open to them) is refused, and so is a file too large to be a config.
 */
function readConfigText(path: string): string | undefined {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new BadInputError('CONFIG_UNREADABLE', `Cannot read ${path}; check its permissions or remove it.`, {
      cause: error,
    });
  }
  try {
    const stat = fstatSync(fd);
    const uid = process.getuid?.();
    if (uid !== undefined && stat.uid !== uid) {
      throw new BadInputError(
        'CONFIG_NOT_YOURS',
        `${path} belongs to another user (uid ${stat.uid}), who could point your commands at other stacks; remove it or point PAYROLL_OPS_HOME at a folder of your own.`,
      );
    }
    if (!stat.isFile()) throw new BadInputError('CONFIG_UNREADABLE', `${path} is not a file; remove it.`);
    if (stat.size > MAX_CONFIG_BYTES) {
      throw new BadInputError(
        'CONFIG_TOO_LARGE',
        `${path} is ${(stat.size / 1024 / 1024).toFixed(1)} MiB, more than a config holds (at most 1 MiB); fix or remove it.`,
      );
    }
    return readFileSync(fd, 'utf8');
  } finally {
    closeSync(fd);
  }
}

export function readConfig(home: string): ConfigFile {
  const path = configPath(home);
  const text = readConfigText(path);
  if (text === undefined) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new BadInputError('CONFIG_UNREADABLE', `${path} is not valid JSON; fix or remove it.`, {
      cause: error,
    });
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new BadInputError('CONFIG_UNREADABLE', `${path} must hold a JSON object; fix or remove it.`);
  }
  return parsed as ConfigFile;
}

function writeConfig(home: string, config: ConfigFile): void {
  const path = configPath(home);
  writeFileAtomic(path, `${JSON.stringify(config, null, 2)}\n`, 0o600);
  chmodSync(path, 0o600);
}

/** A lock older than this was left by a process that died holding it. */
const STALE_LOCK_MS = 10_000;
const LOCK_WAIT_MS = 15_000;
const pause = new Int32Array(new SharedArrayBuffer(4));

/** Holds `config.json.lock` (created exclusively) while `work` runs; waits for another holder. */
function withConfigLock<T>(home: string, work: () => T): T {
  // The data folder is private (the config names accounts and profiles), and never a shared one:
  // the lock and the temporary file are made in it.
  ensurePrivateFolder(home);
  const lock = `${configPath(home)}.lock`;
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      closeSync(openSync(lock, 'wx', 0o600));
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const age = Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > STALE_LOCK_MS) rmSync(lock, { force: true });
      else if (Date.now() > deadline) {
        throw new BadInputError(
          'CONFIG_LOCKED',
          `${lock} has been held for ${Math.round(age / 1000)} s; if no payroll-ops command is running, remove it.`,
        );
      } else Atomics.wait(pause, 0, 0, 10);
    }
  }
  try {
    return work();
  } finally {
    rmSync(lock, { force: true });
  }
}

/** Changes config.json as one step: read, change, write, under the lock. */
export function updateConfig(home: string, change: (config: ConfigFile) => ConfigFile): void {
  withConfigLock(home, () => writeConfig(home, change(readConfig(home))));
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);
const isText = (value: unknown): value is string => typeof value === 'string' && value !== '';

/** What is wrong with a target record as config.json holds it; undefined when it is usable. */
function recordProblem(value: unknown): string | undefined {
  if (!isRecord(value)) return 'it is not a target record';
  if (value.kind !== 'aws') return 'its kind is not aws';
  for (const field of ['account', 'region', 'stackName'] as const) {
    if (!isText(value[field])) return `its ${field} is missing`;
  }
  if (value.profile !== undefined && !isText(value.profile)) return 'its profile is not a name';
  if (
    !isRecord(value.outputs) ||
    !Object.values(value.outputs).every((output) => typeof output === 'string')
  ) {
    return 'its outputs are not a map of names';
  }
  return undefined;
}

/** The usable record of `name`; one line naming the target and the way out otherwise. */
function asTarget(home: string, name: string, value: unknown): AwsTarget {
  const problem = recordProblem(value);
  if (problem !== undefined) {
    throw new BadInputError(
      'CONFIG_BAD_TARGET',
      `${configPath(home)} holds no usable record of target ${JSON.stringify(name)} (${problem}); forget it with payroll-ops target remove ${name}, then deploy it or import it again with payroll-ops target add.`,
    );
  }
  const record = value as unknown as AwsTarget;
  return {
    ...record,
    name,
    definitionHash: typeof record.definitionHash === 'string' ? record.definitionHash : '',
    cliVersion: typeof record.cliVersion === 'string' ? record.cliVersion : '',
    deployedAt: typeof record.deployedAt === 'string' ? record.deployedAt : '',
  };
}

/** The recorded targets' map as config.json holds it (records unchecked). */
function recordedTargets(home: string): Readonly<Record<string, unknown>> {
  const targets = readConfig(home).targets as unknown;
  if (targets === undefined || targets === null) return {};
  if (!isRecord(targets)) {
    throw new BadInputError(
      'CONFIG_UNREADABLE',
      `${configPath(home)}: "targets" must be an object of target records; fix or remove it.`,
    );
  }
  return targets;
}

/** The names of the recorded targets, usable or not. */
export function recordedTargetNames(home: string): string[] {
  return Object.keys(recordedTargets(home));
}

export function readTargets(home: string): Readonly<Record<string, AwsTarget>> {
  return Object.fromEntries(
    Object.entries(recordedTargets(home)).map(([name, value]) => [name, asTarget(home, name, value)]),
  );
}

export function readTarget(home: string, name: string): AwsTarget | undefined {
  const targets = recordedTargets(home);
  return Object.hasOwn(targets, name) ? asTarget(home, name, targets[name]) : undefined;
}

export function writeTarget(home: string, target: AwsTarget): void {
  updateConfig(home, (config) => ({
    ...config,
    targets: { ...(config.targets ?? {}), [target.name]: target },
  }));
}

/** Forgets a target; false when there was none of that name. */
export function removeTarget(home: string, name: string): boolean {
  // Nothing to forget: write nothing (not even the folder or an empty config.json).
  if (!Object.hasOwn(readConfig(home).targets ?? {}, name)) return false;
  let removed = false;
  updateConfig(home, (config) => {
    const targets = { ...(config.targets ?? {}) };
    removed = Object.hasOwn(targets, name);
    delete targets[name];
    return { ...config, targets };
  });
  return removed;
}
