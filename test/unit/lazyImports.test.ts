/**
 * `--help`, `--version` and every other command never load the CDK: toolkit-lib and aws-cdk-lib
 * are reached only through dynamic import() from deploy/destroy. Follows the static imports of the
 * CLI's entry (type-only imports are erased by the compiler and not followed).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/cli.js';

const HEAVY = ['aws-cdk-lib', '@aws-cdk/toolkit-lib', 'constructs', 'cdk-nag', 'esbuild'];
const STATIC_IMPORT = /^\s*(?:import|export)\s+(?!type\b)(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]/gm;

function staticGraph(entry: string): { files: Set<string>; packages: Map<string, string> } {
  const files = new Set<string>();
  const packages = new Map<string, string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    const source = readFileSync(file, 'utf8');
    for (const [, specifier] of source.matchAll(STATIC_IMPORT)) {
      if (!specifier) continue;
      if (specifier.startsWith('.')) {
        const target = resolve(dirname(file), specifier.replace(/\.js$/, '.ts'));
        if (existsSync(target)) visit(target);
      } else {
        const name = specifier.startsWith('@')
          ? specifier.split('/').slice(0, 2).join('/')
          : specifier.split('/')[0]!;
        if (!packages.has(name)) packages.set(name, file);
      }
    }
  };
  visit(entry);
  return { files, packages };
}

describe('lazy loading', () => {
  it('reaches no CDK module from the CLI entry, nor from the deploy command until it runs', () => {
    // Command modules are imported only when their command runs (registry.ts); the deploy command
    // itself imports the CDK only inside its action.
    for (const entry of [join('bin', 'payroll-ops.ts'), join('src', 'commands', 'deploy.ts')]) {
      const { files, packages } = staticGraph(join(REPO_ROOT, entry));
      expect(files.size).toBeGreaterThan(1);
      const heavy = HEAVY.filter((name) => packages.has(name)).map(
        (name) => `${name} (from ${packages.get(name)})`,
      );
      expect([entry, heavy]).toEqual([entry, []]);
    }
  });

  it('reaches none from the local host: its entry, the payroll app it imports at start, and local deploy', () => {
    // The host provisions from dist/template (plain JSON); only `npm run build` synthesizes it.
    for (const entry of [
      join('src', 'infra', 'local', 'hostMain.ts'),
      join('src', 'infra', 'local', 'payrollApp.ts'),
      join('src', 'actions', 'deployLocal.ts'),
    ]) {
      const { files, packages } = staticGraph(join(REPO_ROOT, entry));
      expect(files.size).toBeGreaterThan(1);
      const heavy = HEAVY.filter((name) => packages.has(name)).map(
        (name) => `${name} (from ${packages.get(name)})`,
      );
      expect([entry, heavy]).toEqual([entry, []]);
    }
  });

  it('loads neither Powertools idempotency nor the STS client for a command that opens the backend', () => {
    // ≈ 26 ms and ≈ 6 ms of every status, watch and audit: loaded when a keyed start or an aws
    // target needs them (dynamic import in backend.ts).
    const { files, packages } = staticGraph(join(REPO_ROOT, 'src', 'commands', 'status.ts'));
    expect(files.has(join(REPO_ROOT, 'src', 'commands', 'backend.ts'))).toBe(true);
    expect(packages.has('@aws-lambda-powertools/idempotency')).toBe(false);
    expect(packages.has('@aws-sdk/client-sts')).toBe(false);
  });

  it('does reach them from the deploy action, so the walk would see them', () => {
    const { packages } = staticGraph(join(REPO_ROOT, 'src', 'infra', 'cdk', 'app.ts'));
    expect(packages.has('aws-cdk-lib')).toBe(true);
  });
});
