/**
 * Fault injection for the local target only. The plan lives in the data folder (faults.json) and
 * is applied by wrapping the handlers the local host registers — the production handlers and
 * their inputs never see it.
 */
import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { BadInputError, OperationFailedError } from '../../core/errors.js';
import { FunctionName } from '../../core/saga/functions.js';
import type { AchFileKind } from '../../core/saga/records.js';
import { FORWARD_STEPS, type StepName } from '../../core/saga/steps.js';
import type { InsideGuard } from '../lambda/idempotency.js';
import type { LambdaHandler } from '../resources.js';
import { writeFileAtomic } from './atomicFile.js';

export const FaultMode = {
  FailBefore: 'fail-before',
  FailAfter: 'fail-after',
  FailCompensation: 'fail-compensation',
  /**
   * Holds the step inside its idempotency guard (record INPROGRESS, effect not made) until the
   * fault is cleared or the host dies: how a crashed invocation leaves a step.
   */
  Hang: 'hang',
  Reject: 'reject',
  Timeout: 'timeout',
  /**
   * The bank transmits a REVERSAL file and the receiving bank of its first entry (lowest employee
   * id) returns it (R01): a partial reversal. Credit files transmit normally.
   */
  Return: 'return',
} as const;
export type FaultMode = (typeof FaultMode)[keyof typeof FaultMode];

export const BANK = 'bank';
export type FaultTarget = StepName | typeof BANK;
export type FaultPlan = Readonly<Partial<Record<FaultTarget, FaultMode>>>;

const STEP_MODES: readonly FaultMode[] = [
  FaultMode.FailBefore,
  FaultMode.FailAfter,
  FaultMode.FailCompensation,
  FaultMode.Hang,
];
const BANK_MODES: readonly FaultMode[] = [FaultMode.Reject, FaultMode.Timeout, FaultMode.Return];

export function faultsPath(home: string): string {
  return join(home, 'faults.json');
}

/** Parses `STEP=MODE` assignments; every mistake names the assignment and what is accepted. */
export function parseFaultAssignments(assignments: readonly string[]): FaultPlan {
  const plan: Partial<Record<FaultTarget, FaultMode>> = {};
  for (const assignment of assignments) {
    // The target ends at the first '='; everything after it is the mode, judged on its own.
    const equals = assignment.indexOf('=');
    const target = equals < 0 ? assignment : assignment.slice(0, equals);
    const mode = equals < 0 ? undefined : assignment.slice(equals + 1);
    const isStep = (FORWARD_STEPS as readonly string[]).includes(target);
    if (!isStep && target !== BANK) {
      throw new BadInputError(
        'BAD_FAULT_TARGET',
        `Fault ${assignment}: ${target || '(empty)'} is not a step; use one of ${[...FORWARD_STEPS, BANK].join(', ')} as STEP=MODE.`,
      );
    }
    const allowed = isStep ? STEP_MODES : BANK_MODES;
    if (mode === undefined || !(allowed as readonly string[]).includes(mode)) {
      const given = mode === undefined ? 'no mode' : mode === '' ? 'an empty mode' : `mode ${mode}`;
      throw new BadInputError(
        'BAD_FAULT_MODE',
        `Fault ${assignment}: ${given} is not a fault mode for ${target}; use one of ${allowed.join(', ')} (e.g. ${target}=${allowed[0]}).`,
      );
    }
    plan[target as FaultTarget] = mode as FaultMode;
  }
  return plan;
}

export function writeFaults(home: string, plan: FaultPlan): void {
  writeFileAtomic(faultsPath(home), `${JSON.stringify(plan, null, 2)}\n`);
}

export function clearFaults(home: string): void {
  rmSync(faultsPath(home), { force: true });
}

export function readFaults(home: string): FaultPlan {
  const path = faultsPath(home);
  if (!existsSync(path)) return {};
  return JSON.parse(readFileSync(path, 'utf8')) as FaultPlan;
}

/** Re-reads the plan only when the file changed, so every invocation sees `faults set` at once. */
function faultReader(home: string): () => FaultPlan {
  let cached: FaultPlan = {};
  let stamp = '';
  return () => {
    const path = faultsPath(home);
    const next = existsSync(path) ? String(statSync(path).mtimeMs) : '';
    if (next !== stamp) {
      stamp = next;
      cached = next ? readFaults(home) : {};
    }
    return cached;
  };
}

const STEP_OF_FUNCTION: Readonly<Record<string, StepName>> = {
  [FunctionName.OpenRun]: 'OpenRun',
  [FunctionName.CalculatePayChunk]: 'CalculatePay',
  [FunctionName.FundPayroll]: 'FundPayroll',
  [FunctionName.PostLedger]: 'PostLedger',
  [FunctionName.Disburse]: 'Disburse',
  [FunctionName.PublishPayslips]: 'PublishPayslips',
  [FunctionName.CloseRun]: 'CloseRun',
};

function injected(what: string): OperationFailedError {
  return new OperationFailedError('INJECTED_FAULT', `Injected fault: ${what}.`);
}

type AchMessageRef = { messageId: string; runId: string; kind: AchFileKind };

export interface BankFaultActions {
  reject(message: AchMessageRef, reason: string): Promise<void>;
  /** Transmits the file with its first entry returned by the receiving bank (one write). */
  transmitReturningFirst(message: AchMessageRef, code: string): Promise<void>;
}

export function withFaults(
  home: string,
  handlers: Readonly<Record<string, LambdaHandler>>,
  bank: BankFaultActions,
): Record<string, LambdaHandler> {
  const plan = faultReader(home);
  const wrapped: Record<string, LambdaHandler> = { ...handlers };
  for (const [functionName, step] of Object.entries(STEP_OF_FUNCTION)) {
    const handler = handlers[functionName];
    if (!handler) continue;
    wrapped[functionName] = async (event, context) => {
      const mode = plan()[step];
      if (mode === FaultMode.FailBefore) throw injected(`${step} failed before its effect`);
      const result = await handler(event, context);
      if (mode === FaultMode.FailAfter) throw injected(`${step} failed after its effect`);
      return result;
    };
  }
  const compensate = handlers[FunctionName.Compensate];
  if (compensate) {
    wrapped[FunctionName.Compensate] = async (event, context) => {
      const step = (event as { step: StepName }).step;
      if (plan()[step] === FaultMode.FailCompensation) throw injected(`compensation of ${step} failed`);
      return compensate(event, context);
    };
  }
  const gateway = handlers[FunctionName.BankGateway];
  if (gateway) {
    wrapped[FunctionName.BankGateway] = async (event, context) => {
      const mode = plan()[BANK];
      if (mode === undefined) return gateway(event, context);
      const records = (event as { Records: { body: string }[] }).Records;
      if (mode === FaultMode.Return) {
        const reversals = records.filter((r) => (JSON.parse(r.body) as AchMessageRef).kind === 'REVERSAL');
        if (reversals.length === 0) return gateway(event, context);
        for (const record of reversals)
          await bank.transmitReturningFirst(JSON.parse(record.body) as AchMessageRef, 'R01');
        return { batchItemFailures: [] };
      }
      for (const record of records) {
        const message = JSON.parse(record.body) as AchMessageRef;
        // A timed-out bank never answers: the message is consumed and the file stays PENDING.
        if (mode === FaultMode.Reject) await bank.reject(message, 'R01 injected rejection by the bank');
      }
      return { batchItemFailures: [] };
    };
  }
  return wrapped;
}

const HANG_POLL_MS = 100;

/**
 * The `hang` fault, run inside the idempotency guard of every step (the wrappers above sit outside
 * it): while the plan says `STEP=hang`, the step's invocation waits with its record INPROGRESS.
 */
export function faultGuard(home: string): InsideGuard {
  const plan = faultReader(home);
  return async (step) => {
    while (plan()[step as FaultTarget] === FaultMode.Hang) await sleep(HANG_POLL_MS);
  };
}
