/** Deterministic names: a run id is also its Step Functions execution name and its lock owner. */
import type { PayPeriod } from '../period.js';
import { RunType } from './records.js';

const UNSAFE = /[^A-Za-z0-9_-]/g;

/** Step Functions execution names allow 80 characters of [A-Za-z0-9-_]. */
export function periodToken(period: PayPeriod): string {
  return period.id.replace('..', '_').replace(UNSAFE, '-');
}

export function regularRunId(employerId: string, period: PayPeriod, attempt = 1): string {
  const base = `${employerId}-${periodToken(period)}-regular`;
  return attempt <= 1 ? base : `${base}-r${attempt}`;
}

export function offCycleRunId(employerId: string, period: PayPeriod, n: number): string {
  return `${employerId}-${periodToken(period)}-offcycle-${n}`;
}

/** Only regular runs take the period lock: off-cycle runs (bonuses, corrections) may share a period. */
export function periodLockKey(employerId: string, period: PayPeriod, runType: RunType): string | undefined {
  return runType === RunType.Regular ? `${employerId}#${period.id}#regular` : undefined;
}
