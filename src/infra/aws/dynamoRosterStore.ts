/**
 * Employers and their rosters under the employer's partition. An employee is stored as one JSON
 * attribute: OpenRun reads the whole roster, and one string per employee is much cheaper to read
 * and decode than a nested map.
 *
 * An import is all or nothing without transactions (dynalite has none, and AWS takes 100 items a
 * transaction): the merged roster is written under a new version, then the `ROSTER` item is
 * switched to it by a conditional put, then the old version is deleted. A reader sees the old
 * roster or the new one: it reads the pointer, lists that version, and reads the pointer again
 * (an import deletes a version only after switching away from it). A write that fails half-way
 * leaves an unreferenced version that the next import removes.
 */
import { randomUUID } from 'node:crypto';
import { OperationFailedError, TransientError } from '../../core/errors.js';
import type { RosterStore } from '../../core/ports.js';
import type { Employee } from '../../core/roster.js';
import type { Employer } from '../../core/saga/records.js';
import { type DataTable, type Item, withoutKeys } from './dataTable.js';
import { EMPLOYEE_PREFIX, employerPk, keys } from './keys.js';

/** Rosters imported before versions existed: `EMPLOYEE#<id>`, no pointer item. */
const LEGACY = '';
const CONSISTENT_READ_ATTEMPTS = 5;

interface RosterPointer {
  readonly version: string;
  readonly count: number;
}

const versionOf = (item: Item): string => {
  const rest = String(item.sk).slice(EMPLOYEE_PREFIX.length);
  const cut = rest.indexOf('#');
  return cut < 0 ? LEGACY : rest.slice(0, cut);
};

export class DynamoRosterStore implements RosterStore {
  constructor(private readonly table: DataTable) {}

  async getEmployer(employerId: string): Promise<Employer | undefined> {
    const item = await this.table.get(keys.employer(employerId));
    return item ? (withoutKeys(item) as unknown as Employer) : undefined;
  }

  async putEmployer(employer: Employer): Promise<void> {
    await this.table.put({ ...keys.employer(employer.employerId), ...employer });
  }

  async listEmployees(employerId: string): Promise<readonly Employee[]> {
    return (await this.consistentRoster(employerId)).employees;
  }

  async getEmployee(employerId: string, employeeId: string): Promise<Employee | undefined> {
    for (let attempt = 0; attempt < CONSISTENT_READ_ATTEMPTS; attempt++) {
      const pointer = await this.pointer(employerId);
      const item = await this.table.get(keys.employee(employerId, pointer.version, employeeId));
      if ((await this.pointer(employerId)).version === pointer.version) {
        return item ? (JSON.parse(String(item.data)) as Employee) : undefined;
      }
    }
    throw rosterChanging(employerId);
  }

  async upsertEmployees(
    employerId: string,
    employees: readonly Employee[],
  ): Promise<{ readonly created: number; readonly updated: number }> {
    const current = await this.consistentRoster(employerId);
    const merged = new Map(current.employees.map((employee) => [employee.employeeId, employee]));
    let created = 0;
    for (const employee of employees) {
      if (!merged.has(employee.employeeId)) created++;
      merged.set(employee.employeeId, employee);
    }
    const version = `${Date.now().toString(36)}-${randomUUID().slice(0, 8)}`;
    await this.table.putAll(
      [...merged.values()].map((employee) => ({
        ...keys.employee(employerId, version, employee.employeeId),
        employeeId: employee.employeeId,
        data: JSON.stringify(employee),
      })),
    );
    const switched = await this.table.put(
      { ...keys.roster(employerId), version, count: merged.size, importedAt: new Date().toISOString() },
      current.pointer.version === LEGACY && !current.hasPointer
        ? { expression: 'attribute_not_exists(pk)' }
        : { expression: 'version = :version', values: { ':version': current.pointer.version } },
    );
    if (!switched) {
      await this.removeVersionsOtherThan(employerId, current.pointer.version);
      throw new OperationFailedError(
        'ROSTER_CHANGED',
        `Another import changed employer ${employerId}'s roster meanwhile; nothing of this import was kept. Run it again.`,
      );
    }
    await this.removeVersionsOtherThan(employerId, version);
    const newCount = employees.length === 0 ? 0 : new Set(employees.map((e) => e.employeeId)).size;
    return { created, updated: newCount - created };
  }

  private async pointer(employerId: string): Promise<RosterPointer & { readonly exists: boolean }> {
    const item = await this.table.get(keys.roster(employerId));
    return item
      ? { version: String(item.version), count: Number(item.count), exists: true }
      : { version: LEGACY, count: -1, exists: false };
  }

  /** The roster of one version, read so that an import switching versions meanwhile is noticed. */
  private async consistentRoster(employerId: string) {
    for (let attempt = 0; attempt < CONSISTENT_READ_ATTEMPTS; attempt++) {
      const pointer = await this.pointer(employerId);
      const prefix = pointer.version === LEGACY ? EMPLOYEE_PREFIX : `${EMPLOYEE_PREFIX}${pointer.version}#`;
      const items = (await this.table.query({ pk: employerPk(employerId), skPrefix: prefix })).filter(
        (item) => versionOf(item) === pointer.version,
      );
      const after = await this.pointer(employerId);
      const complete = !pointer.exists || items.length === pointer.count;
      if (after.version === pointer.version && complete) {
        return {
          pointer,
          hasPointer: pointer.exists,
          employees: items.map((item) => JSON.parse(String(item.data)) as Employee),
        };
      }
    }
    throw rosterChanging(employerId);
  }

  /** Deletes every employee item of a version other than `keep`: superseded or abandoned imports. */
  private async removeVersionsOtherThan(employerId: string, keep: string): Promise<void> {
    const items = await this.table.query({ pk: employerPk(employerId), skPrefix: EMPLOYEE_PREFIX });
    await this.table.deleteAll(
      items
        .filter((item) => versionOf(item) !== keep)
        .map((item) => ({ pk: String(item.pk), sk: String(item.sk) })),
    );
  }
}

function rosterChanging(employerId: string): TransientError {
  return new TransientError(
    'ROSTER_CHANGING',
    `Employer ${employerId}'s roster kept changing while it was read (an import is under way); try again.`,
  );
}
