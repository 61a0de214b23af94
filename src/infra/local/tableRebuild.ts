/**
 * A table whose indexes changed, rebuilt: dynalite's UpdateTable changes throughput only, it
 * cannot add or drop an index of a table that holds items. So the host copies every item to a
 * journal in the data folder (written whole, then renamed into place), makes the table anew with
 * its new indexes, puts the items back — which fills the indexes — and removes the journal. A host
 * that dies midway finds the journal at its next start and finishes the job before anything else.
 * Only a starting host does this: nothing else writes to the table then.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AttributeValue, CreateTableCommandInput, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { InfrastructureError } from '../../core/errors.js';
import { dynamodbSdk } from '../aws/sdk.js';
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from './privateFolder.js';

const {
  BatchWriteItemCommand,
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  ResourceNotFoundException,
  ScanCommand,
} = dynamodbSdk;

type Item = Record<string, AttributeValue>;

interface Journal {
  /** How to make the table anew: its keys and its new indexes. */
  readonly create: CreateTableCommandInput;
  readonly items: readonly Item[];
}

const JOURNAL_DIR = 'table-rebuilds';
const journalOf = (home: string, table: string) => join(home, JOURNAL_DIR, `${table}.json`);
/** DynamoDB's limit per BatchWriteItem. */
const BATCH = 25;
const WAIT_MS = 5_000;

async function scanAll(dynamodb: DynamoDBClient, table: string): Promise<Item[]> {
  const items: Item[] = [];
  let start: Item | undefined;
  do {
    const page = await dynamodb.send(new ScanCommand({ TableName: table, ExclusiveStartKey: start }));
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

/** dynalite creates and deletes tables on a timer: wait until the table is `wanted`. */
async function waitFor(dynamodb: DynamoDBClient, table: string, wanted: 'ACTIVE' | 'GONE'): Promise<void> {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    let status: string | undefined;
    try {
      status = (await dynamodb.send(new DescribeTableCommand({ TableName: table }))).Table?.TableStatus;
    } catch (error) {
      if (!(error instanceof ResourceNotFoundException)) throw error;
      status = 'GONE';
    }
    if (status === wanted) return;
    if (Date.now() > deadline) {
      throw new InfrastructureError(
        'LOCAL_TABLE_REBUILD',
        `Table ${table} is still ${status} after ${WAIT_MS} ms.`,
      );
    }
    await sleep(20);
  }
}

async function putAll(dynamodb: DynamoDBClient, table: string, items: readonly Item[]): Promise<void> {
  for (let at = 0; at < items.length; at += BATCH) {
    let requests = items.slice(at, at + BATCH).map((item) => ({ PutRequest: { Item: item } }));
    while (requests.length > 0) {
      const written = await dynamodb.send(new BatchWriteItemCommand({ RequestItems: { [table]: requests } }));
      requests = (written.UnprocessedItems?.[table] ?? []) as typeof requests;
    }
  }
}

async function restore(dynamodb: DynamoDBClient, home: string, journal: Journal): Promise<void> {
  const table = journal.create.TableName!;
  // Whatever is there now (the old table, or a new one half filled) goes; the journal has it all.
  try {
    await dynamodb.send(new DeleteTableCommand({ TableName: table }));
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
  }
  await waitFor(dynamodb, table, 'GONE');
  await dynamodb.send(new CreateTableCommand(journal.create));
  await waitFor(dynamodb, table, 'ACTIVE');
  await putAll(dynamodb, table, journal.items);
  rmSync(journalOf(home, table), { force: true });
}

/** Makes `create.TableName` anew as `create` says, with every item it held. */
export async function rebuildTable(
  dynamodb: DynamoDBClient,
  home: string,
  create: CreateTableCommandInput,
): Promise<void> {
  const table = create.TableName!;
  const journal: Journal = { create, items: await scanAll(dynamodb, table) };
  mkdirSync(join(home, JOURNAL_DIR), { recursive: true, mode: PRIVATE_DIR_MODE });
  const file = journalOf(home, table);
  // Written whole before the table is touched: only a complete journal is ever found at start.
  writeFileSync(`${file}.partial`, JSON.stringify(journal), { mode: PRIVATE_FILE_MODE, flush: true });
  renameSync(`${file}.partial`, file);
  await restore(dynamodb, home, journal);
}

/** Finishes the rebuilds a host that died left behind; their tables' names. */
export async function resumeRebuilds(dynamodb: DynamoDBClient, home: string): Promise<string[]> {
  const dir = join(home, JOURNAL_DIR);
  if (!existsSync(dir)) return [];
  const resumed: string[] = [];
  for (const name of readdirSync(dir).filter((file) => file.endsWith('.json'))) {
    const journal = JSON.parse(readFileSync(join(dir, name), 'utf8')) as Journal;
    await restore(dynamodb, home, journal);
    resumed.push(journal.create.TableName!);
  }
  return resumed;
}
