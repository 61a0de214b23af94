/**
 * Vitest global setup: e2e tests run the BUILT CLI (dist/bin/payroll-ops.js) as a child process,
 * `deploy` needs the Lambda bundle (dist/lambda), and every local host (integration and e2e tests)
 * provisions from the synthesized template (dist/template), so build all three once per test run,
 * and only when the run may include such tests and a source file is newer than the last build. A
 * lock folder keeps concurrent test runs from building at once.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const builtCli = join(root, 'dist', 'bin', 'payroll-ops.js');
const builtBundle = join(root, 'dist', 'lambda', 'index.mjs');
const builtTemplate = join(root, 'dist', 'template', 'payroll-ops.template.json');
const lock = join(root, 'dist', '.build-lock');
const SOURCE_FOLDERS = ['bin', 'src', 'bench', 'scripts'];
const SOURCE = /\.(ts|json)$/;
const LOCK_WAIT_MS = 180_000;
const STALE_LOCK_MS = 300_000;

function newestMtime(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return SOURCE.test(path) ? stat.mtimeMs : 0;
  let newest = 0;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

function buildIsFresh(): boolean {
  if (![builtCli, builtBundle, builtTemplate].every((file) => existsSync(file))) return false;
  const built = statSync(builtCli).mtimeMs;
  const sources = [...SOURCE_FOLDERS.map((folder) => join(root, folder)), join(root, 'tsconfig.build.json')];
  return sources.every((path) => newestMtime(path) <= built);
}

/** Tests that read dist/: every e2e and integration test, and the template's staleness check. */
function testsNeedingBuild(): string[] {
  const inFolder = (folder: string) => {
    const dir = join(root, 'test', folder);
    return existsSync(dir) ? readdirSync(dir).map((name) => join(dir, name)) : [];
  };
  return [
    ...inFolder('e2e'),
    ...inFolder('integration'),
    join(root, 'test', 'unit', 'localTemplate.test.ts'),
  ];
}

/** True unless the run was given file filters and none of them matches a test that reads dist/. */
function runNeedsBuild(project: TestProject): boolean {
  // Vitest keeps the command line's file filters here (substrings of test file paths).
  const filters = (project.vitest as unknown as { filenamePattern?: string[] }).filenamePattern;
  if (filters === undefined || filters.length === 0) return true;
  const files = testsNeedingBuild();
  return filters.some((filter) => {
    const needle = filter.replace(/^\.\//, '');
    return files.some((file) => file.includes(needle));
  });
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function build(): void {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  try {
    execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'pipe' });
  } catch (error) {
    // tsc still emits JavaScript when there are type errors (npm run typecheck reports those);
    // only a build that produced no CLI stops the run.
    const output = (error as { stdout?: Buffer }).stdout?.toString() ?? String(error);
    if (!existsSync(builtCli)) throw new Error(`tsc -p tsconfig.build.json produced no CLI:\n${output}`);
    process.stderr.write(
      `[globalSetup] tsc reported type errors; testing the emitted build anyway:\n${output}`,
    );
  }
  // As `npm run build` does: the Lambda bundle that `deploy` uploads, the local stack's template
  // (which names the bundle's asset hash, so it comes second) and an executable bin.
  for (const script of ['bundleLambda.js', 'synthTemplate.js']) {
    execFileSync(process.execPath, [join(root, 'dist', 'scripts', script)], { cwd: root, stdio: 'pipe' });
  }
  chmodSync(builtCli, 0o755);
}

export default function setup(project: TestProject): void {
  if (!runNeedsBuild(project) || buildIsFresh()) return;
  mkdirSync(dirname(lock), { recursive: true });
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // Another test run is building; a lock left by a killed run expires.
      const held = statSync(lock, { throwIfNoEntry: false });
      if (held !== undefined && Date.now() - held.mtimeMs > STALE_LOCK_MS) {
        rmSync(lock, { recursive: true, force: true });
      }
      if (Date.now() > deadline)
        throw new Error(`waited too long for ${lock}; remove it if no build is running`);
      sleep(250);
    }
  }
  try {
    if (!buildIsFresh()) build();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}
