/**
 * The narrow interfaces the saga steps and commands need. Adapters in src/infra implement them
 * (DynamoDB and SQS on AWS and on the embedded stack); unit tests pass in-memory fakes.
 * Every write that must happen once is conditional in the adapter and reports what it found.
 */
import type { Journal } from './ledger.js';
import type { OffCyclePayment } from './offCyclePayments.js';
import type { PaySchedule } from './paySchedule.js';
import type { Employee, Timesheet, YtdBalances } from './roster.js';
import type {
  AchFileKind,
  AchFileRecord,
  AchStatus,
  ChunkResult,
  ChunkSnapshot,
  CompensationRecord,
  Employer,
  FundingKind,
  FundingMovement,
  OutboxMessage,
  PayslipRecord,
  PayslipStatus,
  RunRecord,
  StepRecord,
} from './saga/records.js';
import type { RunStatus, StepName } from './saga/steps.js';
import type { YtdEntry } from './ytd.js';

export interface Clock {
  /** ISO 8601 timestamp. */
  now(): string;
}

/** The outcome of a write that must happen at most once. */
export type OnceResult = 'written' | 'already-written';

export type RunPatch = Partial<
  Pick<
    RunRecord,
    | 'status'
    | 'endedAt'
    | 'executionArn'
    | 'taxTablesVersion'
    | 'employees'
    | 'chunkCount'
    | 'totals'
    | 'failure'
    | 'artifacts'
  >
>;

export interface RunStore {
  getRun(runId: string): Promise<RunRecord | undefined>;
  createRun(run: RunRecord): Promise<OnceResult>;
  updateRun(runId: string, patch: RunPatch): Promise<void>;
  /** Applies `patch` only while the run's status is one of `from`; false (nothing written) otherwise. */
  transitionRun(runId: string, from: readonly RunStatus[], patch: RunPatch): Promise<boolean>;
  recordStep(runId: string, step: StepName, record: StepRecord): Promise<void>;
  recordCompensation(runId: string, record: CompensationRecord): Promise<void>;
  listRuns(options: { readonly employerId?: string; readonly limit: number }): Promise<readonly RunRecord[]>;
  /**
   * An employer's regular runs, latest period first (by the period's end; a period's attempts
   * together), at most `limit`: what the payday machine reads to know the last period paid.
   */
  listRegularRuns(employerId: string, options: { readonly limit: number }): Promise<readonly RunRecord[]>;
}

/** Who holds a lock, and since when (ISO 8601). */
export interface LockHolder {
  readonly holder: string;
  readonly acquiredAt: string;
}

export interface PeriodLockStore {
  /**
   * Takes the lock for `runId`, or returns the run that holds it. Re-acquiring one's own lock
   * succeeds; `replacing` takes over a lock its holder no longer needs (a closed run).
   */
  acquire(lockKey: string, runId: string, replacing?: string): Promise<LockHolder>;
  /** Releases the lock if `runId` holds it; returns whether it did. */
  release(lockKey: string, runId: string): Promise<boolean>;
  holder(lockKey: string): Promise<string | undefined>;
}

export interface RosterStore {
  getEmployer(employerId: string): Promise<Employer | undefined>;
  putEmployer(employer: Employer): Promise<void>;
  /** The employer's roster as one import left it (never half of one). */
  listEmployees(employerId: string): Promise<readonly Employee[]>;
  getEmployee(employerId: string, employeeId: string): Promise<Employee | undefined>;
  /**
   * Adds or replaces employees by id, all or nothing: afterwards the roster is the old one or the
   * old one merged with all of `employees`.
   */
  upsertEmployees(
    employerId: string,
    employees: readonly Employee[],
  ): Promise<{ readonly created: number; readonly updated: number }>;
}

/**
 * Year-to-date balances as a ledger (src/core/ytd.ts). Each update is atomic per employee and
 * idempotent per run: the entry keeps the ids of the runs applied to it, and adding a run that is
 * there already (or taking out one that is not) changes nothing.
 */
export interface YtdLedger {
  /** The employer's entries for a tax year, by employee id. */
  entries(employerId: string, taxYear: number): Promise<ReadonlyMap<string, YtdEntry>>;
  entry(employerId: string, employeeId: string, taxYear: number): Promise<YtdEntry | undefined>;
  /** Adds each employee's amounts for `runId` once; returns how many entries changed now. */
  apply(
    employerId: string,
    taxYear: number,
    runId: string,
    contributions: ReadonlyMap<string, YtdBalances>,
  ): Promise<number>;
  /** Takes each employee's amounts for `runId` out once; returns how many entries changed now. */
  unapply(
    employerId: string,
    taxYear: number,
    runId: string,
    contributions: ReadonlyMap<string, YtdBalances>,
  ): Promise<number>;
}

export interface TimesheetStore {
  putTimesheets(runId: string, timesheets: readonly Timesheet[]): Promise<void>;
  getTimesheets(runId: string): Promise<ReadonlyMap<string, Timesheet>>;
}

/** An off-cycle run's payments, by employee (each employee at most one per kind). */
export interface PaymentStore {
  putPayments(runId: string, payments: readonly OffCyclePayment[]): Promise<void>;
  getPayments(runId: string): Promise<ReadonlyMap<string, readonly OffCyclePayment[]>>;
}

export interface ChunkStore {
  putChunks(chunks: readonly ChunkSnapshot[]): Promise<void>;
  getChunk(runId: string, chunkIndex: number): Promise<ChunkSnapshot | undefined>;
  putChunkResult(result: ChunkResult): Promise<void>;
  listChunkResults(runId: string): Promise<readonly ChunkResult[]>;
}

export interface PayslipStore {
  putPayslips(payslips: readonly PayslipRecord[]): Promise<void>;
  listPayslips(runId: string): Promise<readonly PayslipRecord[]>;
  /** Sets every payslip of the run to `status`; returns how many changed. */
  setPayslipStatus(runId: string, status: PayslipStatus): Promise<number>;
}

export interface FundingStore {
  getMovement(runId: string, kind: FundingKind): Promise<FundingMovement | undefined>;
  recordMovement(movement: FundingMovement): Promise<OnceResult>;
}

export interface LedgerStore {
  postJournal(journal: Journal): Promise<OnceResult>;
  listJournals(runId: string): Promise<readonly Journal[]>;
}

export type AchFilePatch = Partial<
  Pick<AchFileRecord, 'transmittedAt' | 'artifact' | 'rejectionReason' | 'entryCount' | 'attempt' | 'returns'>
>;

export interface AchStore {
  getAchFile(runId: string, kind: AchFileKind): Promise<AchFileRecord | undefined>;
  createAchFile(file: AchFileRecord): Promise<OnceResult>;
  /** Moves the file to `to` only from one of `from`; returns the record as it is afterwards. */
  transitionAchFile(
    runId: string,
    kind: AchFileKind,
    from: readonly AchStatus[],
    to: AchStatus,
    patch?: AchFilePatch,
  ): Promise<AchFileRecord>;
}

export interface DeliveryStore {
  recordDelivery(
    runId: string,
    chunkIndex: number,
    status: 'DELIVERED' | 'RETRACTED',
    at: string,
  ): Promise<void>;
  listDeliveries(runId: string): Promise<readonly { readonly chunkIndex: number; readonly status: string }[]>;
}

/** Outbox: the message is recorded in the store before it is sent, so a lost queue loses nothing. */
export interface Outbox {
  publish(message: Omit<OutboxMessage, 'status'>): Promise<void>;
  markDone(messageId: string): Promise<void>;
  pending(): Promise<readonly OutboxMessage[]>;
}

export interface SagaPorts {
  readonly clock: Clock;
  readonly runs: RunStore;
  readonly locks: PeriodLockStore;
  readonly roster: RosterStore;
  readonly ytd: YtdLedger;
  readonly timesheets: TimesheetStore;
  readonly payments: PaymentStore;
  readonly chunks: ChunkStore;
  readonly payslips: PayslipStore;
  readonly funding: FundingStore;
  readonly ledger: LedgerStore;
  readonly ach: AchStore;
  readonly deliveries: DeliveryStore;
  readonly outbox: Outbox;
}

/** Starts and reads state machine executions (Step Functions on AWS and locally). */
export interface ExecutionPort {
  /** Starts the pay run named `name`; an existing execution of that name is a RUN_EXISTS failure. */
  startPayRun(name: string, input: unknown): Promise<{ readonly executionArn: string }>;
  startRollback(name: string, input: unknown): Promise<{ readonly executionArn: string }>;
  describe(executionArn: string): Promise<ExecutionSummary | undefined>;
  /** The pay-run execution named `name` (a run id), if it was ever started. */
  describePayRun(name: string): Promise<ExecutionSummary | undefined>;
  /** The rollback execution named `name` (`<runId>-rollback-<n>`), if it was ever started. */
  describeRollback(name: string): Promise<ExecutionSummary | undefined>;
  /** Stops a running execution (a stuck run before its rollback). */
  stop(executionArn: string, cause: string): Promise<void>;
  /** Restarts a failed execution from the state that failed. */
  redrive(executionArn: string): Promise<void>;
}

export const ExecutionStatus = {
  Running: 'RUNNING',
  Succeeded: 'SUCCEEDED',
  Failed: 'FAILED',
  TimedOut: 'TIMED_OUT',
  Aborted: 'ABORTED',
  PendingRedrive: 'PENDING_REDRIVE',
} as const;
export type ExecutionStatus = (typeof ExecutionStatus)[keyof typeof ExecutionStatus];

export interface ExecutionSummary {
  readonly executionArn: string;
  readonly status: ExecutionStatus;
  readonly error?: string;
  readonly cause?: string;
  readonly redriveCount: number;
}

/** Pay schedules, one per employer: what `payroll-ops schedule` writes and the payday machine reads. */
export interface ScheduleStore {
  get(employerId: string): Promise<PaySchedule | undefined>;
  /** Creates or replaces the employer's schedule. */
  put(schedule: PaySchedule): Promise<void>;
  /** Removes it; whether there was one. */
  remove(employerId: string): Promise<boolean>;
  /** Every schedule, by employer id. */
  list(): Promise<readonly PaySchedule[]>;
}

/** The payday machine's executions: started by `schedule run-due` (and on AWS by the daily schedule). */
export interface PaydayExecutions {
  start(name: string, input: { readonly asOf: string }): Promise<{ readonly executionArn: string }>;
  /** Its status, and once it succeeded its output (JSON text). */
  describe(executionArn: string): Promise<PaydayExecution>;
}

export interface PaydayExecution {
  readonly status: ExecutionStatus;
  readonly output?: string;
  readonly error?: string;
  readonly cause?: string;
}

/**
 * Makes a request that carries its caller's idempotency key happen once: the same key with the
 * same request gives the first answer (also to a request made at the same moment); the same key
 * with another request is refused (IDEMPOTENCY_KEY_REUSED). A request that fails is not kept, so
 * it can be tried again.
 */
export interface RequestGuard {
  once<T>(key: string, request: unknown, work: () => Promise<T>): Promise<T>;
}

/** An operator action worth keeping: who did what to which run, and why (`rollback --reason`, forced expiry). */
export interface AuditEntry {
  readonly at: string;
  readonly actor: string;
  readonly action: string;
  readonly runId?: string;
  readonly reason?: string;
  readonly details?: Readonly<Record<string, unknown>>;
}

export interface AuditRecord extends AuditEntry {
  readonly id: string;
}

/** Not part of SagaPorts: the saga records nothing here, the operator's commands do. */
export interface AuditStore {
  record(entry: AuditEntry): Promise<AuditRecord>;
  /** Newest first: all entries, or one run's. */
  list(options: { readonly runId?: string; readonly limit: number }): Promise<readonly AuditRecord[]>;
}
