/**
 * Gathers what `verify` compares for one run: its records through the saga's ports, and the ACH
 * files it transmitted, read back from where the bank gateway wrote them and parsed with the
 * independent NACHA parser. The checks themselves are pure (src/core/verify).
 */
import { readFile } from 'node:fs/promises';
import { describeError } from '../core/errors.js';
import type { SagaPorts } from '../core/ports.js';
import { compensationOf } from '../core/saga/compensations.js';
import { ytdContributions } from '../core/saga/forward.js';
import {
  AchFileKind,
  type AchFileRecord,
  AchStatus,
  type ChunkSnapshot,
  FundingKind,
  type PayslipRecord,
  type RunRecord,
} from '../core/saga/records.js';
import { CompensationStatus, StepName, StepStatus } from '../core/saga/steps.js';
import type { AchArtifact, VerifyData, YtdRunContribution } from '../core/verify/verifyCheck.js';
import { openingYtdFor } from '../core/ytd.js';
import { parseAchFile } from '../infra/bank/parseAchFile.js';

export type VerifyPorts = Pick<
  SagaPorts,
  'runs' | 'chunks' | 'payslips' | 'ledger' | 'funding' | 'ach' | 'roster' | 'ytd'
>;

export interface VerifySources {
  readonly ports: VerifyPorts;
  /** Reads a transmitted file at the location the run recorded; a local file by default. */
  readonly readArtifact?: (location: string) => Promise<string>;
}

/** Chunk reads in flight at once: a 100k-employee run has 400 chunks. */
const CHUNK_READS = 16;

async function readSnapshots(ports: VerifyPorts, run: RunRecord): Promise<ChunkSnapshot[]> {
  const count = run.chunkCount ?? 0;
  const snapshots: ChunkSnapshot[] = [];
  for (let start = 0; start < count; start += CHUNK_READS) {
    const indexes = Array.from({ length: Math.min(CHUNK_READS, count - start) }, (_, i) => start + i);
    const chunks = await Promise.all(indexes.map((index) => ports.chunks.getChunk(run.runId, index)));
    for (const chunk of chunks) if (chunk) snapshots.push(chunk);
  }
  return snapshots;
}

async function artifactOf(
  record: AchFileRecord | undefined,
  location: string | undefined,
  read: (location: string) => Promise<string>,
): Promise<AchArtifact | undefined> {
  if (!record) return undefined;
  // Only a transmitted file was written out; before that there is nothing on disk to compare.
  if (record.status !== AchStatus.Transmitted || location === undefined) {
    return location === undefined ? { record } : { record, location };
  }
  try {
    return { record, location, contents: parseAchFile(await read(location)) };
  } catch (error) {
    // Parser and file-system messages name lines, fields and paths, never account numbers.
    return { record, location, readError: describeError(error) };
  }
}

/** Runs of one employer listed for the ledger check; beyond this a year has a deeper problem. */
const MAX_RUNS_PER_EMPLOYER = 10_000;

function ytdState(run: RunRecord): YtdRunContribution['state'] | undefined {
  if (compensationOf(run, StepName.CalculatePay)?.status === CompensationStatus.Compensated) return undefined;
  if (run.steps.CloseRun?.status === StepStatus.Succeeded) return 'held';
  return run.steps.CloseRun ? 'uncertain' : undefined;
}

/** The ledger entries of the run's employees and every run of the employer's year that may be in them. */
async function gatherYtd(ports: VerifyPorts, run: RunRecord, payslips: readonly PayslipRecord[]) {
  const taxYear = run.period.taxYear;
  const ids = new Set(payslips.map((payslip) => payslip.employeeId));
  const [employees, entries, runs] = await Promise.all([
    ports.roster.listEmployees(run.employerId),
    ports.ytd.entries(run.employerId, taxYear),
    ports.runs.listRuns({ employerId: run.employerId, limit: MAX_RUNS_PER_EMPLOYER }),
  ]);
  const candidates: YtdRunContribution[] = [];
  for (const other of runs) {
    const state = other.period.taxYear === taxYear ? ytdState(other) : undefined;
    if (!state) continue;
    const theirs = other.runId === run.runId ? payslips : await ports.payslips.listPayslips(other.runId);
    const contributions = ytdContributions(other, theirs);
    for (const id of contributions.keys()) if (!ids.has(id)) contributions.delete(id);
    candidates.push({ runId: other.runId, state, contributions });
  }
  return {
    taxYear,
    openings: new Map(
      employees.filter((e) => ids.has(e.employeeId)).map((e) => [e.employeeId, openingYtdFor(e, taxYear)]),
    ),
    entries: new Map([...entries].filter(([id]) => ids.has(id))),
    runs: candidates,
  };
}

/** Everything verify needs about `runId`, or undefined when there is no such run. */
export async function gatherVerifyData(
  sources: VerifySources,
  runId: string,
): Promise<VerifyData | undefined> {
  const { ports } = sources;
  const read = sources.readArtifact ?? ((location: string) => readFile(location, 'utf8'));
  const run = await ports.runs.getRun(runId);
  if (!run) return undefined;
  const [snapshots, payslips, journals, debit, refund, credit, reversal] = await Promise.all([
    readSnapshots(ports, run),
    ports.payslips.listPayslips(runId),
    ports.ledger.listJournals(runId),
    ports.funding.getMovement(runId, FundingKind.Debit),
    ports.funding.getMovement(runId, FundingKind.Refund),
    ports.ach.getAchFile(runId, AchFileKind.Credit),
    ports.ach.getAchFile(runId, AchFileKind.Reversal),
  ]);
  const [creditArtifact, reversalArtifact, ytd] = await Promise.all([
    artifactOf(credit, run.artifacts.achFile, read),
    artifactOf(reversal, run.artifacts.reversalFile, read),
    gatherYtd(ports, run, payslips),
  ]);
  return {
    run,
    snapshots,
    payslips,
    journals,
    funding: { ...(debit ? { debit } : {}), ...(refund ? { refund } : {}) },
    ach: {
      ...(creditArtifact ? { credit: creditArtifact } : {}),
      ...(reversalArtifact ? { reversal: reversalArtifact } : {}),
    },
    ytd,
  };
}
