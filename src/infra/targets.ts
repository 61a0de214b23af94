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
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
} from 'node:fs';
import { join } from 'node:path';
import { BadInputError } from '../core/errors.js';
import { writeFileAtomic } from './local/atomicFile.js';

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

export function validateTargetName(name: string): string {
  if (!TARGET_NAME.test(name) || name.endsWith('-')) {
    throw new BadInputError(
      'BAD_TARGET_NAME',
      `Target name "${name}" is not valid: use 1–24 lower-case letters, digits and hyphens, starting with a letter (e.g. prod).`,
    );
  }
  return name;
}

export function configPath(home: string): string {
  return join(home, CONFIG_FILE);
}

export function readConfig(home: string): ConfigFile {
  const path = configPath(home);
  if (!existsSync(path)) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
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
  // The data folder is private: the config names accounts and profiles.
  mkdirSync(home, { recursive: true, mode: 0o700 });
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
  mkdirSync(home, { recursive: true, mode: 0o700 });
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

export function readTargets(home: string): Readonly<Record<string, AwsTarget>> {
  return readConfig(home).targets ?? {};
}

export function readTarget(home: string, name: string): AwsTarget | undefined {
  return Object.hasOwn(readTargets(home), name) ? readTargets(home)[name] : undefined;
}

export function writeTarget(home: string, target: AwsTarget): void {
  updateConfig(home, (config) => ({
    ...config,
    targets: { ...(config.targets ?? {}), [target.name]: target },
  }));
}

/** Forgets a target; false when there was none of that name. */
export function removeTarget(home: string, name: string): boolean {
  let removed = false;
  updateConfig(home, (config) => {
    const targets = { ...(config.targets ?? {}) };
    removed = Object.hasOwn(targets, name);
    delete targets[name];
    return { ...config, targets };
  });
  return removed;
}
