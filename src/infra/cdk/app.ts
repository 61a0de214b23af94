/**
 * The CDK app of the backend: one stack built from the backend specification. `payroll-ops
 * deploy` synthesizes it in process through toolkit-lib; the tests synthesize it directly.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { InfrastructureError } from '../../core/errors.js';
import { type BackendSpec, backendSpec, TargetKind } from '../backendSpec.js';
import { FEATURE_FLAGS } from './featureFlags.js';
import { PayrollStack } from './stack.js';

export interface BuildAppOptions {
  readonly stackName: string;
  /** Absent: the stack is environment-agnostic in account (resolved at deploy time). */
  readonly account?: string;
  readonly region: string;
  /** The folder holding the Lambda bundle's index.mjs (dist/lambda after `npm run build`). */
  readonly bundleDir: string;
  /** Where the cloud assembly goes; toolkit-lib passes its own. */
  readonly outdir?: string;
  readonly context?: Readonly<Record<string, unknown>>;
  /**
   * aws-cdk-lib's CloudFormation template checks on synth (about 2–3 s and 300 MB); on by default,
   * and off when CDK_VALIDATION=false.
   */
  readonly builtinValidation?: boolean;
  /** Tests only: a specification other than the AWS target's. */
  readonly spec?: BackendSpec;
}

export const LAMBDA_BUNDLE_FILE = 'index.mjs';

export function buildApp(options: BuildAppOptions): App {
  const spec = options.spec ?? backendSpec({ stackName: options.stackName, target: TargetKind.Aws });
  if (!existsSync(join(options.bundleDir, LAMBDA_BUNDLE_FILE))) {
    throw new InfrastructureError(
      'LAMBDA_BUNDLE_MISSING',
      `The Lambda bundle ${join(options.bundleDir, LAMBDA_BUNDLE_FILE)} is missing; run npm run build first.`,
    );
  }
  const app = new App({
    ...(options.outdir ? { outdir: options.outdir } : {}),
    context: { ...FEATURE_FLAGS, ...options.context },
    analyticsReporting: false,
    ...(options.builtinValidation === undefined
      ? {}
      : { builtinCloudFormationValidation: options.builtinValidation }),
  });
  new PayrollStack(app, spec.stackName, {
    spec,
    bundleDir: options.bundleDir,
    env: { region: options.region, ...(options.account ? { account: options.account } : {}) },
  });
  return app;
}
