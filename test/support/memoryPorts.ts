/**
 * In-memory fakes of every port, with the adapters' semantics: once-only writes report
 * 'already-written', a lock has one holder, ACH transitions only from the allowed statuses, the
 * outbox skips messages already done. Records are copied in and out, as a store would.
 */
import { BadInputError, OperationFailedError } from '../../src/core/errors.js';
import type { Journal } from '../../src/core/ledger.js';
import type { OffCyclePayment } from '../../src/core/offCyclePayments.js';
import type { PaySchedule } from '../../src/core/paySchedule.js';
import type {
  AchFilePatch,
  AchStore,
  AuditEntry,
  AuditRecord,
  AuditStore,
  ChunkStore,
  Clock,
  DeliveryStore,
  FundingStore,
  LedgerStore,
  LockHolder,
  OnceResult,
  Outbox,
  PaymentStore,
  PayslipStore,
  PeriodLockStore,
  RosterStore,
  RunPatch,
  RunStore,
  SagaPorts,
  ScheduleStore,
  TimesheetStore,
  YtdLedger,
} from '../../src/core/ports.js';
import type { Employee, Timesheet, YtdBalances } from '../../src/core/roster.js';
import {
  type AchFileKind,
  type AchFileRecord,
  type AchStatus,
  type ChunkResult,
  type ChunkSnapshot,
  type CompensationRecord,
  type Employer,
  type FundingKind,
  type FundingMovement,
  type OutboxMessage,
  type PayslipRecord,
  type PayslipStatus,
  type RunRecord,
  RunType,
  type StepRecord,
} from '../../src/core/saga/records.js';
import type { RunStatus, StepName } from '../../src/core/saga/steps.js';
import { addYtd, subtractYtd, type YtdEntry, ZERO_YTD } from '../../src/core/ytd.js';
import { runIdOfMessage } from '../../src/infra/aws/keys.js';

const copy = <T>(value: T): T => structuredClone(value);

export interface SettableClock extends Clock {
  set(iso: string): void;
}

/** A clock that says what the test tells it to. */
export function fixedClock(iso: string): SettableClock {
  let current = iso;
  return {
    now: () => current,
    set(next: string) {
      current = next;
    },
  };
}

function runNotFound(runId: string): OperationFailedError {
  return new OperationFailedError('RUN_NOT_FOUND', `Run ${runId} does not exist.`);
}

export class MemoryRunStore implements RunStore {
  readonly runs = new Map<string, RunRecord>();

  async getRun(runId: string): Promise<RunRecord | undefined> {
    const run = this.runs.get(runId);
    return run && copy(run);
  }

  async createRun(run: RunRecord): Promise<OnceResult> {
    if (this.runs.has(run.runId)) return 'already-written';
    this.runs.set(run.runId, copy(run));
    return 'written';
  }

  async updateRun(runId: string, patch: RunPatch): Promise<void> {
    const run = this.require(runId);
    const defined = Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined));
    this.runs.set(runId, { ...run, ...copy(defined) });
  }

  async transitionRun(runId: string, from: readonly RunStatus[], patch: RunPatch): Promise<boolean> {
    const run = this.runs.get(runId);
    if (!run || !from.includes(run.status)) return false;
    await this.updateRun(runId, patch);
    return true;
  }

  async recordStep(runId: string, step: StepName, record: StepRecord): Promise<void> {
    const run = this.require(runId);
    this.runs.set(runId, { ...run, steps: { ...run.steps, [step]: copy(record) } });
  }

  async recordCompensation(runId: string, record: CompensationRecord): Promise<void> {
    const run = this.require(runId);
    this.runs.set(runId, { ...run, compensations: [...run.compensations, copy(record)] });
  }

  async listRuns(options: {
    readonly employerId?: string;
    readonly limit: number;
  }): Promise<readonly RunRecord[]> {
    const sortKey = (run: RunRecord) => `${run.startedAt}#${run.runId}`;
    return [...this.runs.values()]
      .filter((run) => options.employerId === undefined || run.employerId === options.employerId)
      .sort((a, b) => (sortKey(a) < sortKey(b) ? 1 : sortKey(a) > sortKey(b) ? -1 : 0))
      .slice(0, options.limit)
      .map(copy);
  }

  async listRegularRuns(
    employerId: string,
    options: { readonly limit: number },
  ): Promise<readonly RunRecord[]> {
    const sortKey = (run: RunRecord) => `${run.period.end}#${run.runId}`;
    return [...this.runs.values()]
      .filter((run) => run.employerId === employerId && run.runType === RunType.Regular)
      .sort((a, b) => (sortKey(a) < sortKey(b) ? 1 : sortKey(a) > sortKey(b) ? -1 : 0))
      .slice(0, options.limit)
      .map(copy);
  }

  private require(runId: string): RunRecord {
    const run = this.runs.get(runId);
    if (!run) throw runNotFound(runId);
    return run;
  }
}

export class MemoryLockStore implements PeriodLockStore {
  readonly holders = new Map<string, string>();
  readonly since = new Map<string, string>();

  constructor(private readonly clock: Clock) {}

  async acquire(lockKey: string, runId: string, replacing?: string): Promise<LockHolder> {
    const holder = this.holders.get(lockKey);
    if (holder !== undefined && holder !== replacing && holder !== runId) {
      return { holder, acquiredAt: this.since.get(lockKey) ?? '' };
    }
    this.holders.set(lockKey, runId);
    this.since.set(lockKey, this.clock.now());
    return { holder: runId, acquiredAt: this.clock.now() };
  }

  async release(lockKey: string, runId: string): Promise<boolean> {
    if (this.holders.get(lockKey) !== runId) return false;
    this.holders.delete(lockKey);
    return true;
  }

  async holder(lockKey: string): Promise<string | undefined> {
    return this.holders.get(lockKey);
  }
}

export class MemoryRosterStore implements RosterStore {
  readonly employers = new Map<string, Employer>();
  /** employerId → employeeId → employee */
  readonly employees = new Map<string, Map<string, Employee>>();

  async getEmployee(employerId: string, employeeId: string): Promise<Employee | undefined> {
    const employee = this.employees.get(employerId)?.get(employeeId);
    return employee && copy(employee);
  }

  async getEmployer(employerId: string): Promise<Employer | undefined> {
    const employer = this.employers.get(employerId);
    return employer && copy(employer);
  }

  async putEmployer(employer: Employer): Promise<void> {
    this.employers.set(employer.employerId, copy(employer));
  }

  async listEmployees(employerId: string): Promise<readonly Employee[]> {
    const byId = this.employees.get(employerId) ?? new Map<string, Employee>();
    return [...byId.keys()].sort().map((id) => copy(byId.get(id)!));
  }

  async upsertEmployees(
    employerId: string,
    employees: readonly Employee[],
  ): Promise<{ readonly created: number; readonly updated: number }> {
    const byId = this.employees.get(employerId) ?? new Map<string, Employee>();
    this.employees.set(employerId, byId);
    const latest = new Map(employees.map((employee) => [employee.employeeId, employee]));
    let created = 0;
    for (const [id, employee] of latest) {
      if (!byId.has(id)) created++;
      byId.set(id, copy(employee));
    }
    return { created, updated: latest.size - created };
  }
}

/** The ledger's semantics: per employee and year, each run added once and taken out once. */
export class MemoryYtdLedger implements YtdLedger {
  /** `${employerId}#${taxYear}` → employeeId → entry */
  readonly years = new Map<string, Map<string, YtdEntry>>();

  async entries(employerId: string, taxYear: number): Promise<ReadonlyMap<string, YtdEntry>> {
    return copy(this.years.get(`${employerId}#${taxYear}`) ?? new Map<string, YtdEntry>());
  }

  async entry(employerId: string, employeeId: string, taxYear: number): Promise<YtdEntry | undefined> {
    const entry = this.years.get(`${employerId}#${taxYear}`)?.get(employeeId);
    return entry && copy(entry);
  }

  apply(employerId: string, taxYear: number, runId: string, contributions: ReadonlyMap<string, YtdBalances>) {
    return this.change(employerId, taxYear, runId, contributions, true);
  }

  unapply(
    employerId: string,
    taxYear: number,
    runId: string,
    contributions: ReadonlyMap<string, YtdBalances>,
  ) {
    return this.change(employerId, taxYear, runId, contributions, false);
  }

  private async change(
    employerId: string,
    taxYear: number,
    runId: string,
    contributions: ReadonlyMap<string, YtdBalances>,
    add: boolean,
  ): Promise<number> {
    const key = `${employerId}#${taxYear}`;
    const year = this.years.get(key) ?? new Map<string, YtdEntry>();
    this.years.set(key, year);
    let changed = 0;
    for (const [employeeId, amounts] of contributions) {
      const entry = year.get(employeeId) ?? { employeeId, taxYear, applied: ZERO_YTD, runs: [] };
      if (entry.runs.includes(runId) === add) continue;
      year.set(employeeId, {
        ...entry,
        applied: add ? addYtd(entry.applied, amounts) : subtractYtd(entry.applied, amounts),
        runs: add ? [...entry.runs, runId].sort() : entry.runs.filter((id) => id !== runId),
      });
      changed++;
    }
    return changed;
  }
}

export class MemoryTimesheetStore implements TimesheetStore {
  readonly byRun = new Map<string, Map<string, Timesheet>>();

  async putTimesheets(runId: string, timesheets: readonly Timesheet[]): Promise<void> {
    this.byRun.set(runId, new Map(timesheets.map((t) => [t.employeeId, copy(t)])));
  }

  async getTimesheets(runId: string): Promise<ReadonlyMap<string, Timesheet>> {
    return copy(this.byRun.get(runId) ?? new Map<string, Timesheet>());
  }
}

export class MemoryPaymentStore implements PaymentStore {
  readonly byRun = new Map<string, OffCyclePayment[]>();

  async putPayments(runId: string, payments: readonly OffCyclePayment[]): Promise<void> {
    this.byRun.set(runId, copy([...payments]));
  }

  async getPayments(runId: string): Promise<ReadonlyMap<string, readonly OffCyclePayment[]>> {
    const byEmployee = new Map<string, OffCyclePayment[]>();
    for (const payment of this.byRun.get(runId) ?? []) {
      byEmployee.set(payment.employeeId, [...(byEmployee.get(payment.employeeId) ?? []), copy(payment)]);
    }
    return byEmployee;
  }
}

export class MemoryChunkStore implements ChunkStore {
  readonly chunks = new Map<string, ChunkSnapshot>();
  readonly results = new Map<string, ChunkResult>();

  async putChunks(chunks: readonly ChunkSnapshot[]): Promise<void> {
    for (const chunk of chunks) this.chunks.set(`${chunk.runId}#${chunk.chunkIndex}`, copy(chunk));
  }

  async getChunk(runId: string, chunkIndex: number): Promise<ChunkSnapshot | undefined> {
    const chunk = this.chunks.get(`${runId}#${chunkIndex}`);
    return chunk && copy(chunk);
  }

  async putChunkResult(result: ChunkResult): Promise<void> {
    this.results.set(`${result.runId}#${result.chunkIndex}`, copy(result));
  }

  async listChunkResults(runId: string): Promise<readonly ChunkResult[]> {
    return [...this.results.values()]
      .filter((result) => result.runId === runId)
      .sort((a, b) => a.chunkIndex - b.chunkIndex)
      .map(copy);
  }
}

export class MemoryPayslipStore implements PayslipStore {
  /** runId → employeeId → payslip */
  readonly byRun = new Map<string, Map<string, PayslipRecord>>();

  async putPayslips(payslips: readonly PayslipRecord[]): Promise<void> {
    for (const payslip of payslips) {
      const run = this.byRun.get(payslip.runId) ?? new Map<string, PayslipRecord>();
      run.set(payslip.employeeId, copy(payslip));
      this.byRun.set(payslip.runId, run);
    }
  }

  async listPayslips(runId: string): Promise<readonly PayslipRecord[]> {
    const run = this.byRun.get(runId) ?? new Map<string, PayslipRecord>();
    return [...run.keys()].sort().map((id) => copy(run.get(id)!));
  }

  async setPayslipStatus(runId: string, status: PayslipStatus): Promise<number> {
    let changed = 0;
    for (const [id, payslip] of this.byRun.get(runId) ?? []) {
      if (payslip.status === status) continue;
      this.byRun.get(runId)!.set(id, { ...payslip, status });
      changed++;
    }
    return changed;
  }
}

export class MemoryFundingStore implements FundingStore {
  readonly movements = new Map<string, FundingMovement>();

  async getMovement(runId: string, kind: FundingKind): Promise<FundingMovement | undefined> {
    const movement = this.movements.get(`${runId}#${kind}`);
    return movement && copy(movement);
  }

  async recordMovement(movement: FundingMovement): Promise<OnceResult> {
    const key = `${movement.runId}#${movement.kind}`;
    if (this.movements.has(key)) return 'already-written';
    this.movements.set(key, copy(movement));
    return 'written';
  }
}

export class MemoryLedgerStore implements LedgerStore {
  readonly journals = new Map<string, Journal>();

  async postJournal(journal: Journal): Promise<OnceResult> {
    const key = `${journal.runId}#${journal.id}`;
    if (this.journals.has(key)) return 'already-written';
    this.journals.set(key, copy(journal));
    return 'written';
  }

  async listJournals(runId: string): Promise<readonly Journal[]> {
    return [...this.journals.values()]
      .filter((journal) => journal.runId === runId)
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
      .map(copy);
  }
}

export class MemoryAchStore implements AchStore {
  readonly files = new Map<string, AchFileRecord>();

  async getAchFile(runId: string, kind: AchFileKind): Promise<AchFileRecord | undefined> {
    const file = this.files.get(`${runId}#${kind}`);
    return file && copy(file);
  }

  async createAchFile(file: AchFileRecord): Promise<OnceResult> {
    const key = `${file.runId}#${file.kind}`;
    if (this.files.has(key)) return 'already-written';
    this.files.set(key, copy(file));
    return 'written';
  }

  async transitionAchFile(
    runId: string,
    kind: AchFileKind,
    from: readonly AchStatus[],
    to: AchStatus,
    patch: AchFilePatch = {},
  ): Promise<AchFileRecord> {
    const key = `${runId}#${kind}`;
    const file = this.files.get(key);
    if (!file) {
      throw new OperationFailedError(
        'ACH_FILE_MISSING',
        `Run ${runId} has no ACH ${kind.toLowerCase()} file.`,
      );
    }
    if (!from.includes(file.status)) return copy(file);
    const defined = Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined));
    const after: AchFileRecord = { ...file, ...defined, status: to };
    this.files.set(key, after);
    return copy(after);
  }
}

export class MemoryDeliveryStore implements DeliveryStore {
  readonly deliveries = new Map<string, { runId: string; chunkIndex: number; status: string; at: string }>();

  async recordDelivery(
    runId: string,
    chunkIndex: number,
    status: 'DELIVERED' | 'RETRACTED',
    at: string,
  ): Promise<void> {
    const key = `${runId}#${chunkIndex}`;
    // A delivery that arrives after the retraction must not make retracted payslips look delivered.
    if (status === 'DELIVERED' && this.deliveries.get(key)?.status === 'RETRACTED') return;
    this.deliveries.set(key, { runId, chunkIndex, status, at });
  }

  async listDeliveries(
    runId: string,
  ): Promise<readonly { readonly chunkIndex: number; readonly status: string; readonly at: string }[]> {
    return [...this.deliveries.values()]
      .filter((delivery) => delivery.runId === runId)
      .sort((a, b) => a.chunkIndex - b.chunkIndex)
      .map(({ chunkIndex, status, at }) => ({ chunkIndex, status, at }));
  }
}

export interface SentMessage {
  readonly queue: OutboxMessage['queue'];
  readonly body: Readonly<Record<string, unknown>>;
}

export class MemoryOutbox implements Outbox {
  readonly messages = new Map<string, OutboxMessage>();
  /** What reached the queues, in order: the pointer bodies consumers would receive. */
  readonly sent: SentMessage[] = [];

  async publish(message: Omit<OutboxMessage, 'status'>): Promise<void> {
    if (runIdOfMessage(message.messageId) !== message.runId) {
      throw new BadInputError(
        'OUTBOX_MESSAGE_ID_INVALID',
        `Outbox message id "${message.messageId}" must start with its run id "${message.runId}#".`,
      );
    }
    if (this.messages.get(message.messageId)?.status === 'DONE') return;
    this.messages.set(message.messageId, {
      messageId: message.messageId,
      runId: message.runId,
      queue: message.queue,
      body: copy(message.body),
      status: 'PENDING',
      createdAt: message.createdAt,
    });
    this.sent.push({
      queue: message.queue,
      body: { messageId: message.messageId, runId: message.runId, ...copy(message.body) },
    });
  }

  async markDone(messageId: string): Promise<void> {
    const message = this.messages.get(messageId);
    if (message) this.messages.set(messageId, { ...message, status: 'DONE' });
  }

  async pending(): Promise<readonly OutboxMessage[]> {
    const sortKey = (m: OutboxMessage) => `${m.createdAt}#${m.messageId}`;
    return [...this.messages.values()]
      .filter((message) => message.status !== 'DONE')
      .sort((a, b) => (sortKey(a) < sortKey(b) ? -1 : sortKey(a) > sortKey(b) ? 1 : 0))
      .map(copy);
  }
}

export class MemoryAuditStore implements AuditStore {
  readonly records: AuditRecord[] = [];
  private nextId = 1;

  async record(entry: AuditEntry): Promise<AuditRecord> {
    const record: AuditRecord = { ...copy(entry), id: `audit-${this.nextId++}` };
    this.records.push(record);
    return copy(record);
  }

  async list(options: { readonly runId?: string; readonly limit: number }): Promise<readonly AuditRecord[]> {
    const sortKey = (r: AuditRecord) => `${r.at}#${r.id}`;
    return this.records
      .filter((record) => options.runId === undefined || record.runId === options.runId)
      .sort((a, b) => (sortKey(a) < sortKey(b) ? 1 : sortKey(a) > sortKey(b) ? -1 : 0))
      .slice(0, options.limit)
      .map(copy);
  }
}

export class MemoryScheduleStore implements ScheduleStore {
  readonly schedules = new Map<string, PaySchedule>();

  async get(employerId: string): Promise<PaySchedule | undefined> {
    const schedule = this.schedules.get(employerId);
    return schedule && copy(schedule);
  }

  async put(schedule: PaySchedule): Promise<void> {
    this.schedules.set(schedule.employerId, copy(schedule));
  }

  async remove(employerId: string): Promise<boolean> {
    return this.schedules.delete(employerId);
  }

  async list(): Promise<readonly PaySchedule[]> {
    return [...this.schedules.keys()].sort().map((id) => copy(this.schedules.get(id)!));
  }
}

export interface MemoryPorts extends SagaPorts {
  readonly clock: SettableClock;
  readonly runs: MemoryRunStore;
  readonly locks: MemoryLockStore;
  readonly roster: MemoryRosterStore;
  readonly ytd: MemoryYtdLedger;
  readonly timesheets: MemoryTimesheetStore;
  readonly payments: MemoryPaymentStore;
  readonly chunks: MemoryChunkStore;
  readonly payslips: MemoryPayslipStore;
  readonly funding: MemoryFundingStore;
  readonly ledger: MemoryLedgerStore;
  readonly ach: MemoryAchStore;
  readonly deliveries: MemoryDeliveryStore;
  readonly outbox: MemoryOutbox;
  readonly audit: MemoryAuditStore;
  readonly schedules: MemoryScheduleStore;
}

export function createMemoryPorts(options: { readonly clock?: SettableClock } = {}): MemoryPorts {
  const clock = options.clock ?? fixedClock('2026-01-01T00:00:00.000Z');
  return {
    clock,
    runs: new MemoryRunStore(),
    locks: new MemoryLockStore(clock),
    roster: new MemoryRosterStore(),
    ytd: new MemoryYtdLedger(),
    timesheets: new MemoryTimesheetStore(),
    payments: new MemoryPaymentStore(),
    chunks: new MemoryChunkStore(),
    payslips: new MemoryPayslipStore(),
    funding: new MemoryFundingStore(),
    ledger: new MemoryLedgerStore(),
    ach: new MemoryAchStore(),
    deliveries: new MemoryDeliveryStore(),
    outbox: new MemoryOutbox(),
    audit: new MemoryAuditStore(),
    schedules: new MemoryScheduleStore(),
  };
}
