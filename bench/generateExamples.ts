/**
 * Writes the committed example files from the deterministic generator:
 *   npm run build && node dist/bench/generateExamples.js
 * examples/roster.csv: 250 salaried monthly employees of one employer (opening YTD for some);
 * examples/hourly-roster.csv + examples/hourly-timesheet.csv: 20 hourly biweekly employees.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateRosterCsv, generateTimesheetCsv } from '../src/core/rosterGenerator.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const examples = join(root, 'examples');
mkdirSync(examples, { recursive: true });

writeFileSync(join(examples, 'roster.csv'), generateRosterCsv({ count: 250, seed: 2026, idPrefix: 'E' }));

const hourlyCount = 20;
writeFileSync(
  join(examples, 'hourly-roster.csv'),
  generateRosterCsv({
    count: hourlyCount,
    seed: 4242,
    payType: 'hourly',
    payFrequency: 'biweekly',
    idPrefix: 'H',
    periodsAlreadyPaid: 4,
  }),
);
const hourlyIds = Array.from({ length: hourlyCount }, (_, i) => `H${String(i + 1).padStart(5, '0')}`);
writeFileSync(join(examples, 'hourly-timesheet.csv'), generateTimesheetCsv(hourlyIds, 15));
process.stderr.write(`wrote roster.csv, hourly-roster.csv and hourly-timesheet.csv to ${examples}\n`);
