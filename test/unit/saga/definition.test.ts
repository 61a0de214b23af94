import aslValidator from 'asl-validator';
import { describe, expect, it } from 'vitest';
import { paydayDefinition, payRunDefinition, rollbackDefinition } from '../../../src/core/saga/definition.js';
import {
  DefinitionSetting,
  FunctionName,
  functionArnPlaceholder,
  settingPlaceholder,
} from '../../../src/core/saga/functions.js';
import {
  COMPENSABLE_STEPS,
  compensationOrder,
  FORWARD_STEPS,
  StepName,
} from '../../../src/core/saga/steps.js';

type States = Record<string, Record<string, unknown>>;

function follow(states: States, start: string): string[] {
  const path: string[] = [];
  let current: string | undefined = start;
  while (current && !path.includes(current)) {
    path.push(current);
    const state = states[current];
    // Follow a Choice along its first (success) branch.
    current = (state?.Next ?? (state?.Choices as { Next: string }[] | undefined)?.[0]?.Next) as
      | string
      | undefined;
  }
  return path;
}

describe('pay-run state machine definition', () => {
  it('is valid Amazon States Language', async () => {
    for (const definition of [payRunDefinition, rollbackDefinition, paydayDefinition]) {
      // asl-validator annotates what it is given; validate a copy so the shared definition stays as deployed.
      const { isValid, errorsText } = await aslValidator(structuredClone(definition) as never);
      expect(isValid, errorsText('\n')).toBe(true);
    }
  });

  it('uses no feature the embedded stack cannot run the same way', () => {
    const text = JSON.stringify([payRunDefinition, rollbackDefinition, paydayDefinition]);
    for (const forbidden of ['JSONata', 'QueryLanguage', '"Assign"', 'ItemReader', 'waitForTaskToken']) {
      expect(text).not.toContain(forbidden);
    }
  });

  it('runs the forward steps in the order of the saga', () => {
    const path = follow(payRunDefinition.States as States, payRunDefinition.StartAt).filter((s) =>
      (FORWARD_STEPS as readonly string[]).includes(s),
    );
    expect(path).toEqual(FORWARD_STEPS);
  });

  it.each(FORWARD_STEPS)('a failure of %s compensates the steps up to it in reverse order', (step) => {
    const states = payRunDefinition.States as States;
    const catchers = states[step]?.Catch as { Next: string }[];
    const catcher = catchers[0]?.Next as string;
    const chain = follow(states, catcher)
      .filter((s) => s.startsWith('Compensate'))
      .map((s) => s.replace('Compensate', ''));
    expect(chain).toEqual(compensationOrder(step));
    expect(chain.at(-1)).toBe(StepName.OpenRun);
  });

  it('records a failed compensation and halts: the older compensations are not run', () => {
    const states = payRunDefinition.States as States;
    for (const step of COMPENSABLE_STEPS) {
      const compensate = states[`Compensate${step}`] as { Catch: { Next: string }[]; Next: string };
      const recorder = states[compensate.Catch[0]?.Next as string] as { Next: string };
      expect(recorder.Next).toBe('FinishRollback');
    }
  });

  it('retries only transient errors on forward steps', () => {
    const retry = (payRunDefinition.States as States)[StepName.FundPayroll]?.Retry as {
      ErrorEquals: string[];
    }[];
    expect(retry.flatMap((r) => r.ErrorEquals)).not.toContain('States.ALL');
    expect(retry.flatMap((r) => r.ErrorEquals)).toContain('TransientError');
  });
});

describe('placeholders filled in per target', () => {
  const taskFunctions = (definition: object): string[] => {
    const names: string[] = [];
    JSON.stringify(definition, (key, value) => {
      if (key === 'FunctionName') names.push(value as string);
      return value;
    });
    return names;
  };

  it('names every function by a placeholder, never by a physical name', () => {
    for (const definition of [payRunDefinition, rollbackDefinition, paydayDefinition]) {
      const names = taskFunctions(definition);
      expect(names.length).toBeGreaterThan(0);
      for (const name of names) expect(name).toMatch(/^\$\{[A-Z][A-Za-z]+FunctionArn\}$/);
    }
    expect(taskFunctions(payRunDefinition)).toContain(functionArnPlaceholder(FunctionName.OpenRun));
  });

  it("reads CalculatePay's concurrency from the target's setting before OpenRun makes any effect", () => {
    const states = payRunDefinition.States as States;
    expect(payRunDefinition.StartAt).not.toBe(StepName.OpenRun);
    expect(states[payRunDefinition.StartAt]).toMatchObject({ Type: 'Pass', Next: StepName.OpenRun });
    expect(JSON.stringify(states[payRunDefinition.StartAt])).toContain(
      settingPlaceholder(DefinitionSetting.CalculatePayMaxConcurrency),
    );
    expect(states[StepName.CalculatePay]).toHaveProperty('MaxConcurrencyPath');
    expect(states[StepName.CalculatePay]).not.toHaveProperty('MaxConcurrency');
  });
});

describe('payday state machine definition', () => {
  const states = paydayDefinition.States as States;

  it('plans, fans out over the due employers, and reports', () => {
    expect(follow(states, paydayDefinition.StartAt)).toEqual(['PlanPayday', 'StartDueRuns', 'ReportPayday']);
    expect(states.ReportPayday).toMatchObject({ End: true, OutputPath: '$.value' });
  });

  it('starts each employer in a distributed Map of EXPRESS children fed by ItemsPath (no ItemReader)', () => {
    const map = states.StartDueRuns as {
      ItemsPath: string;
      ItemProcessor: { ProcessorConfig: unknown; States: States; StartAt: string };
    };
    expect(map).toMatchObject({ Type: 'Map', ItemsPath: '$.plan.value.due', ResultPath: '$.results' });
    expect(map).not.toHaveProperty('ItemReader');
    expect(map.ItemProcessor.ProcessorConfig).toEqual({ Mode: 'DISTRIBUTED', ExecutionType: 'EXPRESS' });
    const start = map.ItemProcessor.States[map.ItemProcessor.StartAt] as Record<string, unknown>;
    expect(JSON.stringify(start)).toContain(functionArnPlaceholder(FunctionName.StartScheduledRun));
  });

  it("catches one employer's failure inside its iteration as { employerId, error, cause }", () => {
    const { States: inner } = (states.StartDueRuns as { ItemProcessor: { States: States } }).ItemProcessor;
    const start = inner.StartRegularRun as {
      Catch: { ErrorEquals: string[]; Next: string }[];
      Retry: { ErrorEquals: string[] }[];
    };
    expect(start.Catch).toEqual([
      expect.objectContaining({ ErrorEquals: ['States.ALL'], Next: 'StartFailed' }),
    ]);
    expect(inner.StartFailed).toMatchObject({
      Type: 'Pass',
      End: true,
      Parameters: {
        'employerId.$': '$.employerId',
        'error.$': '$.failure.Error',
        'cause.$': '$.failure.Cause',
      },
    });
    // A start is retried on transient errors only: a refused start is reported, not repeated.
    expect(start.Retry.flatMap((r) => r.ErrorEquals)).not.toContain('States.ALL');
  });
});
