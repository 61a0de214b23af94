/**
 * The bank gateway's crash window: the NACHA file is written before the record says TRANSMITTED,
 * so a crash in between leaves a PENDING file that the redelivered message transmits, never a
 * TRANSMITTED record without its file; and a file cancelled while it was being written is removed.
 */
import { describe, expect, it } from 'vitest';
import { ZERO } from '../../src/core/money.js';
import { computePayslip } from '../../src/core/payroll/grossToNet.js';
import { taxTablesFor } from '../../src/core/payroll/taxTables.js';
import { parsePeriod } from '../../src/core/periodParser.js';
import { generateRosterCsv } from '../../src/core/rosterGenerator.js';
import { parseRoster } from '../../src/core/rosterParser.js';
import { AchFileKind, AchStatus, PayslipStatus, RunType } from '../../src/core/saga/records.js';
import { RunStatus } from '../../src/core/saga/steps.js';
import { type ArtifactStore, transmitAchFile } from '../../src/infra/lambda/bankGateway.js';
import { createMemoryPorts, fixedClock, type MemoryPorts } from '../support/memoryPorts.js';

const RUN_ID = 'acme-2026-03-regular';
const MESSAGE = { messageId: `${RUN_ID}#ach#CREDIT`, runId: RUN_ID, kind: AchFileKind.Credit };

async function pendingCredit(): Promise<MemoryPorts> {
  const ports = createMemoryPorts({ clock: fixedClock('2026-03-31T10:00:00.000Z') });
  await ports.roster.putEmployer({
    employerId: 'acme',
    name: 'Acme',
    fundingRouting: '021000021',
    fundingAccount: '555000111',
    achCompanyId: '1234567890',
  });
  const period = parsePeriod('2026-03');
  await ports.runs.createRun({
    runId: RUN_ID,
    employerId: 'acme',
    period,
    runType: RunType.Regular,
    status: RunStatus.Running,
    requestedBy: 't',
    startedAt: '2026-03-31T09:00:00.000Z',
    steps: {},
    compensations: [],
    artifacts: {},
  });
  const [employee] = parseRoster(generateRosterCsv({ count: 1, payFrequency: 'monthly', seed: 2 }), 'g');
  await ports.payslips.putPayslips([
    {
      runId: RUN_ID,
      employeeId: employee!.employeeId,
      name: employee!.name,
      chunkIndex: 0,
      payDate: period.payDate,
      amounts: computePayslip({ employee: employee!, period, ytd: employee!.openingYtd }, taxTablesFor(2026)),
      ytdBefore: employee!.openingYtd,
      bank: employee!.bank,
      status: PayslipStatus.Issued,
    },
  ]);
  await ports.ach.createAchFile({
    runId: RUN_ID,
    kind: AchFileKind.Credit,
    status: AchStatus.Pending,
    effectiveDate: period.payDate,
    entryCount: 1,
    totalAmount: ZERO,
    createdAt: '2026-03-31T09:30:00.000Z',
  });
  return ports;
}

function artifacts(files: Map<string, string>, failPut = false): ArtifactStore {
  return {
    async put(runId, name, text) {
      if (failPut) throw new Error('disk full');
      files.set(`${runId}/${name}`, text);
      return `${runId}/${name}`;
    },
    async logTransmission() {},
    async remove(runId, name) {
      files.delete(`${runId}/${name}`);
    },
  };
}

describe('the bank gateway writes the file before it records the transmission', () => {
  it('leaves the file PENDING when writing it fails, and transmits it on the redelivery', async () => {
    const ports = await pendingCredit();
    const files = new Map<string, string>();
    const deps = { ...ports, now: () => ports.clock.now() };
    await expect(transmitAchFile({ ...deps, artifacts: artifacts(files, true) }, MESSAGE)).rejects.toThrow(
      'disk full',
    );
    expect((await ports.ach.getAchFile(RUN_ID, AchFileKind.Credit))?.status).toBe(AchStatus.Pending);

    expect(await transmitAchFile({ ...deps, artifacts: artifacts(files) }, MESSAGE)).toBe(
      AchStatus.Transmitted,
    );
    expect([...files.keys()]).toEqual([`${RUN_ID}/${RUN_ID}-credit.ach`]);
    expect((await ports.runs.getRun(RUN_ID))?.artifacts.achFile).toBe(`${RUN_ID}/${RUN_ID}-credit.ach`);
  });

  it('removes what it wrote when the file was cancelled meanwhile: nothing that never left lies around', async () => {
    const ports = await pendingCredit();
    const files = new Map<string, string>();
    const store = artifacts(files);
    const cancelling: ArtifactStore = {
      ...store,
      async put(runId, name, text) {
        const where = await store.put(runId, name, text);
        // A rollback cancels the file between the write and the transition.
        await ports.ach.transitionAchFile(
          RUN_ID,
          AchFileKind.Credit,
          [AchStatus.Pending],
          AchStatus.Cancelled,
        );
        return where;
      },
    };
    expect(
      await transmitAchFile({ ...ports, now: () => ports.clock.now(), artifacts: cancelling }, MESSAGE),
    ).toBe(AchStatus.Cancelled);
    expect(files.size).toBe(0);
    expect((await ports.runs.getRun(RUN_ID))?.artifacts.achFile).toBeUndefined();
  });
});
