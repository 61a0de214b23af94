/**
 * The local target's template: the same CDK app `deploy` synthesizes, for the stack `payroll-ops`
 * with the local target's settings, in the local region and with no account (the host fills in
 * AWS::AccountId). `npm run build` writes it to dist/template/ and the local host provisions from
 * that file, so what runs locally is what deploys. Template checks are off: they cost seconds and
 * the aws targets' synth runs them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LOCAL_REGION } from '../aws/clients.js';
import { backendSpec, LOCAL_STACK_NAME, TargetKind } from '../backendSpec.js';
import type { CfnTemplate } from '../local/template/cfnTemplate.js';
import { buildApp } from './app.js';

export function synthesizeLocalTemplate(bundleDir: string): CfnTemplate {
  const outdir = mkdtempSync(join(tmpdir(), 'payroll-ops-local-template-'));
  try {
    const app = buildApp({
      stackName: LOCAL_STACK_NAME,
      region: LOCAL_REGION,
      bundleDir,
      outdir,
      builtinValidation: false,
      spec: backendSpec({ stackName: LOCAL_STACK_NAME, target: TargetKind.Local }),
    });
    return app.synth().getStackByName(LOCAL_STACK_NAME).template as CfnTemplate;
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}
