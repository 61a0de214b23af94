import aslValidator from 'asl-validator';
import { describe, expect, it } from 'vitest';
import { BadInputError } from '../../src/core/errors.js';
import { FunctionName } from '../../src/core/saga/functions.js';
import {
  backendSpec,
  definitionSubstitutions,
  functionOf,
  LOCAL_STACK_NAME,
  queueOf,
  substitute,
  TargetKind,
} from '../../src/infra/backendSpec.js';

const local = backendSpec({ stackName: LOCAL_STACK_NAME, target: TargetKind.Local });

function allNames(stackName: string): string[] {
  const spec = backendSpec({ stackName, target: TargetKind.Aws });
  // Prefixed by kind: a queue and its consumer function may share a name, as they do today.
  return [
    `table ${spec.tables.data.name}`,
    `table ${spec.tables.idempotency.name}`,
    ...spec.queues.flatMap((queue) => [`queue ${queue.name}`, `queue ${queue.dlq.name}`]),
    ...spec.functions.map((fn) => `function ${fn.name}`),
    ...spec.stateMachines.map((machine) => `machine ${machine.name}`),
    ...spec.schedules.map((schedule) => `schedule ${schedule.name}`),
    `api ${spec.api.name}`,
  ];
}

describe('backend specification', () => {
  it('keeps the names existing local data folders hold', () => {
    expect(local.tables.data.name).toBe('payroll-ops-data');
    expect(local.tables.idempotency.name).toBe('payroll-ops-idempotency');
    expect(local.queues.map((queue) => [queue.name, queue.dlq.name])).toEqual([
      ['payroll-ops-bank-gateway', 'payroll-ops-bank-gateway-dlq'],
      ['payroll-ops-payslip-delivery', 'payroll-ops-payslip-delivery-dlq'],
    ]);
    expect(local.stateMachines.map((machine) => machine.name)).toEqual([
      'payroll-ops-pay-run',
      'payroll-ops-rollback',
      'payroll-ops-payday',
    ]);
    expect(local.schedules.map((schedule) => [schedule.name, schedule.expression])).toEqual([
      ['payroll-ops-daily-payday', 'cron(0 6 * * ? *)'],
      ['payroll-ops-dlq-redrive', 'rate(15 minutes)'],
    ]);
    expect(functionOf(local, FunctionName.OpenRun).name).toBe('payroll-ops-open-run');
    expect(local.triggers.map((t) => [t.queueName, t.functionName, t.batchSize])).toEqual([
      ['payroll-ops-bank-gateway', 'payroll-ops-bank-gateway', 1],
      ['payroll-ops-payslip-delivery', 'payroll-ops-payslip-delivery', 10],
    ]);
    expect(local.api.routes.map((route) => `${route.method} ${route.path} ${route.functionName}`)).toEqual([
      'POST /runs payroll-ops-off-cycle-api',
      'GET /runs/{runId} payroll-ops-off-cycle-api',
    ]);
  });

  it('gives two stacks in one account disjoint names', () => {
    const prod = new Set(allNames('payroll-ops-prod'));
    const staging = allNames('payroll-ops-staging');
    expect(staging.filter((name) => prod.has(name))).toEqual([]);
    expect(new Set(staging).size).toBe(staging.length);
  });

  it('gives every SQS consumer a timeout within its queue visibility timeout', () => {
    for (const target of Object.values(TargetKind)) {
      const spec = backendSpec({ stackName: 'payroll-ops-x', target });
      for (const trigger of spec.triggers) {
        const consumer = functionOf(spec, trigger.handler);
        expect(consumer.timeoutSeconds).toBeLessThanOrEqual(
          queueOf(spec, trigger.queue).visibilityTimeoutSeconds,
        );
        expect(trigger.reportBatchItemFailures).toBe(true);
      }
    }
  });

  it('keeps CalculatePay small locally and sized for throughput on AWS', () => {
    const aws = backendSpec({ stackName: 'payroll-ops-prod', target: TargetKind.Aws });
    const [payRun] = aws.stateMachines;
    const [localPayRun] = local.stateMachines;
    expect(localPayRun?.settingSubstitutions).toEqual({ CalculatePayMaxConcurrency: '4' });
    // 400 chunks of 100k employees in at most 20 waves (docs/deploy.md).
    expect(Number(payRun?.settingSubstitutions.CalculatePayMaxConcurrency)).toBeGreaterThanOrEqual(20);
    // One definition for both: only the substitutions differ.
    expect(payRun?.definitionString).toBe(localPayRun?.definitionString);
  });

  it('fills every placeholder of every definition into valid ASL', async () => {
    for (const machine of local.stateMachines) {
      const text = substitute(
        machine.definitionString,
        definitionSubstitutions(machine, (fn) => `arn:aws:lambda:eu-west-1:123456789012:function:x-${fn}`),
      );
      expect(text).not.toMatch(/\$\{/);
      const { isValid, errorsText } = await aslValidator(JSON.parse(text));
      expect(isValid, errorsText('\n')).toBe(true);
    }
  });

  it.each([
    ['9lives', 'BAD_STACK_NAME'],
    ['payroll_ops', 'BAD_STACK_NAME'],
    ['payroll-ops-', 'BAD_STACK_NAME'],
    ['', 'BAD_STACK_NAME'],
    ['payroll-ops-a-very-long-production-stack', 'STACK_NAME_TOO_LONG'],
  ])('refuses the stack name %j with one line naming the fix', (stackName, code) => {
    let error: unknown;
    try {
      backendSpec({ stackName, target: TargetKind.Aws });
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(BadInputError);
    expect((error as BadInputError).code).toBe(code);
    expect((error as BadInputError).message).not.toContain('\n');
  });

  it('names the longest stack name every derived name fits, and accepts it', () => {
    const tooLong = `p${'x'.repeat(40)}`;
    expect(() => backendSpec({ stackName: tooLong, target: TargetKind.Aws })).toThrow(
      /record-compensation-failure would exceed 64 characters; use at most 36 characters\./,
    );
    const longest = `p${'x'.repeat(35)}`;
    const spec = backendSpec({ stackName: longest, target: TargetKind.Aws });
    expect(Math.max(...spec.functions.map((fn) => fn.name.length))).toBe(64);
  });
});
