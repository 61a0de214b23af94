/**
 * `npm run build` step 3 (after the Lambda bundle, whose asset hash the template names): the local
 * stack's CloudFormation template into dist/template/payroll-ops.template.json, which the local
 * host provisions from without loading aws-cdk-lib. test/unit/localTemplate.test.ts fails when
 * this file no longer matches what the sources synthesize.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LOCAL_STACK_NAME } from '../src/infra/backendNames.js';
import { synthesizeLocalTemplate } from '../src/infra/cdk/localTemplate.js';
import { TEMPLATE_DIR, templateFileName } from '../src/infra/local/template/cfnTemplate.js';

export function writeLocalTemplate(root: string): { readonly file: string; readonly resources: number } {
  const template = synthesizeLocalTemplate(join(root, 'dist', 'lambda'));
  const folder = join(root, 'dist', TEMPLATE_DIR);
  mkdirSync(folder, { recursive: true });
  const file = join(folder, templateFileName(LOCAL_STACK_NAME));
  writeFileSync(file, `${JSON.stringify(template, null, 1)}\n`);
  return { file, resources: Object.keys(template.Resources).length };
}

const here = dirname(fileURLToPath(import.meta.url));
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  // dist/scripts/synthTemplate.js → the repository root is two folders up.
  const started = Date.now();
  const written = writeLocalTemplate(resolve(here, '..', '..'));
  process.stdout.write(
    `local template: ${written.file} (${written.resources} resources, ${Date.now() - started} ms)\n`,
  );
}
