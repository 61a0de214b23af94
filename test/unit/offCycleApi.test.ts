/**
 * The off-cycle API's handler over the memory ports: the request body is checked field by field
 * before anything is written, exactly as API Gateway's request model checks it on AWS — a field
 * the API does not take (a misspelt `paydate`, a `dryRun` it has not) is refused, never ignored.
 */
import { describe, expect, it } from 'vitest';
import type { RequestGuard } from '../../src/core/ports.js';
import { generateRosterCsv } from '../../src/core/rosterGenerator.js';
import { parseRoster } from '../../src/core/rosterParser.js';
import { createOffCycleApiHandler, OFF_CYCLE_REQUEST_FIELDS } from '../../src/infra/lambda/offCycleApi.js';
import { MemoryExecutions } from '../support/memoryExecutions.js';
import { memoryWorld } from '../support/memorySaga.js';

const EMPLOYER = 'apico';
const ROSTER = parseRoster(generateRosterCsv({ count: 2, payFrequency: 'monthly', seed: 5 }), 'g', {
  defaultTaxYear: 2026,
});

/** Every key its own request: the guard's rules are tested with the real store elsewhere. */
const passThrough: RequestGuard = { once: (_key, _request, work) => work() };

async function setUp() {
  const w = await memoryWorld({ employer: EMPLOYER, roster: ROSTER, now: '2026-11-26T10:00:00.000Z' });
  const executions = new MemoryExecutions();
  const handler = createOffCycleApiHandler({ requests: passThrough, ports: w.ports, executions });
  const post = async (body: unknown) =>
    (await handler(
      {
        routeKey: 'POST /runs',
        headers: { 'idempotency-key': 'k-1' },
        body: JSON.stringify(body),
      },
      {} as never,
    )) as { statusCode: number; body: string };
  return { w, executions, post };
}

const request = {
  employerId: EMPLOYER,
  period: '2026-11',
  reason: 'retention bonus',
  requestedBy: 'hr',
  payments: [{ employeeId: ROSTER[0]!.employeeId, amount: '1500.00', kind: 'bonus' }],
};

describe('POST /runs', () => {
  it('refuses a field it does not take (400 naming it), starting nothing', async () => {
    const { w, executions, post } = await setUp();
    for (const [field, value] of [
      ['paydate', '2026-12-15'],
      ['dryRun', true],
      ['employer', 'other'],
    ] as const) {
      const answer = await post({ ...request, [field]: value });
      expect(answer.statusCode).toBe(400);
      const body = JSON.parse(answer.body) as { error: string; message: string };
      expect(body.error).toBe('UNKNOWN_FIELD');
      expect(body.message).toBe(
        `The request has a field "${field}" the API does not take; remove it or use ${OFF_CYCLE_REQUEST_FIELDS.join(', ')}.`,
      );
    }
    expect(w.ports.runs.runs.size).toBe(0);
    expect(executions.started.size).toBe(0);
    expect(w.ports.audit.records).toEqual([]);
  });

  it("refuses neither or both of payments and timesheet (400 in the API's words, not CLI flags), starting nothing", async () => {
    const { w, executions, post } = await setUp();
    const { payments: _, ...neither } = request;
    const both = { ...request, timesheet: [{ employeeId: ROSTER[0]!.employeeId, regularHours: '1' }] };
    for (const [body, says] of [
      [neither, 'The request has neither "payments" nor "timesheet"'],
      [both, 'The request has both "payments" and "timesheet"; send one request for each.'],
    ] as const) {
      const answer = await post(body);
      expect(answer.statusCode).toBe(400);
      const { error, message } = JSON.parse(answer.body) as { error: string; message: string };
      expect(error).toBe('OFF_CYCLE_NEEDS_INPUT');
      expect(message).toContain(says);
      expect(message).not.toMatch(/--/);
    }
    expect(w.ports.runs.runs.size).toBe(0);
    expect(executions.started.size).toBe(0);
  });

  it('starts the run for a request of known fields (202)', async () => {
    const { w, post } = await setUp();
    const answer = await post({ ...request, payDate: '2026-11-27' });
    expect(answer.statusCode).toBe(202);
    const { runId } = JSON.parse(answer.body) as { runId: string };
    expect((await w.ports.runs.getRun(runId))?.period.payDate).toBe('2026-11-27');
  });
});
