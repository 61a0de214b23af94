/**
 * The Lambda bundle `npm run build` makes and `deploy` uploads: small, deterministic, free of
 * local-only modules, and runnable — the entry dispatches on PAYROLL_OPS_HANDLER with names from
 * the environment.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleLambda, type LambdaBundle } from '../../scripts/bundleLambda.js';
import { FunctionName, StateMachineName } from '../../src/core/saga/functions.js';
import { LambdaEnv, lambdaEnvironment, readLambdaEnvironment } from '../../src/infra/lambda/environment.js';
import { REPO_ROOT } from '../support/cli.js';

// Inside the repository, so the bundle's external @aws-sdk/* imports resolve as the runtime's would.
const work = mkdtempSync(join(REPO_ROOT, 'dist', 'bundle-test-'));
let first: LambdaBundle;

const config = {
  dataTable: 'payroll-ops-t-data',
  idempotencyTable: 'payroll-ops-t-idempotency',
  queues: {
    'bank-gateway': 'payroll-ops-t-bank-gateway',
    'payslip-delivery': 'payroll-ops-t-payslip-delivery',
  },
  dlqs: {
    'bank-gateway': 'payroll-ops-t-bank-gateway-dlq',
    'payslip-delivery': 'payroll-ops-t-payslip-delivery-dlq',
  },
  stateMachineArns: {
    [StateMachineName.PayRun]: 'arn:aws:states:eu-west-1:123456789012:stateMachine:payroll-ops-t-pay-run',
    [StateMachineName.Rollback]: 'arn:aws:states:eu-west-1:123456789012:stateMachine:payroll-ops-t-rollback',
    [StateMachineName.Payday]: 'arn:aws:states:eu-west-1:123456789012:stateMachine:payroll-ops-t-payday',
  },
} as const;

beforeAll(async () => {
  first = await bundleLambda(REPO_ROOT, join(work, 'a'));
});

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

describe('the Lambda bundle', () => {
  it('stays under 1 MB with the AWS SDK left to the runtime', () => {
    expect(first.bytes).toBeLessThan(1024 * 1024);
    expect(first.inputs.some((input) => input.includes('@aws-sdk/'))).toBe(false);
    expect(readFileSync(first.file, 'utf8')).toMatch(/from\s*"@aws-sdk\/client-dynamodb"/);
  });

  it('holds no emulator, CDK or CLI module', () => {
    const forbidden = [
      /node_modules\/dynalite\//,
      /node_modules\/fauxqs\//,
      /node_modules\/aws-local-stepfunctions\//,
      /node_modules\/aws-cdk-lib\//,
      /node_modules\/@aws-cdk\//,
      /node_modules\/commander\//,
      /^src\/infra\/local\//,
      /^src\/infra\/cdk\//,
      /^src\/commands\//,
    ];
    const offending = first.inputs.filter((input) => forbidden.some((pattern) => pattern.test(input)));
    expect(offending).toEqual([]);
  });

  it('is byte-for-byte the same when built again', async () => {
    const second = await bundleLambda(REPO_ROOT, join(work, 'b'));
    expect(readFileSync(second.file).equals(readFileSync(first.file))).toBe(true);
  });

  it('runs the handler its environment names, on the names its environment gives', async () => {
    const env = lambdaEnvironment(FunctionName.OffCycleApi, config, 'payroll-ops-t-artifacts');
    const saved = { ...process.env };
    Object.assign(process.env, env, { AWS_REGION: 'eu-west-1' });
    try {
      const module = (await import(pathToFileURL(first.file).href)) as {
        handler: (event: unknown, context: unknown) => Promise<{ statusCode: number; body: string }>;
      };
      const context = { functionName: 'payroll-ops-t-off-cycle-api', getRemainingTimeInMillis: () => 1000 };
      // A REST API proxy event for a route the API does not have: answered without any AWS call.
      const answer = await module.handler({ httpMethod: 'DELETE', resource: '/runs' }, context);
      expect(answer.statusCode).toBe(404);
      expect(JSON.parse(answer.body)).toMatchObject({ error: 'NO_ROUTE' });
    } finally {
      for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
      Object.assign(process.env, saved);
    }
  });

  it('refuses to start without a name it needs, naming the variable', () => {
    const env = lambdaEnvironment(FunctionName.BankGateway, config, 'payroll-ops-t-artifacts');
    expect(readLambdaEnvironment(env).config).toEqual(config);
    const { [LambdaEnv.DataTable]: _dropped, ...partial } = env;
    expect(() => readLambdaEnvironment(partial)).toThrow(/lacks PAYROLL_OPS_DATA_TABLE; redeploy/);
    expect(() => readLambdaEnvironment({ ...env, [LambdaEnv.Handler]: 'nope' })).toThrow(/names no handler/);
  });
});
