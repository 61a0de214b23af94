/**
 * Vitest global setup: e2e tests run the BUILT CLI (dist/bin/payroll-ops.js) as a child process,
 * so build once per test run, and only when a source file is newer than the last build.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const builtCli = join(root, 'dist', 'bin', 'payroll-ops.js');
const SOURCE_FOLDERS = ['bin', 'src', 'bench'];
const SOURCE = /\.(ts|json)$/;

function newestSourceMtime(folder: string): number {
  let newest = 0;
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSourceMtime(path));
    else if (SOURCE.test(entry.name)) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

function buildIsFresh(): boolean {
  if (!existsSync(builtCli)) return false;
  const built = statSync(builtCli).mtimeMs;
  const sources = [...SOURCE_FOLDERS.map((folder) => join(root, folder)), join(root, 'tsconfig.build.json')];
  return sources.every((path) =>
    statSync(path).isDirectory() ? newestSourceMtime(path) <= built : statSync(path).mtimeMs <= built,
  );
}

export default function setup(): void {
  if (buildIsFresh()) return;
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  try {
    execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'pipe' });
  } catch (error) {
    // tsc still emits JavaScript when there are type errors (npm run typecheck reports those);
    // only a build that produced no CLI stops the run.
    const output = (error as { stdout?: Buffer }).stdout?.toString() ?? String(error);
    if (!existsSync(builtCli)) throw new Error(`npx tsc -p tsconfig.build.json produced no CLI:\n${output}`);
    process.stderr.write(
      `[globalSetup] tsc reported type errors; testing the emitted build anyway:\n${output}`,
    );
  }
}
