/**
 * The rules behind `payroll-ops idempotency`: what a key says about its step and run, which status
 * Powertools acts on, and when an operator may expire a record.
 */
import { describe, expect, it } from 'vitest';
import {
  decideExpiry,
  effectiveStatus,
  IdempotencyStatus,
  idempotencyRecordView,
  isOrphaned,
  isTakeoverAllowed,
  keyWithRun,
  parseIdempotencyKey,
  parseIdempotencyStatus,
  runSegment,
  type StoredIdempotencyRecord,
  summarizeResult,
} from '../../src/core/idempotencyRules.js';

const NOW = Date.parse('2026-03-31T12:00:00Z');
const KEY = 'payroll-ops.FundPayroll#acme-2026-03-regular#9u9bCgR/7Lhwue9DRcGO/g==';

function record(overrides: Partial<StoredIdempotencyRecord> = {}): StoredIdempotencyRecord {
  return {
    key: KEY,
    storedStatus: IdempotencyStatus.InProgress,
    expiresAt: NOW / 1000 + 30 * 24 * 3600,
    inProgressExpiresAt: NOW + 200_000,
    ...overrides,
  };
}

describe('idempotency keys', () => {
  it('put the run between the step prefix and the payload hash, and read both back', () => {
    const key = keyWithRun('payroll-ops.CalculatePay#HoTdIshubz3Ix9B/x4Amzg==', 'acme-2026-03-regular');
    expect(key).toBe('payroll-ops.CalculatePay#acme-2026-03-regular#HoTdIshubz3Ix9B/x4Amzg==');
    expect(parseIdempotencyKey(key)).toEqual({
      step: 'CalculatePay',
      runId: 'acme-2026-03-regular',
      payloadHash: 'HoTdIshubz3Ix9B/x4Amzg==',
    });
    expect(key).toContain(runSegment('acme-2026-03-regular'));
  });

  it('keep a key without a run as Powertools made it, and still name its step', () => {
    expect(keyWithRun('payroll-ops.OpenRun#abc=', undefined)).toBe('payroll-ops.OpenRun#abc=');
    expect(parseIdempotencyKey('payroll-ops.OpenRun#abc=')).toEqual({ step: 'OpenRun', payloadHash: 'abc=' });
  });

  it('survive a run id with a # in it, and reject keys that are not ours', () => {
    const key = keyWithRun('payroll-ops.Disburse#h==', 'odd#run');
    expect(parseIdempotencyKey(key)?.runId).toBe('odd#run');
    expect(parseIdempotencyKey('other-app.Step#h==')).toBeUndefined();
    expect(parseIdempotencyKey('payroll-ops.#h==')).toBeUndefined();
  });
});

describe('record status', () => {
  it('is EXPIRED once the expiry passed, even when stored COMPLETED', () => {
    const completed = record({ storedStatus: IdempotencyStatus.Completed, expiresAt: NOW / 1000 - 1 });
    expect(effectiveStatus(completed, NOW)).toBe(IdempotencyStatus.Expired);
    expect(effectiveStatus(record({ storedStatus: IdempotencyStatus.Completed }), NOW)).toBe('COMPLETED');
  });

  it('allows a takeover only once the in-progress expiry passed', () => {
    expect(isTakeoverAllowed(record(), NOW)).toBe(false);
    expect(isTakeoverAllowed(record({ inProgressExpiresAt: NOW - 1 }), NOW)).toBe(true);
    expect(
      isTakeoverAllowed(
        record({ storedStatus: IdempotencyStatus.Completed, inProgressExpiresAt: NOW - 1 }),
        NOW,
      ),
    ).toBe(false);
  });

  it('calls orphaned the in-progress records whose invocation would have ended before a new host started', () => {
    const hostFirstDeadline = NOW + 300_000;
    expect(isOrphaned(record({ inProgressExpiresAt: NOW + 120_000 }), hostFirstDeadline, NOW)).toBe(true);
    // Written by an invocation of the new host: its deadline is later.
    expect(isOrphaned(record({ inProgressExpiresAt: NOW + 300_500 }), hostFirstDeadline, NOW)).toBe(false);
    expect(isOrphaned(record({ storedStatus: IdempotencyStatus.Completed }), hostFirstDeadline, NOW)).toBe(
      false,
    );
  });

  it('parses --status in any case and names the choices otherwise', () => {
    expect(parseIdempotencyStatus('inprogress')).toBe('INPROGRESS');
    expect(() => parseIdempotencyStatus('DONE')).toThrow(/INPROGRESS, COMPLETED, EXPIRED/);
  });
});

describe('expiring a record', () => {
  it('is refused while the in-progress expiry has not passed, saying until when', () => {
    expect(decideExpiry(record(), NOW, false)).toEqual({
      kind: 'refused-in-progress',
      inProgressUntil: NOW + 200_000,
    });
  });

  it('goes ahead after the in-progress expiry, or before it when forced', () => {
    expect(decideExpiry(record({ inProgressExpiresAt: NOW - 1 }), NOW, false)).toEqual({
      kind: 'expire',
      from: 'INPROGRESS',
      forced: false,
    });
    expect(decideExpiry(record(), NOW, true)).toEqual({ kind: 'expire', from: 'INPROGRESS', forced: true });
  });

  it('treats an in-progress record without an in-progress expiry as held until its own expiry', () => {
    const noDeadline = record({ inProgressExpiresAt: undefined });
    expect(decideExpiry(noDeadline, NOW, false).kind).toBe('refused-in-progress');
  });

  it('lets a COMPLETED record go without force, and does nothing to an expired one', () => {
    const completed = record({ storedStatus: IdempotencyStatus.Completed });
    expect(decideExpiry(completed, NOW, false)).toEqual({ kind: 'expire', from: 'COMPLETED', forced: false });
    expect(decideExpiry(record({ expiresAt: NOW / 1000 - 5 }), NOW, true)).toEqual({
      kind: 'already-expired',
    });
  });
});

describe('the record view', () => {
  it('shows step, run, payload hash and a one-line summary of the stored result', () => {
    const view = idempotencyRecordView(
      record({
        storedStatus: IdempotencyStatus.Completed,
        result: { employees: 30, chunks: [{}, {}], taxTablesVersion: '2026.1', nested: { a: 1 } },
      }),
      NOW,
    );
    expect(view).toMatchObject({
      step: 'FundPayroll',
      runId: 'acme-2026-03-regular',
      status: 'COMPLETED',
      payloadHash: '9u9bCgR/7Lhwue9DRcGO/g==',
      inProgressExpiresAt: new Date(NOW + 200_000).toISOString(),
      result: 'employees=30 chunks=[2 items] taxTablesVersion=2026.1 nested={…}',
    });
    expect(summarizeResult('TRANSMITTED')).toBe('TRANSMITTED');
    expect(summarizeResult(undefined)).toBe('(no result)');
  });
});
