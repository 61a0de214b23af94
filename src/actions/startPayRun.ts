/**
 * Starting a pay run, as the CLI's `run`, the off-cycle HTTP API and the payday machine all do:
 * the request is checked against the stored roster exactly as the saga will compute it (bad
 * input fails here, before any lock or record), the run is started (one open run per employer,
 * FAILED_TO_START on a failed start), and an audit record says who asked for it and why.
 */

import { createHash } from 'node:crypto';
import { BadInputError, OperationFailedError, TransientError } from '../core/errors.js';
import type { OffCyclePayment } from '../core/offCyclePayments.js';
import type { PayPeriod } from '../core/period.js';
import type { AuditStore, ExecutionPort, RequestGuard, SagaPorts } from '../core/ports.js';
import type { Timesheet } from '../core/roster.js';
import type { PayRunPreview } from '../core/saga/preview.js';
import { RunType } from '../core/saga/records.js';
import {
  basisOf,
  checkStartLimits,
  periodRefusal,
  type StartedRun,
  startRun,
} from '../core/saga/startRun.js';
import { RunStatus } from '../core/saga/steps.js';
import { validateRun } from '../core/saga/validateRun.js';

export interface PayRunRequest {
  readonly employerId: string;
  readonly period: PayPeriod;
  readonly runType: RunType;
  readonly reason?: string;
  readonly timesheets?: ReadonlyMap<string, Timesheet>;
  /** Off-cycle runs: exactly what they pay. */
  readonly payments?: readonly OffCyclePayment[];
}

export type StartPayRunPorts = SagaPorts & {
  readonly audit: AuditStore;
  readonly executions: ExecutionPort;
  /** Where idempotency keys are kept; needed only when a request carries one. */
  readonly requests?: RequestGuard;
};

/** Idempotency keys: printable ASCII without spaces, as HTTP headers carry them. */
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

export function checkIdempotencyKey(key: string, source: string): string {
  if (!IDEMPOTENCY_KEY.test(key)) {
    throw new BadInputError(
      'BAD_IDEMPOTENCY_KEY',
      `${source} must be 1 to 255 printable characters without spaces (a UUID is a good key).`,
    );
  }
  return key;
}

/** What makes two requests the same request: everything that decides what is paid, and who asked. */
function requestIdentity(request: PayRunRequest, requester: Requester) {
  return {
    employerId: request.employerId,
    period: request.period.id,
    payDate: request.period.payDate,
    runType: request.runType,
    reason: request.reason ?? null,
    requestedBy: requester.requestedBy,
    payments: (request.payments ?? []).map((p) => [p.employeeId, p.kind, p.amount]).sort(),
    timesheets: [...(request.timesheets?.values() ?? [])]
      .map((t) => [t.employeeId, t.regularHundredths, t.overtimeHundredths])
      .sort(),
  };
}

export interface Requester {
  /** Who asked, as recorded on the run (an OS user, `api:<system>`, `schedule`). */
  readonly requestedBy: string;
  /** Who the audit trail names: the OS user on the local target, the caller's identity on AWS. */
  readonly actor: string;
}

function paymentsByEmployee(payments: readonly OffCyclePayment[]): Map<string, OffCyclePayment[]> {
  const byEmployee = new Map<string, OffCyclePayment[]>();
  for (const payment of payments)
    byEmployee.set(payment.employeeId, [...(byEmployee.get(payment.employeeId) ?? []), payment]);
  return byEmployee;
}

/** What the run would pay, computed from the store exactly as CalculatePay will; starts nothing. */
export function previewPayRun(
  ports: Pick<SagaPorts, 'roster' | 'ytd'>,
  request: PayRunRequest,
): Promise<PayRunPreview> {
  const basis = basisOf(request);
  return validateRun(ports, {
    employerId: request.employerId,
    period: request.period,
    runType: request.runType,
    ...(basis ? { basis } : {}),
    ...(request.timesheets ? { timesheets: request.timesheets } : {}),
    ...(request.payments ? { payments: paymentsByEmployee(request.payments) } : {}),
  });
}

/**
 * `run --dry-run`: the preview, or — for a regular period already paid, or overlapping one that
 * is — the refusal the real run would meet (exit 1, as the run's). Writes nothing either way.
 */
export async function dryRunPayRun(
  ports: Pick<SagaPorts, 'roster' | 'ytd' | 'runs' | 'locks'>,
  request: PayRunRequest,
): Promise<PayRunPreview> {
  const refusal = await periodRefusal(ports, request);
  if (refusal) throw refusal;
  return previewPayRun(ports, request);
}

/** Attempts at the start's audit record before the start is reported as unaudited. */
const AUDIT_ATTEMPTS = 3;

/** A started run, and whether its audit record was written. */
type Outcome = StartedRun & { readonly audited: boolean };

/**
 * Starts the run; with an idempotency key, at most once per key: a repeat of the same request
 * (a retry after a timeout, the same request sent twice at once) gets the same run back.
 * Once the run has started, nothing may free the key again (a failed call does, in Powertools):
 * a retry would start a second run and pay twice. So the audit record is written inside the
 * guarded call without failing it; a start left unaudited is reported as an error, and a retry
 * with the same key gets the same run back and writes the missing record.
 */
export async function startPayRun(
  ports: StartPayRunPorts,
  request: PayRunRequest,
  requester: Requester,
  idempotencyKey?: string,
): Promise<StartedRun> {
  let outcome: Outcome;
  if (idempotencyKey === undefined) outcome = await start(ports, request, requester);
  else {
    if (!ports.requests) {
      throw new OperationFailedError('NO_REQUEST_GUARD', 'This backend keeps no idempotency keys.');
    }
    const identity = requestIdentity(request, requester);
    outcome = await ports.requests.once(idempotencyKey, identity, () =>
      start(ports, request, requester, requestKeyOf(idempotencyKey, identity)),
    );
  }
  const { audited, ...started } = outcome;
  if (!audited) await auditLate(ports, request, requester, started);
  return started;
}

async function start(
  ports: StartPayRunPorts,
  request: PayRunRequest,
  requester: Requester,
  requestKey?: string,
): Promise<Outcome> {
  // The guard ran this again although a run may have started for the key: the first attempt died
  // after the start, before the guard kept its result. That run is the answer; no second one.
  if (requestKey !== undefined) {
    const earlier = await runStartedFor(ports, request.employerId, requestKey);
    if (earlier) return { ...earlier, audited: false };
  }
  const command = {
    employerId: request.employerId,
    period: request.period,
    runType: request.runType,
    ...(request.reason ? { reason: request.reason } : {}),
    requestedBy: requester.requestedBy,
    ...(request.timesheets ? { timesheets: [...request.timesheets.values()] } : {}),
    ...(request.payments ? { payments: request.payments } : {}),
    ...(requestKey !== undefined ? { requestKey } : {}),
  };
  // The same limits and basis rules as the start, before the store is read.
  checkStartLimits(command);
  basisOf(command);
  await previewPayRun(ports, request);
  const started = await startRun(ports, command);
  for (let attempt = 1; attempt <= AUDIT_ATTEMPTS; attempt++) {
    try {
      await ports.audit.record(startAudit(ports, request, requester, started.runId));
      return { ...started, audited: true };
    } catch {
      // Tried again below, and by auditLate; the run has started either way.
    }
  }
  return { ...started, audited: false };
}

/** Runs of one employer a retry is looked for among: retries come within the key's day. */
const RECENT_RUNS = 100;
/** As long as the guard keeps a key: a key used again later is a new request. */
const KEY_KEPT_MS = 24 * 3600 * 1000;

/** The key with a digest of the request: the same key sent with another request matches no run. */
function requestKeyOf(key: string, identity: unknown): string {
  return `${key}#${createHash('sha256').update(JSON.stringify(identity)).digest('hex').slice(0, 32)}`;
}

/** The run an earlier attempt of this request started (not one that failed to start), if any. */
async function runStartedFor(
  ports: StartPayRunPorts,
  employerId: string,
  requestKey: string,
): Promise<StartedRun | undefined> {
  const runs = await ports.runs.listRuns({ employerId, limit: RECENT_RUNS });
  const since = new Date(Date.parse(ports.clock.now()) - KEY_KEPT_MS).toISOString();
  const run = runs.find(
    (r) => r.requestKey === requestKey && r.startedAt >= since && r.status !== RunStatus.FailedToStart,
  );
  if (!run) return undefined;
  if (run.executionArn === undefined) {
    throw new TransientError(
      'REQUEST_IN_PROGRESS',
      `Run ${run.runId} was started for this idempotency key and its start has not settled yet; send the same request again shortly (payroll-ops status ${run.runId}).`,
    );
  }
  return { runId: run.runId, executionArn: run.executionArn };
}

function startAudit(ports: StartPayRunPorts, request: PayRunRequest, requester: Requester, runId: string) {
  return {
    at: ports.clock.now(),
    actor: requester.actor,
    action: request.runType === RunType.OffCycle ? 'run.start-off-cycle' : 'run.start',
    runId,
    ...(request.reason ? { reason: request.reason } : {}),
    details: {
      period: request.period.id,
      employer: request.employerId,
      requestedBy: requester.requestedBy,
      ...(request.payments ? { payments: request.payments.length } : {}),
    },
  };
}

/** Writes a started run's missing audit record (unless a retry wrote it meanwhile), or says so. */
async function auditLate(
  ports: StartPayRunPorts,
  request: PayRunRequest,
  requester: Requester,
  started: StartedRun,
): Promise<void> {
  const entry = startAudit(ports, request, requester, started.runId);
  try {
    const existing = await ports.audit.list({ runId: started.runId, limit: 100 });
    if (!existing.some((record) => record.action === entry.action)) await ports.audit.record(entry);
  } catch (error) {
    throw new OperationFailedError(
      'START_NOT_AUDITED',
      `Run ${started.runId} was started, but its audit record could not be written (${error instanceof Error ? error.message : String(error)}); the run goes on, so do not start it again; the same request with the same idempotency key returns this run and writes the record.`,
      { cause: error },
    );
  }
}
