/**
 * Employers, employees and year-to-date balances, under the employer's partition. An employee is
 * stored as one JSON attribute: OpenRun reads the whole roster, and one string per employee is
 * much cheaper to read and decode than a nested map.
 */
import type { RosterStore } from '../../core/ports.js';
import type { Employee, YtdBalances } from '../../core/roster.js';
import type { Employer } from '../../core/saga/records.js';
import { type DataTable, type Item, withoutKeys } from './dataTable.js';
import { EMPLOYEE_PREFIX, employerPk, keys, ytdPrefix } from './keys.js';

function ytdFromItem(item: Item): YtdBalances {
  return {
    gross: item.gross,
    ssWages: item.ssWages,
    medicareWages: item.medicareWages,
    futaWages: item.futaWages,
  } as YtdBalances;
}

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
    const items = await this.table.query({ pk: employerPk(employerId), skPrefix: EMPLOYEE_PREFIX });
    return items.map((item) => JSON.parse(String(item.data)) as Employee);
  }

  async upsertEmployees(
    employerId: string,
    employees: readonly Employee[],
  ): Promise<{ readonly created: number; readonly updated: number }> {
    const existing = await this.table.query({ pk: employerPk(employerId), skPrefix: EMPLOYEE_PREFIX });
    const known = new Set(existing.map((item) => String(item.sk).slice(EMPLOYEE_PREFIX.length)));
    const latest = new Map<string, Employee>();
    for (const employee of employees) latest.set(employee.employeeId, employee);
    let created = 0;
    for (const employeeId of latest.keys()) if (!known.has(employeeId)) created++;
    await this.table.putAll(
      [...latest.values()].map((employee) => ({
        ...keys.employee(employerId, employee.employeeId),
        employeeId: employee.employeeId,
        data: JSON.stringify(employee),
      })),
    );
    return { created, updated: latest.size - created };
  }

  async getYtd(employerId: string, taxYear: number): Promise<ReadonlyMap<string, YtdBalances>> {
    const items = await this.table.query({ pk: employerPk(employerId), skPrefix: ytdPrefix(taxYear) });
    return new Map(items.map((item) => [String(item.employeeId), ytdFromItem(item)]));
  }

  async putYtd(
    employerId: string,
    taxYear: number,
    balances: ReadonlyMap<string, YtdBalances>,
  ): Promise<void> {
    await this.table.putAll(
      [...balances].map(([employeeId, ytd]) => ({
        ...keys.ytd(employerId, taxYear, employeeId),
        employeeId,
        taxYear,
        gross: ytd.gross,
        ssWages: ytd.ssWages,
        medicareWages: ytd.medicareWages,
        futaWages: ytd.futaWages,
      })),
    );
  }
}
