/**
 * `payroll-ops demo`: the whole product in one command on the local target — sets up the example
 * employer and roster if absent, runs the current month and watches it to the end.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { BadInputError } from '../core/errors.js';
import { parsePeriod } from '../core/periodParser.js';
import type { Employee } from '../core/roster.js';
import { generateRosterCsv } from '../core/rosterGenerator.js';
import { parseRoster } from '../core/rosterParser.js';
import { RunType } from '../core/saga/records.js';
import { RunExistsError } from '../core/saga/startRun.js';
import { requireLocalTarget, withBackend } from './backend.js';
import { contextFor } from './context.js';
import { DEFAULT_EMPLOYER } from './employees.js';
import { parseEmployer } from './employer.js';
import { followRunToCompletion } from './follow.js';
import { readInputFile } from './readInputFile.js';
import { startCliRun } from './run.js';

/** The example roster ships with the package; found next to the code, wherever it is installed. */
function exampleRosterPath(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const candidate = join(dir, 'examples', 'roster.csv');
    if (existsSync(candidate)) return candidate;
    dir = dirname(dir);
  }
  throw new BadInputError(
    'EXAMPLES_MISSING',
    'examples/roster.csv is missing from this installation; reinstall payroll-ops.',
  );
}

function demoRoster(count: number | undefined): Employee[] {
  if (count === undefined) {
    const path = exampleRosterPath();
    return parseRoster(readInputFile('examples/roster.csv', path), path);
  }
  return parseRoster(
    generateRosterCsv({ count, payFrequency: 'monthly', idPrefix: 'D' }),
    `generated roster of ${count}`,
  );
}

export function currentMonth(now: Date): string {
  return now.toISOString().slice(0, 7);
}

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('set up the example employer and roster (if absent), run the current month and watch it')
    .option('--employees <n>', 'generate a roster of N monthly employees instead of examples/roster.csv')
    .option('--period <period>', 'the month to run (default: the current month)')
    .addHelpText('after', '\nExamples:\n  $ payroll-ops demo\n  $ payroll-ops demo --employees 2000')
    .action(async (raw: { employees?: string; period?: string }, command: Command) => {
      const ctx = contextFor(command);
      requireLocalTarget(ctx, 'demo');
      let count: number | undefined;
      if (raw.employees !== undefined) {
        count = Number(raw.employees);
        if (!Number.isInteger(count) || count < 1 || count > 200_000) {
          throw new BadInputError(
            'BAD_EMPLOYEE_COUNT',
            `--employees ${raw.employees}: give a whole number from 1 to 200000.`,
          );
        }
      }
      const period = parsePeriod(raw.period ?? currentMonth(new Date()));
      await withBackend(ctx, async (backend) => {
        const { roster } = backend.ports;
        if (!(await roster.getEmployer(DEFAULT_EMPLOYER))) {
          await roster.putEmployer(
            parseEmployer(DEFAULT_EMPLOYER, {
              name: 'Acme Manufacturing',
              fundingRouting: '021000021',
              fundingAccount: '000123456789',
              achCompanyId: '1123456789',
            }),
          );
          ctx.io.info('Set up employer acme (Acme Manufacturing).');
        }
        const existing = await roster.listEmployees(DEFAULT_EMPLOYER);
        if (existing.length === 0 || count !== undefined) {
          const employees = demoRoster(count);
          const counts = await roster.upsertEmployees(DEFAULT_EMPLOYER, employees);
          ctx.io.info(`Roster: ${counts.created} employees created, ${counts.updated} updated.`);
        }
        let runId: string;
        try {
          const started = await startCliRun(ctx, backend, {
            period,
            employerId: DEFAULT_EMPLOYER,
            runType: RunType.Regular,
          });
          runId = started.runId;
          ctx.io.info(`Started pay run ${runId} for ${period.id}.`);
        } catch (error) {
          if (!(error instanceof RunExistsError)) throw error;
          runId = String(error.details.runId);
          ctx.io.info(`${error.message}\nShowing that run instead.`);
        }
        await followRunToCompletion(backend, ctx.io, runId, {});
      });
    });
}
