// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Fn::Sub placeholders are ${...} in plain strings.
/**
 * Templates as a clumsy operator or someone with a grudge would hand them to `deploy --template`:
 * too deep, too large, not a file, exponentially self-referencing, properties of the wrong shape,
 * names and values AWS would refuse. Each is refused in one line naming the problem (bad input,
 * exit 2) while the template is read and planned — before any host is involved, so nothing is
 * half applied — and in bounded time and memory.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BadInputError } from '../../src/core/errors.js';
import { LOCAL_SCOPE } from '../../src/infra/local/hostedApp.js';
import {
  type CfnTemplate,
  MAX_TEMPLATE_BYTES,
  parseTemplate,
  readTemplate,
} from '../../src/infra/local/template/cfnTemplate.js';
import { templatePlan } from '../../src/infra/local/template/templatePlan.js';

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'payroll-ops-template-attacks-'));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function refusal(action: () => unknown): string {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(BadInputError);
    expect((error as Error).message).not.toContain('\n');
    return (error as Error).message;
  }
  throw new Error('expected a refusal');
}

const plan = (resources: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  templatePlan({ Resources: resources, ...extra } as unknown as CfnTemplate, LOCAL_SCOPE);
const planText = (text: string) => templatePlan(parseTemplate(text, 'evil.json'), LOCAL_SCOPE);

const queue = (name: unknown, properties: Record<string, unknown> = {}) => ({
  Type: 'AWS::SQS::Queue',
  Properties: { QueueName: name, ...properties },
});
const table = (name: unknown, properties: Record<string, unknown> = {}) => ({
  Type: 'AWS::DynamoDB::Table',
  Properties: {
    TableName: name,
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
    ...properties,
  },
});
const fn = (name: string) => ({
  Type: 'AWS::Lambda::Function',
  Properties: { FunctionName: name, Environment: { Variables: {} } },
});

describe('a template too deep, too large or not a file', () => {
  it('refuses JSON nested 100,000 levels deep in a value, without overflowing the stack', () => {
    const deep = `${'{"a":'.repeat(100_000)}"x"${'}'.repeat(100_000)}`;
    const text = `{"Resources":{"Q":{"Type":"AWS::SQS::Queue","Properties":{"QueueName":"q","Tags":${deep}}}}}`;
    expect(refusal(() => planText(text))).toBe(
      'evil.json nests more than 64 levels deep, which no synthesized template does; give a synthesized template.',
    );
  });

  it('refuses an Fn::Join of an Fn::Join … 10,000 deep', () => {
    const join10k = `${'{"Fn::Join":["",['.repeat(10_000)}"x"${']]}'.repeat(10_000)}`;
    const text = `{"Resources":{},"Outputs":{"Deep":{"Value":${join10k}}}}`;
    expect(refusal(() => planText(text))).toMatch(/nests more than 64 levels deep/);
  });

  it('refuses names that double through 40 resources (2^40 characters) at once, not after the memory is gone', () => {
    const resources: Record<string, unknown> = { Q0: queue('ab') };
    for (let i = 1; i <= 40; i++) {
      const previous = { 'Fn::GetAtt': [`Q${i - 1}`, 'QueueName'] };
      resources[`Q${i}`] = queue({ 'Fn::Join': ['', [previous, previous]] });
    }
    const started = performance.now();
    expect(refusal(() => plan(resources))).toMatch(
      /^Q\d+\.QueueName: Fn::Join makes a value of more than 1 MiB/,
    );
    const sub: Record<string, unknown> = { Q0: queue('ab') };
    for (let i = 1; i <= 40; i++) {
      sub[`Q${i}`] = queue({ 'Fn::Sub': ['${A}${A}', { A: { 'Fn::GetAtt': [`Q${i - 1}`, 'QueueName'] } }] });
    }
    expect(refusal(() => plan(sub))).toMatch(/Fn::Sub makes a value of more than 1 MiB/);
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it('refuses a file over 1 MiB (a sparse 1 GB one too) without reading it', () => {
    const huge = join(dir, 'huge.json');
    writeFileSync(huge, '');
    truncateSync(huge, 1024 ** 3);
    const before = process.memoryUsage().rss;
    expect(refusal(() => readTemplate(huge))).toBe(
      `${huge} is larger than 1 MiB, CloudFormation's limit for a template; give a synthesized template.`,
    );
    expect(process.memoryUsage().rss - before).toBeLessThan(64 * 1024 * 1024);
    const big = join(dir, 'big.json');
    writeFileSync(big, JSON.stringify({ Resources: {}, Metadata: { pad: 'x'.repeat(MAX_TEMPLATE_BYTES) } }));
    expect(refusal(() => readTemplate(big))).toMatch(/is larger than 1 MiB/);
  });

  it('refuses what is not a file: a device that never ends, a pipe that never opens, a folder', () => {
    const fifo = join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    const folder = join(dir, 'folder');
    mkdirSync(folder);
    for (const path of ['/dev/zero', fifo, folder]) {
      expect(refusal(() => readTemplate(path))).toBe(
        `${path} is not a file; give a synthesized template file.`,
      );
    }
  });
});

describe('properties of the wrong shape', () => {
  it.each([
    [
      'indexes that are not a list',
      table('payroll-ops-t', { GlobalSecondaryIndexes: 'x' }),
      /^T: its properties are not those of a AWS::DynamoDB::Table \(/,
    ],
    [
      'a key schema that is a string',
      table('payroll-ops-t', { KeySchema: 'x', AttributeDefinitions: 5 }),
      /^T: its properties are not those of a AWS::DynamoDB::Table/,
    ],
    [
      'a redrive policy that is not JSON',
      queue('payroll-ops-q', { RedrivePolicy: '{bad' }),
      /^T: its properties are not those of a AWS::SQS::Queue/,
    ],
  ])('refuses %s in one line naming the resource', (_what, resource, message) => {
    expect(refusal(() => plan({ T: resource }))).toMatch(message);
  });

  it('refuses Properties, Outputs and Parameters that are not maps', () => {
    expect(refusal(() => planText('{"Resources":{"Q":{"Type":"AWS::SQS::Queue","Properties":"abc"}}}'))).toBe(
      'evil.json: resource Q has Properties that are not a map.',
    );
    expect(refusal(() => planText('{"Resources":{},"Outputs":{"X":null}}'))).toBe(
      'evil.json: output X has no Value.',
    );
    expect(refusal(() => planText('{"Resources":{},"Parameters":{"P":1}}'))).toBe(
      'evil.json: parameter P has no Type.',
    );
  });

  it('takes no name from the prototype: a Ref to constructor is to nothing of the template', () => {
    expect(refusal(() => plan({ Q: queue({ Ref: 'constructor' }) }))).toMatch(
      /refers to constructor, which is not a resource or parameter of the template/,
    );
  });
});

describe('names and values AWS would refuse, refused before anything is applied', () => {
  it.each([
    [
      'a table name with path characters',
      { T: table('../../etc/x') },
      'T: the DynamoDB table name "../../etc/x" is not valid on AWS',
    ],
    ['a table name too short', { T: table('x') }, 'T: the DynamoDB table name "x" is not valid'],
    [
      'a queue name with a slash and a space',
      { Q: queue('../x y/z') },
      'Q: the SQS queue name "../x y/z" is not valid',
    ],
    [
      'a FIFO queue not named .fifo',
      { Q: queue('payroll-ops-q', { FifoQueue: true, QueueName: 'payroll-ops-q' }) },
      'Q: the FIFO queue name "payroll-ops-q" is not valid',
    ],
    [
      'a function name with a colon',
      { F: fn('payroll:ops') },
      'F: the Lambda function name "payroll:ops" is not valid',
    ],
    [
      'a state machine name with spaces',
      {
        S: {
          Type: 'AWS::StepFunctions::StateMachine',
          Properties: { StateMachineName: 'bad name', DefinitionString: '{}' },
        },
      },
      'S: the state machine name "bad name" is not valid',
    ],
    [
      'a definition that is not JSON',
      {
        S: {
          Type: 'AWS::StepFunctions::StateMachine',
          Properties: { StateMachineName: 'sm', DefinitionString: 'not json' },
        },
      },
      'S: its definition is not JSON',
    ],
    [
      'two tables of one name',
      { A: table('payroll-ops-t'), B: table('payroll-ops-t') },
      'B: A already has the table name payroll-ops-t; rename one.',
    ],
    [
      'a visibility timeout of abc',
      { Q: queue('payroll-ops-q', { VisibilityTimeout: 'abc' }) },
      'Q: VisibilityTimeout abc is not valid on SQS (a whole number from 0 to 43200).',
    ],
    [
      'a retention of one second',
      { Q: queue('payroll-ops-q', { MessageRetentionPeriod: 1 }) },
      'Q: MessageRetentionPeriod 1 is not valid on SQS',
    ],
    [
      'a redrive to a queue not in the template',
      {
        Q: queue('payroll-ops-q', {
          RedrivePolicy: {
            deadLetterTargetArn: 'arn:aws:sqs:us-east-1:000000000000:nope',
            maxReceiveCount: 3,
          },
        }),
      },
      'Q: its dead-letter queue arn:aws:sqs:us-east-1:000000000000:nope is not another queue of this template',
    ],
    [
      'a maxReceiveCount of 0',
      {
        D: queue('payroll-ops-dlq'),
        Q: queue('payroll-ops-q', {
          RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': ['D', 'Arn'] }, maxReceiveCount: 0 },
        }),
      },
      'Q: maxReceiveCount 0 is not valid on SQS (1 to 1000).',
    ],
    [
      'a trigger of a function the template lacks',
      {
        Q: queue('payroll-ops-q'),
        M: {
          Type: 'AWS::Lambda::EventSourceMapping',
          Properties: { EventSourceArn: { 'Fn::GetAtt': ['Q', 'Arn'] }, FunctionName: 'ghost' },
        },
      },
      'M: the function ghost is not a function of this template',
    ],
  ])('refuses %s', (_what, resources, message) => {
    expect(refusal(() => plan(resources))).toContain(message);
  });

  const schedule = (properties: Record<string, unknown>) => ({
    F: fn('payroll-ops-fn'),
    S: {
      Type: 'AWS::Scheduler::Schedule',
      Properties: {
        Name: 'payroll-ops-s',
        ScheduleExpression: 'rate(15 minutes)',
        Target: { Arn: 'arn:aws:lambda:us-east-1:000000000000:function:payroll-ops-fn' },
        ...properties,
      },
    },
  });

  it('refuses schedules that cannot run: a bad cron, a time zone that is none, a function the template lacks', () => {
    expect(refusal(() => plan(schedule({ ScheduleExpression: 'cron(a b c d e f)' })))).toMatch(
      /^S: the schedule cron\(a b c d e f\) cannot run: /,
    );
    expect(refusal(() => plan(schedule({ ScheduleExpressionTimezone: 'Mars/Olympus' })))).toBe(
      'S: "Mars/Olympus" is not an IANA time zone (e.g. Europe/Paris, Etc/UTC).',
    );
    expect(
      refusal(() =>
        plan(schedule({ Target: { Arn: 'arn:aws:lambda:us-east-1:000000000000:function:ghost' } })),
      ),
    ).toContain('S: the function ghost is not a function of this template');
    expect(plan(schedule({})).schedules).toHaveLength(1);
  });
});
