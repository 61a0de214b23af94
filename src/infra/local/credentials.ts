/**
 * The data folder's AWS credentials: the local endpoints verify every request's Signature V4
 * against them, so only someone who can read the folder (its owner) can talk to the stack. They
 * are generated on first use into `credentials` (mode 0600) and never leave the folder except
 * through `payroll-ops local env`, which prints them for the owner's own shell.
 */
import { createHmac, randomBytes } from 'node:crypto';
import {
  closeSync,
  constants,
  existsSync,
  type FSWatcher,
  fstatSync,
  linkSync,
  openSync,
  readFileSync,
  rmSync,
  watch,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { BadInputError, InfrastructureError } from '../../core/errors.js';
import { ensurePrivateFolder, PRIVATE_FILE_MODE } from './privateFolder.js';

export interface LocalCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

export const credentialsPath = (home: string): string => join(home, 'credentials');

/** Shaped like AWS's (AKIA + 16, 40 characters), so tools that check the shape accept them. */
function generate(): LocalCredentials {
  const id = randomBytes(10).toString('hex').toUpperCase().slice(0, 16);
  return {
    accessKeyId: `AKIA${id}`,
    secretAccessKey: randomBytes(30).toString('base64').replaceAll('+', 'P').replaceAll('/', 'S'),
  };
}

function parse(text: string): LocalCredentials | undefined {
  try {
    const value = JSON.parse(text) as Partial<LocalCredentials>;
    if (typeof value.accessKeyId === 'string' && typeof value.secretAccessKey === 'string') {
      return { accessKeyId: value.accessKeyId, secretAccessKey: value.secretAccessKey };
    }
  } catch {
    // not credentials: reported below
  }
  return undefined;
}

/**
 * The text of the credentials file: never through a symbolic link, never a file of another user —
 * whoever planted either would know the secret that guards the folder.
 */
function readOwnFile(path: string): string {
  const fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  try {
    const owner = fstatSync(fd).uid;
    const uid = process.getuid?.();
    if (uid !== undefined && owner !== uid) {
      throw new BadInputError(
        'LOCAL_CREDENTIALS_NOT_YOURS',
        `${path} belongs to another user (uid ${owner}), who would know its secret; delete it (with no host running) to generate new credentials.`,
      );
    }
    return readFileSync(fd, 'utf8');
  } finally {
    closeSync(fd);
  }
}

function read(path: string): LocalCredentials | undefined {
  let text: string;
  try {
    text = readOwnFile(path);
  } catch (error) {
    if (error instanceof BadInputError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    if (code === 'ELOOP') {
      throw new BadInputError(
        'LOCAL_CREDENTIALS_LINK',
        `${path} is a symbolic link, which could lead to someone else's secret; delete it (with no host running) to generate new credentials.`,
      );
    }
    throw new InfrastructureError('LOCAL_CREDENTIALS', `Cannot read the local credentials ${path}.`, {
      cause: error,
    });
  }
  const credentials = parse(text);
  if (!credentials) {
    throw new InfrastructureError(
      'LOCAL_CREDENTIALS',
      `${path} does not hold local credentials; delete it (with no host running) to generate new ones.`,
    );
  }
  return credentials;
}

/**
 * The folder's credentials if it has usable ones, without creating any; a link or a file of
 * another user is refused as `localCredentials` refuses it.
 */
export function existingCredentials(home: string): LocalCredentials | undefined {
  try {
    return read(credentialsPath(home));
  } catch (error) {
    if (error instanceof BadInputError) throw error;
    return undefined;
  }
}

/**
 * The folder's credentials, created on first use. Two processes creating them at once agree: the
 * file appears at once and complete (a hard link of a finished temporary file, which fails if
 * the other process was first), and the loser reads the winner's.
 */
export function localCredentials(home: string): LocalCredentials {
  const path = credentialsPath(home);
  let credentials = read(path);
  if (!credentials) {
    ensurePrivateFolder(home);
    const fresh = generate();
    credentials = writeUnlessPresent(path, fresh) ? fresh : read(path);
    if (!credentials) {
      throw new InfrastructureError('LOCAL_CREDENTIALS', `Cannot create the local credentials ${path}.`);
    }
  }
  return credentials;
}

/**
 * Writes the credentials file complete and at once (a hard link of a finished temporary file);
 * false, writing nothing, when a file is already there.
 */
function writeUnlessPresent(path: string, credentials: LocalCredentials): boolean {
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(credentials, null, 2)}\n`, { mode: PRIVATE_FILE_MODE });
  try {
    linkSync(temp, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return false;
  } finally {
    rmSync(temp, { force: true });
  }
}

/** How often a running host makes sure its credentials file is still there (besides watching it). */
const CREDENTIALS_CHECK_MS = 1_000;

/**
 * Keeps a running host's credentials file in place: deleted under it, it is written again at once,
 * the same. Otherwise the next command would generate new credentials, and with them a new lock
 * address, and lose the host: `local status` would say nothing runs and `local stop` could not
 * stop it. Returns the function that stops keeping it.
 */
export function keepCredentials(
  home: string,
  credentials: LocalCredentials,
  log: (line: string) => void,
): () => void {
  const path = credentialsPath(home);
  const restore = () => {
    try {
      if (existsSync(path) || !existsSync(home)) return;
      if (writeUnlessPresent(path, credentials)) {
        log(`warning: ${path} was deleted while the host ran; written again with the same credentials.`);
      }
    } catch (error) {
      log(`warning: cannot write ${path} again: ${(error as Error).message}`);
    }
  };
  let watcher: FSWatcher | undefined;
  try {
    watcher = watch(home, { persistent: false }, (_event, name) => {
      if (name === null || name === 'credentials') restore();
    });
    watcher.on('error', () => watcher?.close());
  } catch {
    // no watching here: the periodic check below still restores it
  }
  const timer = setInterval(restore, CREDENTIALS_CHECK_MS);
  timer.unref();
  return () => {
    clearInterval(timer);
    watcher?.close();
  };
}

/** A key for another purpose, derived from the folder's secret (so one secret guards everything). */
export function derivedKey(credentials: LocalCredentials, purpose: string): Buffer {
  return createHmac('sha256', credentials.secretAccessKey).update(`payroll-ops:${purpose}`).digest();
}
