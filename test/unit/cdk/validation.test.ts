/**
 * The one test that keeps aws-cdk-lib's built-in CloudFormation validation on (2–3 s, ~300 MB):
 * the stack passes it, and it still catches the drift it once caught — an SQS trigger whose
 * function may outlive the queue's visibility timeout, which AWS refuses at deploy time.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { backendSpec, TargetKind } from '../../../src/infra/backendSpec.js';
import { buildApp } from '../../../src/infra/cdk/app.js';
import { BUNDLE_DIR } from './support.js';

const STACK = 'payroll-ops-valid';
const saved = { NODE_ENV: process.env.NODE_ENV, CDK_VALIDATION: process.env.CDK_VALIDATION };

afterEach(() => {
  process.env.NODE_ENV = saved.NODE_ENV;
  if (saved.CDK_VALIDATION === undefined) delete process.env.CDK_VALIDATION;
  else process.env.CDK_VALIDATION = saved.CDK_VALIDATION;
});

describe("aws-cdk-lib's built-in template validation", () => {
  it('passes the stack, and refuses a consumer that outlives its queue visibility timeout', () => {
    delete process.env.CDK_VALIDATION;
    process.env.NODE_ENV = 'test';
    const valid = buildApp({ stackName: STACK, region: 'eu-west-1', bundleDir: BUNDLE_DIR });
    expect(() => valid.synth()).not.toThrow();

    const spec = backendSpec({ stackName: STACK, target: TargetKind.Aws });
    const drifted = {
      ...spec,
      queues: spec.queues.map((queue) => ({ ...queue, visibilityTimeoutSeconds: 30 })),
    };
    const invalid = buildApp({ stackName: STACK, region: 'eu-west-1', bundleDir: BUNDLE_DIR, spec: drifted });
    expect(() => invalid.synth()).toThrow(/E3505|[Vv]isibility/);
  });
});
