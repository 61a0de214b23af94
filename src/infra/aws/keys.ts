/**
 * Key patterns of the data table (docs/data-model.md lists them all). Numbers in sort keys are
 * zero-padded so that lexical order is numeric order.
 */
import { BadInputError } from '../../core/errors.js';
import type { AchFileKind, FundingKind } from '../../core/saga/records.js';

export interface ItemKey {
  readonly pk: string;
  readonly sk: string;
  readonly [attribute: string]: string;
}

const pad = (value: number, width: number): string => String(value).padStart(width, '0');

export const employerPk = (employerId: string): string => `EMPLOYER#${employerId}`;
export const runPk = (runId: string): string => `RUN#${runId}`;

export const EMPLOYEE_PREFIX = 'EMPLOYEE#';
export const TIMESHEET_PREFIX = 'TIMESHEET#';
export const PAYMENT_PREFIX = 'PAYMENT#';
export const CHUNK_PREFIX = 'CHUNK#';
export const CHUNK_RESULT_PREFIX = 'CHUNKRESULT#';
export const PAYSLIP_PREFIX = 'PAYSLIP#';
export const JOURNAL_PREFIX = 'JOURNAL#';
export const DELIVERY_PREFIX = 'DELIVERY#';
export const AUDIT_PREFIX = 'AUDIT#';
export const REGULAR_RUN_PREFIX = 'REGULAR#';
export const SCHEDULES_PK = 'SCHEDULES';
export const SCHEDULE_PREFIX = 'SCHEDULE#';
export const ytdPrefix = (taxYear: number): string => `YTD#${taxYear}#`;

export const keys = {
  employer: (employerId: string): ItemKey => ({ pk: employerPk(employerId), sk: 'PROFILE' }),
  /** The roster's current version (dynamoRosterStore.ts). */
  roster: (employerId: string): ItemKey => ({ pk: employerPk(employerId), sk: 'ROSTER' }),
  /** An employee in one version of the roster; `version` '' is a roster from before versions. */
  employee: (employerId: string, version: string, employeeId: string): ItemKey => ({
    pk: employerPk(employerId),
    sk: version === '' ? `${EMPLOYEE_PREFIX}${employeeId}` : `${EMPLOYEE_PREFIX}${version}#${employeeId}`,
  }),
  ytd: (employerId: string, taxYear: number, employeeId: string): ItemKey => ({
    pk: employerPk(employerId),
    sk: `${ytdPrefix(taxYear)}${employeeId}`,
  }),
  run: (runId: string): ItemKey => ({ pk: runPk(runId), sk: 'RUN' }),
  /** An employer's regular runs by period end (latest last): the payday's last period paid. */
  regularRun: (employerId: string, periodEnd: string, runId: string): ItemKey => ({
    pk: employerPk(employerId),
    sk: `${REGULAR_RUN_PREFIX}${periodEnd}#${runId}`,
  }),
  /** Every pay schedule under one partition: `schedule list` and the payday read them in one Query. */
  schedule: (employerId: string): ItemKey => ({ pk: SCHEDULES_PK, sk: `${SCHEDULE_PREFIX}${employerId}` }),
  lock: (lockKey: string): ItemKey => ({ pk: `LOCK#${lockKey}`, sk: 'LOCK' }),
  chunk: (runId: string, chunkIndex: number): ItemKey => ({
    pk: runPk(runId),
    sk: `${CHUNK_PREFIX}${pad(chunkIndex, 5)}`,
  }),
  chunkResult: (runId: string, chunkIndex: number): ItemKey => ({
    pk: runPk(runId),
    sk: `${CHUNK_RESULT_PREFIX}${pad(chunkIndex, 5)}`,
  }),
  payslip: (runId: string, employeeId: string): ItemKey => ({
    pk: runPk(runId),
    sk: `${PAYSLIP_PREFIX}${employeeId}`,
  }),
  funding: (runId: string, kind: FundingKind): ItemKey => ({ pk: runPk(runId), sk: `FUNDING#${kind}` }),
  journal: (runId: string, journalId: string): ItemKey => ({
    pk: runPk(runId),
    sk: `${JOURNAL_PREFIX}${journalId}`,
  }),
  achFile: (runId: string, kind: AchFileKind): ItemKey => ({ pk: runPk(runId), sk: `ACH#${kind}` }),
  delivery: (runId: string, chunkIndex: number): ItemKey => ({
    pk: runPk(runId),
    sk: `${DELIVERY_PREFIX}${pad(chunkIndex, 5)}`,
  }),
  outbox: (messageId: string): ItemKey => ({
    pk: runPk(runIdOfMessage(messageId)),
    sk: `OUTBOX#${messageId}`,
  }),
  audit: (at: string, id: string): ItemKey => ({ pk: 'AUDIT', sk: `${at}#${id}` }),
  runAudit: (runId: string, at: string, id: string): ItemKey => ({
    pk: runPk(runId),
    sk: `${AUDIT_PREFIX}${at}#${id}`,
  }),
} as const;

/** Partition and sort keys of the sparse index `gsi1`. */
export const gsi1 = {
  /** Every run, newest first by `<startedAt>#<runId>`. */
  runs: 'RUNS',
  runSort: (startedAt: string, runId: string): string => `${startedAt}#${runId}`,
  /** Outbox messages not yet consumed: the attribute is removed when the message is done. */
  outboxPending: 'OUTBOX#PENDING',
  outboxSort: (createdAt: string, messageId: string): string => `${createdAt}#${messageId}`,
} as const;

/**
 * Outbox message ids start with their run id and a `#` (`<runId>#ach#CREDIT`), so `markDone`,
 * which gets only the id, can find the record under its run. Run ids never contain `#`.
 */
export function runIdOfMessage(messageId: string): string {
  const cut = messageId.indexOf('#');
  if (cut <= 0) {
    throw new BadInputError(
      'OUTBOX_MESSAGE_ID_INVALID',
      `Outbox message id "${messageId}" must start with its run id and "#", e.g. "<runId>#ach#CREDIT".`,
    );
  }
  return messageId.slice(0, cut);
}
