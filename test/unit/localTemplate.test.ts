/**
 * The template the local host provisions from (dist/template/payroll-ops.template.json, written by
 * `npm run build`) is exactly what the sources synthesize now: a stale build would run a local
 * stack that no longer matches what `deploy` ships. Synthesized in process against the same
 * Lambda bundle, so the asset hash in it matches too.
 */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { synthesizeLocalTemplate } from '../../src/infra/cdk/localTemplate.js';
import { builtTemplatePath } from '../../src/infra/local/template/cfnTemplate.js';
import { BUNDLE_DIR } from './cdk/support.js';

describe('the built local template', () => {
  it('is what the sources synthesize (run npm run build when this fails)', () => {
    const file = builtTemplatePath();
    expect(existsSync(file), `${file} is missing: run npm run build`).toBe(true);
    const built = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    expect(built).toEqual(synthesizeLocalTemplate(BUNDLE_DIR));
  });

  it('is the local stack: its names, its settings and no account baked in', () => {
    const text = readFileSync(builtTemplatePath(), 'utf8');
    expect(text).toContain('"TableName": "payroll-ops-data"');
    expect(text).toContain('"CalculatePayMaxConcurrency": "4"');
    expect(text).not.toMatch(/:\d{12}:/);
  });
});
