/**
 * What `deploy` on the local target would change, worked out from what the emulators hold and the
 * plan the host runs: nothing when they agree, and a refusal — with its reason and way out — for
 * every change that would drop data.
 */
import { describe, expect, it } from 'vitest';
import { applyToEmulators } from '../../src/infra/local/provision.js';
import type { LocalPlan, PlannedQueue, PlannedTable } from '../../src/infra/local/template/localPlan.js';
import { diffPlan, EMPTY_PLAN, type Observed } from '../../src/infra/local/template/planDiff.js';

const TABLE: PlannedTable = {
  logicalId: 'DataTable',
  resourceType: 'AWS::DynamoDB::GlobalTable',
  name: 'payroll-ops-data',
  partitionKey: 'pk',
  sortKey: 'sk',
  gsis: [{ name: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' }],
};
const QUEUE: PlannedQueue = {
  logicalId: 'BankQueue',
  name: 'payroll-ops-bank-gateway',
  url: 'http://sqs.us-east-1.localhost/000000000000/payroll-ops-bank-gateway',
  arn: 'arn:aws:sqs:us-east-1:000000000000:payroll-ops-bank-gateway',
  fifo: false,
  attributes: { VisibilityTimeout: '120' },
};
const PLAN: LocalPlan = { ...EMPTY_PLAN, stackName: 'payroll-ops', tables: [TABLE], queues: [QUEUE] };

function observed(messages = 0, table: Partial<PlannedTable> = {}): Observed {
  return {
    tables: new Map([[TABLE.name, { ...TABLE, ...table }]]),
    queues: new Map([[QUEUE.name, { url: QUEUE.url, attributes: { VisibilityTimeout: '120' }, messages }]]),
    stateMachines: new Map(),
  };
}

const RUNNING = { rebuildTables: false };

describe('the local diff', () => {
  it('is empty when the emulators hold what the plan says', () => {
    expect(diffPlan(observed(), PLAN, PLAN, RUNNING)).toEqual([]);
  });

  it('creates what is missing, at start included', () => {
    const none: Observed = { tables: new Map(), queues: new Map(), stateMachines: new Map() };
    expect(diffPlan(none, EMPTY_PLAN, PLAN, RUNNING).map((c) => [c.change, c.impact, c.name])).toEqual([
      ['add', 'WILL_CREATE', 'payroll-ops-data'],
      ['add', 'WILL_CREATE', 'payroll-ops-bank-gateway'],
    ]);
  });

  it('refuses to remove a table or change its keys', () => {
    const [removed] = diffPlan(observed(), PLAN, { ...PLAN, tables: [] }, RUNNING);
    expect(removed).toMatchObject({
      change: 'remove',
      refused: expect.stringMatching(/drops every item.*local reset/),
    });
    const [rekeyed] = diffPlan(
      observed(),
      PLAN,
      { ...PLAN, tables: [{ ...TABLE, sortKey: 'other' }] },
      RUNNING,
    );
    expect(rekeyed).toMatchObject({
      impact: 'WILL_REPLACE',
      refused: expect.stringMatching(/changing the keys/),
    });
  });

  it('removes an empty queue, and refuses to remove one that holds messages', () => {
    const dropped = { ...PLAN, queues: [] };
    expect(diffPlan(observed(0), PLAN, dropped, RUNNING)[0]?.refused).toBeUndefined();
    expect(diffPlan(observed(3), PLAN, dropped, RUNNING)[0]?.refused).toMatch(/drops the 3 message\(s\)/);
  });

  it('rebuilds a table for a new index only at start', () => {
    const indexed = {
      ...PLAN,
      tables: [{ ...TABLE, gsis: [...TABLE.gsis, { name: 'gsi2', partitionKey: 'g2' }] }],
    };
    expect(diffPlan(observed(), PLAN, indexed, RUNNING)[0]?.refused).toMatch(/only as it starts/);
    expect(diffPlan(observed(), PLAN, indexed, { rebuildTables: true })[0]).toMatchObject({
      details: ['add index gsi2', 'the table is rebuilt with its items'],
    });
    expect(diffPlan(observed(), PLAN, indexed, { rebuildTables: true })[0]?.refused).toBeUndefined();
  });

  it('says a queue attribute changed, and from what to what', () => {
    const longer = { ...PLAN, queues: [{ ...QUEUE, attributes: { VisibilityTimeout: '300' } }] };
    expect(diffPlan(observed(), PLAN, longer, RUNNING)[0]?.details).toEqual(['VisibilityTimeout 120 → 300']);
  });
});

describe('an apply that fails part way', () => {
  it('takes back the table and queue it created, and reports the failure', async () => {
    const sent: string[] = [];
    const client = (fail?: string) => ({
      send: async (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
        const name = command.constructor.name;
        sent.push(
          `${name} ${String(command.input.TableName ?? command.input.QueueName ?? command.input.QueueUrl ?? command.input.name ?? '')}`,
        );
        if (name === fail) throw new Error(`${name} failed`);
        if (name === 'CreateQueueCommand')
          return { QueueUrl: `http://sqs/${String(command.input.QueueName)}` };
        return {};
      },
    });
    const table: PlannedTable = {
      logicalId: 'T',
      resourceType: 'AWS::DynamoDB::Table',
      name: 'payroll-ops-new',
      partitionKey: 'pk',
      gsis: [],
    };
    const queue = (name: string): PlannedQueue => ({
      logicalId: name,
      name,
      url: `http://sqs.us-east-1.localhost/000000000000/${name}`,
      arn: `arn:aws:sqs:us-east-1:000000000000:${name}`,
      fifo: false,
      attributes: {},
    });
    const plan: LocalPlan = {
      ...EMPTY_PLAN,
      stackName: 'payroll-ops',
      tables: [table],
      queues: [queue('payroll-ops-a'), queue('payroll-ops-b')],
    };
    const nothing: Observed = { tables: new Map(), queues: new Map(), stateMachines: new Map() };
    const changes = diffPlan(nothing, EMPTY_PLAN, plan, { rebuildTables: false });
    let created = 0;
    const sqs = {
      send: async (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
        if (command.constructor.name === 'CreateQueueCommand' && ++created === 2) {
          sent.push('CreateQueueCommand failed');
          throw new Error('the second queue could not be made');
        }
        return client().send(command);
      },
    };
    const clients = { dynamodb: client(), sqs, sfn: client() } as never;
    await expect(applyToEmulators(clients, nothing, changes, plan, '/nonexistent')).rejects.toThrow(
      'the second queue could not be made',
    );
    expect(sent).toEqual(
      expect.arrayContaining([
        'DeleteTableCommand payroll-ops-new',
        'DeleteQueueCommand http://sqs/payroll-ops-a',
      ]),
    );
  });
});
