/**
 * `deploy` on the local target through the built CLI: the synthesized template applied to the
 * running host — a second deploy changes nothing and says so, `--diff` shows what a changed
 * template would change and `deploy` makes it, and a template that would drop a table is refused
 * with nothing changed.
 */
import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { DescribeStateMachineCommand } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AwsClients, clientsFor } from '../../src/infra/aws/clients.js';
import { localCredentials } from '../../src/infra/local/credentials.js';
import { readHostRecord } from '../../src/infra/local/hostRecord.js';
import { builtTemplatePath } from '../../src/infra/local/template/cfnTemplate.js';
import { createCli } from '../support/cli.js';

interface Change {
  readonly logicalId: string;
  readonly resourceType: string;
  readonly change: string;
  readonly name: string;
  readonly refused?: string;
}

let home: string;
let scratch: string;
let aws: AwsClients | undefined;
const cli = createCli({ home: () => home });
const builtText = () => readFileSync(builtTemplatePath(), 'utf8');

const PAY_RUN_ARN = 'arn:aws:states:us-east-1:000000000000:stateMachine:payroll-ops-pay-run';

/** A variant of the build's template, written to a file for `deploy --template`. */
function templateFile(name: string, edit: (text: string) => string): string {
  const file = join(scratch, `${name}.template.json`);
  writeFileSync(file, edit(builtText()));
  return file;
}

function clients(): AwsClients {
  aws ??= clientsFor({
    kind: 'local',
    endpoints: readHostRecord(home)!.endpoints,
    credentials: localCredentials(home),
  });
  return aws;
}

const diff = async (...extra: string[]) =>
  (await cli.json<{ changes: Change[] }>(['deploy', '--diff', ...extra])).changes;

beforeAll(() => {
  home = mkdtempSync(join(tmpdir(), 'payroll-ops-local-deploy-'));
  scratch = mkdtempSync(join(tmpdir(), 'payroll-ops-local-templates-'));
});

afterAll(async () => {
  aws?.destroy();
  await cli.stopHosts();
  rmSync(home, { recursive: true, force: true });
  rmSync(scratch, { recursive: true, force: true });
});

describe('deploy on the local target', () => {
  it('applies the template to the host; a second deploy is a no-op and says so', async () => {
    const first = await cli.json<{ kind: string; stackName: string; outputs: Record<string, string> }>([
      'deploy',
    ]);
    expect(first).toMatchObject({ kind: 'local', stackName: 'payroll-ops' });
    expect(first.outputs.PayRunStateMachineArn).toBe(PAY_RUN_ARN);
    const second = await cli.ok(['deploy']);
    expect(second.stderr).toMatch(/no changes; target local is stack payroll-ops on the local host/);
    // The outputs are recorded like an aws target's.
    const config = JSON.parse(readFileSync(join(home, 'config.json'), 'utf8'));
    expect(config.local.outputs.DataTableName).toBe('payroll-ops-data');
    // …and listed as the local target, with when it was applied.
    const listed = await cli.json<{
      targets: { name: string; kind: string; stackName?: string; appliedAt?: string }[];
    }>(['target', 'list']);
    expect(listed.targets[0]).toMatchObject({ name: 'local', kind: 'local', stackName: 'payroll-ops' });
    expect(Date.parse(listed.targets[0]?.appliedAt ?? '')).toBeGreaterThan(Date.now() - 600_000);
  });

  it('diffs to nothing right after a deploy', async () => {
    expect(await cli.json(['deploy', '--diff'])).toEqual({ changes: [] });
  });

  it('shows a changed definition in --diff, applies it with deploy, and then diffs to nothing', async () => {
    const changed = templateFile('changed', (text) =>
      text.replace('payroll-ops pay run: a saga', 'payroll-ops pay run (changed): a saga'),
    );
    const changes = await diff('--template', changed);
    expect(changes).toEqual([
      expect.objectContaining({
        resourceType: 'AWS::StepFunctions::StateMachine',
        change: 'update',
        name: 'payroll-ops-pay-run',
      }),
    ]);
    const applied = await cli.ok(['deploy', '--template', changed]);
    expect(applied.stderr).toMatch(/1 change\(s\) applied/);
    const machine = await clients().sfn.send(
      new DescribeStateMachineCommand({ stateMachineArn: PAY_RUN_ARN }),
    );
    expect(machine.definition).toContain('payroll-ops pay run (changed)');
    expect(await diff('--template', changed)).toEqual([]);
    // The build's template puts it back.
    expect((await diff()).map((change) => change.name)).toEqual(['payroll-ops-pay-run']);
    await cli.ok(['deploy']);
    expect(await diff()).toEqual([]);
  });

  it('refuses, exit 1 and nothing changed, a template that would drop a table', async () => {
    const withoutIdempotency = templateFile('no-idempotency-table', (text) => {
      const template = JSON.parse(
        // Its references become the plain name: the functions still name it, the stack no longer has it.
        text.replaceAll(/\{\s*"Ref":\s*"(IdempotencyTable[0-9A-F]{8})"\s*\}/g, '"payroll-ops-idempotency"'),
      );
      const [logicalId] = Object.entries(template.Resources).find(
        ([, resource]) =>
          (resource as { Properties?: { TableName?: string } }).Properties?.TableName ===
          'payroll-ops-idempotency',
      )!;
      delete template.Resources[logicalId];
      return JSON.stringify(template);
    });
    const refused = await cli.run(['deploy', '--template', withoutIdempotency]);
    expect(refused.code).toBe(1);
    // The progress line, then the refusal in one line (no stack trace).
    expect(refused.stderr.trim().split('\n').slice(1)).toEqual([
      expect.stringMatching(
        /^error: Refused, nothing changed: removing table payroll-ops-idempotency drops every item in it/,
      ),
    ]);
    // The diff names the refusal too, and the host still runs the build's template with the table.
    const changes = await diff('--template', withoutIdempotency);
    expect(changes).toEqual([
      expect.objectContaining({
        change: 'remove',
        name: 'payroll-ops-idempotency',
        refused: expect.any(String),
      }),
    ]);
    expect(await diff()).toEqual([]);
    const table = await clients().dynamodb.send(
      new DescribeTableCommand({ TableName: 'payroll-ops-idempotency' }),
    );
    expect(table.Table?.TableStatus).toBe('ACTIVE');
  });

  it('refuses, exit 2 before any change, a template with a resource the local stack cannot run', async () => {
    const withTopic = templateFile('topic', (text) => {
      const template = JSON.parse(text);
      template.Resources.AlertsTopic = { Type: 'AWS::SNS::Topic', Properties: {} };
      return JSON.stringify(template);
    });
    const refused = await cli.run(['deploy', '--template', withTopic]);
    expect(refused.code).toBe(2);
    expect(refused.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(
        /^error: AlertsTopic has the type AWS::SNS::Topic, which the local stack neither runs nor ignores/,
      ),
    ]);
    expect(await diff()).toEqual([]);
  });

  it('refuses, exit 2 in one line with nothing changed, templates a clumsy or hostile hand made', async () => {
    interface Resource {
      Type: string;
      Properties: { Environment: { Variables: Record<string, string> } };
    }
    const edited = (
      name: string,
      edit: (template: { Resources: Record<string, Resource | object> }) => void,
    ) =>
      templateFile(name, (text) => {
        const template = JSON.parse(text);
        edit(template);
        return JSON.stringify(template);
      });
    const huge = join(scratch, 'huge.template.json');
    writeFileSync(huge, '');
    truncateSync(huge, 1024 ** 3);
    const cases: [string, RegExp][] = [
      [huge, /is larger than 1 MiB, CloudFormation's limit for a template/],
      ['/dev/zero', /^error: \/dev\/zero is not a file/],
      [
        edited('handler', (template) => {
          const fn = Object.values(template.Resources).find(
            (r): r is Resource => (r as Resource).Type === 'AWS::Lambda::Function',
          );
          fn!.Properties.Environment.Variables.PAYROLL_OPS_HANDLER = 'constructor';
        }),
        /^error: Function payroll-ops-[a-z-]+ cannot run locally: PAYROLL_OPS_HANDLER="constructor" names no handler;/,
      ],
      [
        edited('bad-definition', (template) => {
          template.Resources.NewQueue = {
            Type: 'AWS::SQS::Queue',
            Properties: { QueueName: 'payroll-ops-new' },
          };
          template.Resources.Bad = {
            Type: 'AWS::StepFunctions::StateMachine',
            Properties: {
              StateMachineName: 'payroll-ops-bad',
              DefinitionString: '{"StartAt":"X","States":{}}',
            },
          };
        }),
        /^error: Bad: Invalid State Machine Definition: .*; fix the state machine's definition\.$/,
      ],
      [
        edited('path-table', (template) => {
          template.Resources.Evil = {
            Type: 'AWS::DynamoDB::Table',
            Properties: {
              TableName: '../../etc/x',
              KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
              AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
            },
          };
        }),
        /^error: Evil: the DynamoDB table name "\.\.\/\.\.\/etc\/x" is not valid on AWS/,
      ],
    ];
    for (const [file, message] of cases) {
      const refused = await cli.run(['deploy', '--template', file]);
      expect(refused.code, file).toBe(2);
      expect(
        refused.stderr
          .trim()
          .split('\n')
          .filter((line) => !line.startsWith('deploying')),
      ).toEqual([expect.stringMatching(message)]);
    }
    expect(await diff()).toEqual([]);
    await expect(
      clients().dynamodb.send(new DescribeTableCommand({ TableName: 'payroll-ops-new' })),
    ).rejects.toThrow();
  });

  it('refuses AWS flags on the local target, exit 2', async () => {
    const refused = await cli.run(['deploy', '--region', 'eu-west-1']);
    expect(refused.code).toBe(2);
    expect(refused.stderr.trim()).toMatch(/^error: --region goes with an AWS target \(--target NAME\)/);
  });
});
