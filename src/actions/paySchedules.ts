/**
 * `payroll-ops schedule set|list|pause|resume|remove`: an employer's pay schedule in the store,
 * each change audited. The next run `list` shows is computed from the runs actually made (the
 * last period paid), exactly as the payday machine will compute it.
 */
import { BadInputError } from '../core/errors.js';
import { lastPaidBySchedule } from '../core/lastPaid.js';
import { nextScheduledRun, periodContaining } from '../core/payCalendar.js';
import { type PaySchedule, type PayScheduleInput, paySchedule } from '../core/paySchedule.js';
import type { IsoDate, PayFrequency } from '../core/period.js';
import { PAY_FREQUENCIES } from '../core/period.js';
import type {
  AuditStore,
  Clock,
  PeriodLockStore,
  RosterStore,
  RunStore,
  ScheduleStore,
} from '../core/ports.js';

export interface ScheduleActionPorts {
  readonly clock: Clock;
  readonly schedules: ScheduleStore;
  readonly roster: Pick<RosterStore, 'getEmployer'>;
  readonly runs: Pick<RunStore, 'listRegularRuns' | 'getRun'>;
  readonly locks: Pick<PeriodLockStore, 'holder'>;
  readonly audit: AuditStore;
}

/** What `schedule set` was given; text as typed, so every problem names its flag. */
export interface SetScheduleRequest {
  readonly employerId: string;
  readonly calendar: string;
  /** Absent: the period of `calendar` holding today. */
  readonly from?: string;
  readonly leadDays?: number;
  readonly payDayRule?: string;
}

const today = (clock: Clock): IsoDate => clock.now().slice(0, 10);

/**
 * The schedule `set` would store, checked without the store: calendar, `--from` of that calendar,
 * lead days, pay-day rule. Bad input throws here, before anything is opened or written.
 */
export function scheduleFromRequest(request: SetScheduleRequest, now: IsoDate): PaySchedule {
  const calendar = request.calendar.trim();
  const from =
    request.from ??
    ((PAY_FREQUENCIES as readonly string[]).includes(calendar)
      ? periodContaining(calendar as PayFrequency, now).id
      : '');
  const input: PayScheduleInput = {
    employerId: request.employerId,
    calendar,
    from,
    ...(request.leadDays !== undefined ? { leadDays: request.leadDays } : {}),
    ...(request.payDayRule !== undefined ? { payDayRule: request.payDayRule } : {}),
  };
  return paySchedule(input);
}

async function employerMustExist(ports: Pick<ScheduleActionPorts, 'roster'>, employerId: string) {
  if (!(await ports.roster.getEmployer(employerId))) {
    throw new BadInputError(
      'EMPLOYER_NOT_FOUND',
      `Employer ${employerId} does not exist; create it first with payroll-ops employer set ${employerId} --name … (then import its roster).`,
      { details: { employerId } },
    );
  }
}

async function scheduleMustExist(ports: Pick<ScheduleActionPorts, 'schedules'>, employerId: string) {
  const schedule = await ports.schedules.get(employerId);
  if (!schedule) {
    throw new BadInputError(
      'SCHEDULE_NOT_FOUND',
      `Employer ${employerId} has no pay schedule; create one with payroll-ops schedule set ${employerId} --calendar monthly.`,
      { details: { employerId } },
    );
  }
  return schedule;
}

export interface ScheduleChange {
  readonly schedule: PaySchedule;
  /** False when `set` replaced a schedule that existed. */
  readonly created: boolean;
}

/** Creates or replaces the schedule; a paused one stays paused (changing it is no reason to resume). */
export async function setSchedule(
  ports: ScheduleActionPorts,
  request: SetScheduleRequest,
  actor: string,
): Promise<ScheduleChange> {
  const parsed = scheduleFromRequest(request, today(ports.clock));
  await employerMustExist(ports, parsed.employerId);
  const existing = await ports.schedules.get(parsed.employerId);
  const schedule = { ...parsed, paused: existing?.paused ?? false };
  await ports.schedules.put(schedule);
  await ports.audit.record({
    at: ports.clock.now(),
    actor,
    action: 'schedule.set',
    details: { employer: schedule.employerId, ...scheduleDetails(schedule) },
  });
  return { schedule, created: existing === undefined };
}

function scheduleDetails(schedule: PaySchedule) {
  return {
    calendar: schedule.calendar,
    from: schedule.from,
    leadDays: schedule.leadDays,
    payDayRule: schedule.payDayRule,
    paused: schedule.paused,
  };
}

export const ScheduleAction = { Pause: 'pause', Resume: 'resume', Remove: 'remove' } as const;
export type ScheduleAction = (typeof ScheduleAction)[keyof typeof ScheduleAction];

/** Pauses, resumes or removes an employer's schedule; what it was before. */
export async function changeSchedule(
  ports: ScheduleActionPorts,
  employerId: string,
  action: ScheduleAction,
  actor: string,
): Promise<{ readonly before: PaySchedule; readonly after?: PaySchedule }> {
  const before = await scheduleMustExist(ports, employerId);
  let after: PaySchedule | undefined;
  switch (action) {
    case ScheduleAction.Pause:
    case ScheduleAction.Resume:
      after = { ...before, paused: action === ScheduleAction.Pause };
      await ports.schedules.put(after);
      break;
    case ScheduleAction.Remove:
      await ports.schedules.remove(employerId);
      break;
  }
  await ports.audit.record({
    at: ports.clock.now(),
    actor,
    action: `schedule.${action}`,
    details: { employer: employerId, ...scheduleDetails(before) },
  });
  return { before, ...(after ? { after } : {}) };
}

/** One schedule as `schedule list` shows it: the stored fields and the next run it will start. */
export interface ScheduleView {
  readonly employerId: string;
  readonly calendar: PayFrequency;
  readonly from: string;
  readonly leadDays: number;
  readonly payDayRule: string;
  readonly paused: boolean;
  /** The last period whose regular run started and was not undone; null before the first. */
  readonly lastPaid: string | null;
  readonly nextPeriod: string | null;
  readonly nextPayDate: IsoDate | null;
  readonly dueOn: IsoDate | null;
  /** Why there is no next period (e.g. the calendar changed after the last period paid). */
  readonly problem?: string;
}

export async function listSchedules(
  ports: Pick<ScheduleActionPorts, 'schedules' | 'runs' | 'locks'>,
): Promise<readonly ScheduleView[]> {
  const schedules = await ports.schedules.list();
  const lastPaid = await lastPaidBySchedule(ports, schedules);
  return schedules.map((schedule) => {
    const last = lastPaid.get(schedule.employerId)?.periodId;
    const owed = lastPaid.get(schedule.employerId)?.owed;
    const view = {
      employerId: schedule.employerId,
      calendar: schedule.calendar,
      from: schedule.from,
      leadDays: schedule.leadDays,
      payDayRule: schedule.payDayRule,
      paused: schedule.paused,
      lastPaid: last ?? null,
    };
    try {
      const next = nextScheduledRun(schedule, last, owed);
      return { ...view, nextPeriod: next.period.id, nextPayDate: next.payDate, dueOn: next.dueOn };
    } catch (error) {
      if (!BadInputError.isBadInput(error)) throw error;
      return { ...view, nextPeriod: null, nextPayDate: null, dueOn: null, problem: error.message };
    }
  });
}
