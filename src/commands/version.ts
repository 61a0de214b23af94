/** This CLI's version, from its package.json (recorded with every deployed target). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../infra/packageRoot.js';

export { packageRoot };

export function packageVersion(): string {
  const root = packageRoot();
  if (!root) return '0.0.0';
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version?: string };
  return pkg.version ?? '0.0.0';
}
