import { describe, expect, it } from 'vitest';
import { BadInputError } from '../../src/core/errors.js';
import { maskAccount } from '../../src/core/mask.js';
import type { Cents } from '../../src/core/money.js';
import {
  type AchEntryInput,
  type AchFileInput,
  buildCreditFile,
  buildReversalFile,
  computeAchControl,
  parseAchFile,
} from '../../src/infra/bank/achFile.js';

const c = (value: number) => value as Cents;

const ENTRIES: readonly AchEntryInput[] = [
  {
    employeeId: 'E001',
    name: 'Ada Lovelace',
    routing: '021000021',
    account: '000123456789',
    accountType: 'checking',
    amount: c(250_000),
  },
  {
    employeeId: 'E002',
    name: 'Grace Hopper',
    routing: '011000015',
    account: '44556677',
    accountType: 'savings',
    amount: c(187_543),
  },
  {
    employeeId: 'E003',
    name: 'Alan Turing',
    routing: '121000358',
    account: '9876543210',
    accountType: 'checking',
    amount: c(312_099),
  },
  {
    employeeId: 'E004',
    name: 'Émilie du Châtelet',
    routing: '026009593',
    account: '1234567890123456',
    accountType: 'savings',
    amount: c(99_901),
  },
  {
    employeeId: 'E005',
    name: 'Katherine Johnson',
    routing: '021000021',
    account: '55501',
    accountType: 'checking',
    amount: c(145_000),
  },
];

const INPUT: AchFileInput = {
  employer: { name: 'Acme Widgets, Inc.', achCompanyId: '1123456789', fundingRouting: '011000015' },
  effectiveDate: '2026-03-31',
  entries: ENTRIES,
};

// Worked by hand: first eight routing digits summed, amounts summed.
const ENTRY_HASH = 2_100_002 + 1_100_001 + 12_100_035 + 2_600_959 + 2_100_002; // 20,000,999
const TOTAL = 250_000 + 187_543 + 312_099 + 99_901 + 145_000; // 994,543 = $9,945.43

function records(text: string): string[] {
  return text.split('\r\n');
}

describe('buildCreditFile', () => {
  it('writes one PPD credit batch whose control totals are the sum of the entries', async () => {
    const { text, control } = await buildCreditFile(INPUT);
    const parsed = parseAchFile(text);

    expect(ENTRY_HASH).toBe(20_000_999);
    expect(control).toEqual({ entryCount: 5, entryHash: ENTRY_HASH, totalDebit: 0, totalCredit: TOTAL });
    // nach2's own control records agree with the totals computed independently.
    expect(parsed.control).toEqual(control);
    expect(parsed.batches).toHaveLength(1);
    expect(parsed.batches[0]?.control).toEqual(control);
    expect(computeAchControl(parsed.batches[0]?.entries ?? [])).toEqual(control);

    const batch = parsed.batches[0]!;
    expect(batch).toMatchObject({
      serviceClassCode: '220',
      standardEntryClassCode: 'PPD',
      companyEntryDescription: 'PAYROLL',
      companyName: 'ACME WIDGETS, IN',
      companyId: '1123456789',
      effectiveEntryDate: '260331',
      originatingDfi: '01100001',
      batchNumber: 1,
    });
    expect(
      batch.entries.map((e) => [e.transactionCode, e.routing, e.account, e.amount, e.individualId]),
    ).toEqual([
      ['22', '021000021', '000123456789', 250_000, 'E001'],
      ['32', '011000015', '44556677', 187_543, 'E002'],
      ['22', '121000358', '9876543210', 312_099, 'E003'],
      ['32', '026009593', '1234567890123456', 99_901, 'E004'],
      ['22', '021000021', '55501', 145_000, 'E005'],
    ]);
    expect(batch.entries[3]?.name).toBe('EMILIE DU CHATELET');
    expect(batch.entries.map((e) => e.traceNumber)).toEqual([1, 2, 3, 4, 5].map((n) => `01100001000000${n}`));
  });

  it('writes 94-character records, padded with 9s to a multiple of ten', async () => {
    const { text } = await buildCreditFile(INPUT);
    const lines = records(text);
    expect(lines).toHaveLength(10);
    for (const line of lines) expect(line).toHaveLength(94);
    expect(lines.map((line) => line[0]).join('')).toBe('1566666899');
    expect(lines[9]).toBe('9'.repeat(94));
    // File header: destination = the funding bank, origin = the company id, creation date/time from the input.
    expect(lines[0]?.slice(0, 40)).toBe('101 01100001511234567892603310000A094101');
    // File control: 1 batch, 1 block, 5 entries, hash, no debits, $9,945.43 credits.
    expect(lines[8]?.slice(0, 55)).toBe('9000001000001000000050020000999000000000000000000994543');
    // An entry: code 22, routing, account left-justified, amount in cents right-justified.
    expect(lines[2]?.slice(0, 39)).toBe('622021000021000123456789     0000250000');
  });

  it.each([
    [1, 10, 5],
    [6, 10, 0],
    [7, 20, 9],
  ])('with %i entries the file has %i records, %i of them padding', async (count, total, padding) => {
    const entries = Array.from({ length: count }, (_, i) => ({ ...ENTRIES[i % 5]!, employeeId: `E${i}` }));
    const { text, control } = await buildCreditFile({ ...INPUT, entries });
    const lines = records(text);
    expect(lines).toHaveLength(total);
    expect(lines.filter((line) => line === '9'.repeat(94))).toHaveLength(padding);
    const parsed = parseAchFile(text);
    expect(parsed.blockCount).toBe(total / 10);
    expect(parsed.control).toEqual(control);
    expect(control.totalCredit).toBe(entries.reduce((sum, e) => sum + e.amount, 0));
  });

  it('gives the same bytes for the same input, whatever the clock or time zone', async () => {
    const first = await buildCreditFile(INPUT);
    const savedTz = process.env.TZ;
    try {
      process.env.TZ = 'Pacific/Pago_Pago'; // UTC−11
      const west = await buildCreditFile(INPUT);
      process.env.TZ = 'Pacific/Kiritimati'; // UTC+14
      const east = await buildCreditFile(INPUT);
      expect(west.text).toBe(first.text);
      expect(east.text).toBe(first.text);
    } finally {
      if (savedTz === undefined) delete process.env.TZ;
      else process.env.TZ = savedTz;
    }
    const stamped = await buildCreditFile({
      ...INPUT,
      fileCreationDate: '2026-03-27',
      fileCreationTime: '1405',
    });
    expect(parseAchFile(stamped.text).header).toMatchObject({
      fileCreationDate: '260327',
      fileCreationTime: '1405',
    });
    expect(parseAchFile(stamped.text).batches[0]?.effectiveEntryDate).toBe('260331');
  });

  it('refuses bad entries without revealing the account number', async () => {
    const long = '123456789012345678'; // 18 characters: nach2 would silently cut it
    const error = await buildCreditFile({ ...INPUT, entries: [{ ...ENTRIES[0]!, account: long }] }).catch(
      (e) => e,
    );
    expect(error).toBeInstanceOf(BadInputError);
    expect(error.message).toContain('E001');
    expect(error.message).toContain('••••5678');
    expect(error.message).not.toContain('1234567890');

    await expect(
      buildCreditFile({ ...INPUT, entries: [{ ...ENTRIES[0]!, routing: '021000022' }] }),
    ).rejects.toThrow(BadInputError);
    await expect(buildCreditFile({ ...INPUT, entries: [{ ...ENTRIES[0]!, amount: c(0) }] })).rejects.toThrow(
      BadInputError,
    );
    await expect(
      buildCreditFile({ ...INPUT, employer: { ...INPUT.employer, achCompanyId: '12345' } }),
    ).rejects.toThrow(BadInputError);
  });
});

describe('buildReversalFile', () => {
  it('mirrors every credit as a debit under the REVERSAL description', async () => {
    const credit = parseAchFile((await buildCreditFile(INPUT)).text);
    const { text, control } = await buildReversalFile(INPUT, { effectiveDate: '2026-04-02' });
    const reversal = parseAchFile(text);

    expect(control).toEqual({ entryCount: 5, entryHash: ENTRY_HASH, totalDebit: TOTAL, totalCredit: 0 });
    expect(reversal.control).toEqual(control);
    expect(reversal.batches[0]).toMatchObject({
      serviceClassCode: '225',
      companyEntryDescription: 'REVERSAL',
      companyName: credit.batches[0]?.companyName,
      companyId: credit.batches[0]?.companyId,
      standardEntryClassCode: 'PPD',
      // The original pay date stays visible to the receiver; the reversal settles on its own date.
      companyDescriptiveDate: '260331',
      effectiveEntryDate: '260402',
    });
    const mirrored = credit.batches[0]?.entries.map((e) => ({
      ...e,
      transactionCode: e.transactionCode === '22' ? '27' : '37',
    }));
    expect(reversal.batches[0]?.entries).toEqual(mirrored);
    // A different file id than the original, so the bank does not discard it as a duplicate.
    expect(reversal.header.fileIdModifier).toBe('R');
    expect(credit.header.fileIdModifier).toBe('A');
    for (const line of records(text)) expect(line).toHaveLength(94);
  });

  it('is deterministic too', async () => {
    expect((await buildReversalFile(INPUT)).text).toBe((await buildReversalFile(INPUT)).text);
  });
});

describe('parseAchFile', () => {
  it('rejects a record that is not 94 characters', async () => {
    const lines = records((await buildCreditFile(INPUT)).text);
    lines[3] = lines[3]!.slice(0, 93);
    expect(() => parseAchFile(lines.join('\r\n'))).toThrow(/record 4 is 93 characters/);
  });
});

describe('maskAccount', () => {
  it('keeps only the last four characters', () => {
    expect(maskAccount('000123456789')).toBe('••••6789');
    expect(maskAccount('123')).toBe('••••');
  });
});
