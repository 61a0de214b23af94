import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AtomicFileWriter, BatchedAppender } from './fileWriters.js';
import { parseExecutionArn } from './names.js';
import type { ExecutionRecord, HistoryEvent, StateMachineRecord } from './types.js';

/**
 * The on-disk layout of the local Step Functions service, under `<dataDir>/stepfunctions/`:
 *   state-machines.json                          all state machines (rewritten atomically)
 *   executions/<machine>/<name>.json             one execution record (rewritten atomically on status changes)
 *   executions/<machine>/<name>.history.jsonl    its history, one event per line, appended in batches
 * Names are URI-encoded so that any valid AWS name is a safe file name.
 */
export class StepFunctionsStore {
  private readonly writer = new AtomicFileWriter();
  private readonly appender = new BatchedAppender();

  constructor(
    private readonly root: string,
    private readonly onError: (error: unknown) => void,
  ) {}

  async loadStateMachines(): Promise<StateMachineRecord[]> {
    const text = await readOptional(join(this.root, 'state-machines.json'));
    return text === undefined ? [] : (JSON.parse(text) as StateMachineRecord[]);
  }

  saveStateMachines(records: readonly StateMachineRecord[]): Promise<void> {
    return this.writer
      .write(join(this.root, 'state-machines.json'), JSON.stringify(records))
      .catch(this.onError);
  }

  async loadExecutions(): Promise<ExecutionRecord[]> {
    const base = join(this.root, 'executions');
    const records: ExecutionRecord[] = [];
    for (const machineDir of await readDirOptional(base)) {
      for (const file of await readDirOptional(join(base, machineDir))) {
        if (!file.endsWith('.json')) continue;
        const text = await readOptional(join(base, machineDir, file));
        if (text !== undefined) records.push(JSON.parse(text) as ExecutionRecord);
      }
    }
    return records;
  }

  /** Queues an atomic rewrite of the record; failures are reported, never thrown at the caller. */
  saveExecution(record: ExecutionRecord): Promise<void> {
    return this.writer
      .write(this.executionPath(record.arn, '.json'), JSON.stringify(record))
      .catch(this.onError);
  }

  appendHistory(executionArn: string, events: readonly HistoryEvent[]): void {
    const path = this.executionPath(executionArn, '.history.jsonl');
    for (const event of events) this.appender.append(path, `${JSON.stringify(event)}\n`);
  }

  /** The history as written; a torn last line from a killed process is dropped. */
  async readHistory(executionArn: string): Promise<HistoryEvent[]> {
    const text = await readOptional(this.executionPath(executionArn, '.history.jsonl'));
    if (text === undefined) return [];
    const events: HistoryEvent[] = [];
    for (const line of text.split('\n')) {
      if (line === '') continue;
      try {
        events.push(JSON.parse(line) as HistoryEvent);
      } catch {
        break;
      }
    }
    return events;
  }

  /** Writes out all buffered history and pending records. */
  async flush(): Promise<void> {
    await this.appender.flush().catch(this.onError);
    await this.writer.settle().catch(this.onError);
  }

  private executionPath(executionArn: string, suffix: string): string {
    const { machineName, name } = parseExecutionArn(executionArn);
    return join(
      this.root,
      'executions',
      encodeURIComponent(machineName),
      `${encodeURIComponent(name)}${suffix}`,
    );
  }
}

async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

async function readDirOptional(path: string): Promise<string[]> {
  try {
    return await readdir(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}
