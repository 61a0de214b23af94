/** Where this package is installed: the built CLI, the Lambda bundle and the template live under it. */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The folder of the package.json named payroll-ops above this module (src/ under tsx, dist/src/ when built). */
export function packageRoot(): string | undefined {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string };
      if (pkg.name === 'payroll-ops') return dir;
    } catch {
      // not here; look one folder up
    }
    dir = dirname(dir);
  }
  return undefined;
}
