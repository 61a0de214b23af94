/**
 * The local host provisions the payroll app from the synthesized template (dist/template) through
 * the real SDK clients: every table, queue, state machine, trigger, route and function the
 * template declares, with the values it gives; its outputs recorded as the local target's names.
 * Then templates applied to the running host: a longer visibility timeout and a schedule are
 * made, a key change is refused with nothing changed, a new index waits for the next start, which
 * rebuilds the table with its items; a type the local stack does not know stops a start in one line.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeTableCommand, GetItemCommand, PutItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { DescribeStateMachineCommand } from '@aws-sdk/client-sfn';
import { GetQueueAttributesCommand, GetQueueUrlCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BadInputError, OperationFailedError } from '../../src/core/errors.js';
import { type AwsClients, clientsFor } from '../../src/infra/aws/clients.js';
import { namesFromOutputs } from '../../src/infra/backendTarget.js';
import { type RunningHost, startHost } from '../../src/infra/local/host.js';
import { HostControlTarget } from '../../src/infra/local/hostControl.js';
import { callHostControl } from '../../src/infra/local/hostControlClient.js';
import { readHostRecord } from '../../src/infra/local/hostRecord.js';
import { payrollApp } from '../../src/infra/local/payrollApp.js';
import { builtTemplatePath, type CfnTemplate } from '../../src/infra/local/template/cfnTemplate.js';
import { readLocalTarget } from '../../src/infra/localTarget.js';

const ACCOUNT = '000000000000';
const built = () => JSON.parse(readFileSync(builtTemplatePath(), 'utf8')) as CfnTemplate;
const lambdaArn = (name: string) => `arn:aws:lambda:us-east-1:${ACCOUNT}:function:${name}`;

let home: string;
let host: RunningHost | undefined;
let aws: AwsClients;

async function start(folder: string, templateFile?: string): Promise<RunningHost> {
  return startHost({
    home: folder,
    app: payrollApp({ home: folder, ...(templateFile ? { templateFile } : {}) }),
  });
}

function logicalIdOf(template: CfnTemplate, property: string, value: string): string {
  const found = Object.entries(template.Resources).find(([, r]) => r.Properties?.[property] === value);
  if (!found) throw new Error(`no resource with ${property} ${value}`);
  return found[0];
}

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'payroll-ops-template-host-'));
  host = await start(home);
  aws = clientsFor({ kind: 'local', endpoints: host.endpoints, credentials: host.credentials });
});

afterAll(async () => {
  aws?.destroy();
  await host?.stop();
  rmSync(home, { recursive: true, force: true });
});

describe('a host provisioned from the template', () => {
  it('has the tables with their keys and index; TTL is recorded, not enforced', async () => {
    const data = (await aws.dynamodb.send(new DescribeTableCommand({ TableName: 'payroll-ops-data' }))).Table;
    expect(data?.KeySchema).toEqual([
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ]);
    expect(data?.GlobalSecondaryIndexes?.map((index) => index.IndexName)).toEqual(['gsi1']);
    const idempotency = host!.plan().tables.find((table) => table.name === 'payroll-ops-idempotency');
    expect(idempotency).toMatchObject({ partitionKey: 'id', timeToLiveAttribute: 'expiration' });
  });

  it('has the queues with the visibility timeouts and redrive policies of the template', async () => {
    const names = namesFromOutputs(readLocalTarget(home)!);
    const url = (name: string) => names.queueUrls[name]!;
    const attributes = async (queue: string) =>
      (await aws.sqs.send(new GetQueueAttributesCommand({ QueueUrl: url(queue), AttributeNames: ['All'] })))
        .Attributes!;
    const bank = await attributes(names.queues['bank-gateway']);
    expect(bank.VisibilityTimeout).toBe('120');
    expect(JSON.parse(bank.RedrivePolicy!)).toEqual({
      deadLetterTargetArn: `arn:aws:sqs:us-east-1:${ACCOUNT}:payroll-ops-bank-gateway-dlq`,
      maxReceiveCount: 3,
    });
    expect((await attributes(names.queues['payslip-delivery'])).VisibilityTimeout).toBe('30');
    // Dead letters wait 14 days for the operator.
    expect((await attributes(names.dlqs['bank-gateway'])).MessageRetentionPeriod).toBe('1209600');
    // The URLs the outputs name are those the emulator answers to.
    expect(host!.provisioned.queues.get('payroll-ops-bank-gateway')?.url).toBe(
      url('payroll-ops-bank-gateway'),
    );
  });

  it('runs the state machines with their substitutions filled in: local function ARNs and settings', async () => {
    const names = namesFromOutputs(readLocalTarget(home)!);
    const { definition } = await aws.sfn.send(
      new DescribeStateMachineCommand({ stateMachineArn: names.stateMachineArns['pay-run'] }),
    );
    expect(definition).toContain(lambdaArn('payroll-ops-open-run'));
    expect(definition).not.toContain('${');
    expect(JSON.stringify(JSON.parse(definition!))).toContain('"calculatePayMaxConcurrency.$"');
  });

  it('runs each function with the handler and names its environment gives, and the SQS triggers', () => {
    const plan = host!.plan();
    expect(plan.functions).toHaveLength(
      Object.values(built().Resources).filter((r) => r.Type === 'AWS::Lambda::Function').length,
    );
    for (const fn of plan.functions) {
      expect(fn.environment.PAYROLL_OPS_HANDLER, fn.name).toBe(fn.name.replace('payroll-ops-', ''));
      expect(fn.environment.PAYROLL_OPS_DATA_TABLE).toBe('payroll-ops-data');
    }
    expect(plan.eventSourceMappings.map(({ logicalId: _, ...mapping }) => mapping)).toEqual([
      {
        queueName: 'payroll-ops-bank-gateway',
        functionName: 'payroll-ops-bank-gateway',
        batchSize: 1,
        reportBatchItemFailures: true,
        maximumConcurrency: 2,
        enabled: true,
      },
      {
        queueName: 'payroll-ops-payslip-delivery',
        functionName: 'payroll-ops-payslip-delivery',
        batchSize: 10,
        reportBatchItemFailures: true,
        maximumConcurrency: 2,
        enabled: true,
      },
    ]);
  });

  it('serves the API routes of the template with the off-cycle function', async () => {
    const token = readFileSync(join(home, 'api-token'), 'utf8').trim();
    const answer = await fetch(`${host!.endpoints.api}/runs/not-a-run`, {
      headers: { authorization: `Bearer ${token}` },
    });
    // The function answered (a router miss would be a bare 404 Not Found).
    expect(answer.status).toBe(404);
    expect(await answer.json()).toMatchObject({ error: expect.any(String) });
    expect(host!.plan().routes.map((route) => `${route.method} ${route.path}`)).toEqual([
      'POST /runs',
      'GET /runs/{runId}',
    ]);
  });

  it('records the outputs, resolved, as the local target in config.json', () => {
    const record = readLocalTarget(home)!;
    expect(record).toMatchObject({
      kind: 'local',
      stackName: 'payroll-ops',
      account: ACCOUNT,
      region: 'us-east-1',
    });
    expect(namesFromOutputs(record)).toMatchObject({
      dataTable: 'payroll-ops-data',
      idempotencyTable: 'payroll-ops-idempotency',
      queues: {
        'bank-gateway': 'payroll-ops-bank-gateway',
        'payslip-delivery': 'payroll-ops-payslip-delivery',
      },
      stateMachineArns: { 'pay-run': `arn:aws:states:us-east-1:${ACCOUNT}:stateMachine:payroll-ops-pay-run` },
    });
    // Not the template's execute-api URL, which names nothing here: the API this host serves.
    expect(record.outputs.ApiUrl).toBe(`${host!.endpoints.api}/`);
  });
});

/** The build's template with a second index on the data table. */
function withSecondIndex(): CfnTemplate {
  const template = built();
  const data = template.Resources[logicalIdOf(template, 'TableName', 'payroll-ops-data')]!
    .Properties as Record<string, unknown>;
  data.AttributeDefinitions = [
    ...(data.AttributeDefinitions as object[]),
    { AttributeName: 'gsi2pk', AttributeType: 'S' },
  ];
  data.GlobalSecondaryIndexes = [
    ...(data.GlobalSecondaryIndexes as object[]),
    {
      IndexName: 'gsi2',
      KeySchema: [{ AttributeName: 'gsi2pk', KeyType: 'HASH' }],
      Projection: { ProjectionType: 'ALL' },
    },
  ];
  return template;
}

describe('templates applied to the running host', () => {
  const apply = (template: CfnTemplate, target: string = HostControlTarget.Apply) =>
    callHostControl(host!.endpoints.stepfunctions, host!.credentials, target as HostControlTarget, {
      template,
      templateFile: 'test',
    });

  it('lengthens a visibility timeout and adds a schedule that starts an execution', async () => {
    const template = built();
    const resources = template.Resources as Record<
      string,
      { Type: string; Properties: Record<string, unknown> }
    >;
    resources[
      logicalIdOf(template, 'QueueName', 'payroll-ops-payslip-delivery')
    ]!.Properties.VisibilityTimeout = 45;
    const payRunId = logicalIdOf(template, 'StateMachineName', 'payroll-ops-pay-run');
    resources.PaydaySchedule = {
      Type: 'AWS::Scheduler::Schedule',
      Properties: {
        Name: 'payroll-ops-payday',
        ScheduleExpression: 'cron(0 6 * * ? *)',
        FlexibleTimeWindow: { Mode: 'OFF' },
        Target: { Arn: { Ref: payRunId }, RoleArn: 'unused', Input: '{"source":"schedule"}' },
      },
    };
    const planned = await apply(template, HostControlTarget.Diff);
    expect(planned.changes.map((c) => [c.change, c.name, c.details])).toEqual([
      ['update', 'payroll-ops-payslip-delivery', ['VisibilityTimeout 30 → 45']],
      ['add', 'payroll-ops-payday', []],
    ]);
    await apply(template);
    const url = host!.provisioned.queues.get('payroll-ops-payslip-delivery')!.url;
    const queue = await aws.sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['VisibilityTimeout'] }),
    );
    expect(queue.Attributes?.VisibilityTimeout).toBe('45');
    // Beside the stack's own schedules (the daily payday, the DLQ redrive).
    expect(host!.plan().schedules.filter((schedule) => schedule.name === 'payroll-ops-payday')).toEqual([
      expect.objectContaining({
        name: 'payroll-ops-payday',
        target: {
          kind: 'state-machine',
          stateMachineArn: `arn:aws:states:us-east-1:${ACCOUNT}:stateMachine:payroll-ops-pay-run`,
          input: '{"source":"schedule"}',
        },
      }),
    ]);
    expect((await apply(template, HostControlTarget.Diff)).changes).toEqual([]);
  });

  it('refuses to change the keys of a table, with nothing changed, and keeps its items', async () => {
    await aws.dynamodb.send(
      new PutItemCommand({
        TableName: 'payroll-ops-data',
        Item: { pk: { S: 'KEEP' }, sk: { S: 'ME' }, gsi2pk: { S: 'SECOND' } },
      }),
    );
    const template = built();
    const data = template.Resources[logicalIdOf(template, 'TableName', 'payroll-ops-data')]!
      .Properties as Record<string, unknown>;
    (data.KeySchema as { AttributeName: string }[])[1]!.AttributeName = 'gsi1sk';
    const refusal = apply(template);
    await expect(refusal).rejects.toBeInstanceOf(OperationFailedError);
    await expect(refusal).rejects.toThrow(
      /Refused, nothing changed: changing the keys of table payroll-ops-data/,
    );
    const item = await aws.dynamodb.send(
      new GetItemCommand({ TableName: 'payroll-ops-data', Key: { pk: { S: 'KEEP' }, sk: { S: 'ME' } } }),
    );
    expect(item.Item).toBeDefined();
    // The schedule of the previous test is still there: nothing was applied.
    expect(host!.plan().schedules.map((schedule) => schedule.name)).toContain('payroll-ops-payday');
  });

  it('refuses a definition the emulator would refuse before changing anything: no new table or queue is left behind', async () => {
    const template = built();
    const resources = template.Resources as Record<string, unknown>;
    resources.NewTable = {
      Type: 'AWS::DynamoDB::Table',
      Properties: {
        TableName: 'payroll-ops-new',
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      },
    };
    resources.NewQueue = { Type: 'AWS::SQS::Queue', Properties: { QueueName: 'payroll-ops-new' } };
    resources.BadMachine = {
      Type: 'AWS::StepFunctions::StateMachine',
      Properties: { StateMachineName: 'payroll-ops-bad', DefinitionString: '{"StartAt":"X","States":{}}' },
    };
    const refusal = apply(template);
    await expect(refusal).rejects.toBeInstanceOf(BadInputError);
    await expect(refusal).rejects.toThrow(
      /^BadMachine: Invalid State Machine Definition: .*MISSING_TRANSITION_TARGET.*; fix the state machine's definition\.$/,
    );
    await expect(
      aws.dynamodb.send(new DescribeTableCommand({ TableName: 'payroll-ops-new' })),
    ).rejects.toThrow();
    await expect(aws.sqs.send(new GetQueueUrlCommand({ QueueName: 'payroll-ops-new' }))).rejects.toThrow();
    expect((await apply(built(), HostControlTarget.Diff)).changes.map((c) => c.name)).not.toContain(
      'payroll-ops-new',
    );
  });

  it('keeps its schedules firing when a deploy is refused for one that cannot run', async () => {
    const before = host!.plan().schedules.map((schedule) => schedule.name);
    const template = built();
    const resources = template.Resources as Record<
      string,
      { Type: string; Properties: Record<string, unknown> }
    >;
    resources.NewQueue = { Type: 'AWS::SQS::Queue', Properties: { QueueName: 'payroll-ops-new-2' } };
    const daily = Object.values(resources).find((r) => r.Type === 'AWS::Scheduler::Schedule')!;
    daily.Properties.ScheduleExpressionTimezone = 'Mars/Olympus';
    await expect(apply(template)).rejects.toThrow(/"Mars\/Olympus" is not an IANA time zone/);
    await expect(aws.sqs.send(new GetQueueUrlCommand({ QueueName: 'payroll-ops-new-2' }))).rejects.toThrow();
    expect(host!.plan().schedules.map((schedule) => schedule.name)).toEqual(before);
  });

  it('leaves a new index to the next start, saying so', async () => {
    const refusal = apply(withSecondIndex());
    await expect(refusal).rejects.toThrow(
      /new indexes on table payroll-ops-data need it rebuilt, .* payroll-ops local stop/,
    );
  });
});

describe('the next start', () => {
  const query = () =>
    aws.dynamodb.send(
      new QueryCommand({
        TableName: 'payroll-ops-data',
        IndexName: 'gsi2',
        KeyConditionExpression: 'gsi2pk = :key',
        ExpressionAttributeValues: { ':key': { S: 'SECOND' } },
      }),
    );
  const restart = async (templateFile?: string) => {
    await host!.stop();
    host = await start(home, templateFile);
    aws.destroy();
    aws = clientsFor({ kind: 'local', endpoints: host.endpoints, credentials: host.credentials });
  };
  const kept = async () =>
    (
      await aws.dynamodb.send(
        new GetItemCommand({ TableName: 'payroll-ops-data', Key: { pk: { S: 'KEEP' }, sk: { S: 'ME' } } }),
      )
    ).Item;

  it('rebuilds a table for its new index, with every item, the index filled', async () => {
    const file = join(home, 'second-index.template.json');
    writeFileSync(file, JSON.stringify(withSecondIndex()));
    await restart(file);
    expect(await kept()).toBeDefined();
    expect((await query()).Items?.map((item) => item.pk?.S)).toEqual(['KEEP']);
    expect(readLocalTarget(home)?.templateFile).toBe(file);
  });

  it('applies the build template again: the index gone, the items kept, the outputs recorded', async () => {
    await restart();
    expect(await kept()).toBeDefined();
    await expect(query()).rejects.toThrow();
    expect(readLocalTarget(home)?.outputs.DataTableName).toBe('payroll-ops-data');
    expect(readHostRecord(home)?.pid).toBe(process.pid);
  });
});

describe('a template the local stack cannot run', () => {
  it('stops the start in one line naming the resource and its type, and leaves the folder free', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'payroll-ops-template-bad-'));
    try {
      const template = built();
      (template.Resources as Record<string, unknown>).Stream = {
        Type: 'AWS::Kinesis::Stream',
        Properties: {},
      };
      const file = join(folder, 'bad.template.json');
      writeFileSync(file, JSON.stringify(template));
      const failed = start(folder, file);
      await expect(failed).rejects.toBeInstanceOf(BadInputError);
      await expect(failed).rejects.toThrow(
        /^Stream has the type AWS::Kinesis::Stream, which the local stack neither runs nor ignores/,
      );
      const second = await start(folder);
      await second.stop();
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
