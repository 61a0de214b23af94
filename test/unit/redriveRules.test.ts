/** When `payroll-ops redrive RUN` restarts an execution, and what the run must end as. */
import { describe, expect, it } from 'vitest';
import { decideRedrive } from '../../src/core/redriveRules.js';

describe('redrive', () => {
  it('restarts a failed or stopped execution of an unfinished run, expecting it to complete', () => {
    expect(decideRedrive('r', 'RUNNING', 'FAILED')).toEqual({ kind: 'redrive', expect: 'COMPLETED' });
    expect(decideRedrive('r', 'RUNNING', 'ABORTED')).toEqual({ kind: 'redrive', expect: 'COMPLETED' });
    expect(decideRedrive('r', 'ROLLING_BACK', 'TIMED_OUT')).toEqual({
      kind: 'redrive',
      expect: 'ROLLED_BACK',
    });
  });

  it('refuses a running or finished execution, and points a half-compensated run at rollback', () => {
    expect(decideRedrive('r', 'RUNNING', 'RUNNING')).toMatchObject({
      kind: 'refused',
      code: 'EXECUTION_RUNNING',
    });
    expect(decideRedrive('r', 'COMPLETED', 'SUCCEEDED')).toMatchObject({
      kind: 'refused',
      code: 'EXECUTION_SUCCEEDED',
    });
    expect(decideRedrive('r', 'ROLLED_BACK', 'FAILED')).toMatchObject({ code: 'RUN_ROLLED_BACK' });
    const compensation = decideRedrive('r', 'COMPENSATION_FAILED', 'FAILED');
    expect(compensation).toMatchObject({ code: 'RUN_COMPENSATION_FAILED' });
    expect(compensation.kind === 'refused' && compensation.reason).toMatch(/payroll-ops rollback r/);
  });
});
