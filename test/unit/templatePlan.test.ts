// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Fn::Sub and DefinitionString placeholders are ${...} in plain strings.
/**
 * The local host's reading of a synthesized template: intrinsic functions and pseudo parameters
 * resolved for the local account, every resource type either run, ignored by the explicit list,
 * or refused in one line naming it.
 */
import { describe, expect, it } from 'vitest';
import { BadInputError } from '../../src/core/errors.js';
import type { CfnTemplate } from '../../src/infra/local/template/cfnTemplate.js';
import { parseTemplate } from '../../src/infra/local/template/cfnTemplate.js';
import type { ResolveScope } from '../../src/infra/local/template/intrinsics.js';
import { templatePlan } from '../../src/infra/local/template/templatePlan.js';

const SCOPE: ResolveScope = {
  region: 'us-east-1',
  accountId: '000000000000',
  stackName: 'payroll-ops',
  partition: 'aws',
  urlSuffix: 'amazonaws.com',
};

const plan = (resources: Record<string, unknown>, extra: Partial<CfnTemplate> = {}) =>
  templatePlan({ Resources: resources, ...extra } as CfnTemplate, SCOPE);

/** A function whose environment holds each value to resolve. */
const fnWith = (variables: Record<string, unknown>) => ({
  Fn: {
    Type: 'AWS::Lambda::Function',
    Properties: { FunctionName: 'payroll-ops-fn', Environment: { Variables: variables } },
  },
});

const TABLE = {
  Type: 'AWS::DynamoDB::GlobalTable',
  Properties: {
    TableName: 'payroll-ops-data',
    AttributeDefinitions: [
      { AttributeName: 'pk', AttributeType: 'S' },
      { AttributeName: 'n', AttributeType: 'N' },
    ],
    KeySchema: [
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'n', KeyType: 'RANGE' },
    ],
    TimeToLiveSpecification: { AttributeName: 'expiration', Enabled: true },
  },
};
const QUEUE = {
  Type: 'AWS::SQS::Queue',
  Properties: { QueueName: 'payroll-ops-bank', VisibilityTimeout: 120 },
};
const MACHINE = {
  Type: 'AWS::StepFunctions::StateMachine',
  Properties: { StateMachineName: 'payroll-ops-pay-run', DefinitionString: '{}' },
};

function refusal(action: () => unknown): BadInputError {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(BadInputError);
    expect((error as Error).message).not.toContain('\n');
    return error as BadInputError;
  }
  throw new Error('expected a refusal');
}

describe('intrinsic functions', () => {
  it('resolves the pseudo parameters for the local account', () => {
    const { functions } = plan(
      fnWith({
        REGION: { Ref: 'AWS::Region' },
        ACCOUNT: { Ref: 'AWS::AccountId' },
        STACK: { Ref: 'AWS::StackName' },
        PARTITION: { Ref: 'AWS::Partition' },
        SUFFIX: { Ref: 'AWS::URLSuffix' },
      }),
    );
    expect(functions[0]?.environment).toEqual({
      REGION: 'us-east-1',
      ACCOUNT: '000000000000',
      STACK: 'payroll-ops',
      PARTITION: 'aws',
      SUFFIX: 'amazonaws.com',
    });
  });

  it('gives Ref and Fn::GetAtt the local physical values of tables, queues and machines', () => {
    const { functions } = plan({
      Table: TABLE,
      Queue: QUEUE,
      Machine: MACHINE,
      ...fnWith({
        TABLE: { Ref: 'Table' },
        TABLE_ARN: { 'Fn::GetAtt': ['Table', 'Arn'] },
        QUEUE_URL: { Ref: 'Queue' },
        QUEUE_NAME: { 'Fn::GetAtt': ['Queue', 'QueueName'] },
        MACHINE: { Ref: 'Machine' },
        MACHINE_NAME: { 'Fn::GetAtt': 'Machine.Name' },
      }),
    });
    expect(functions[0]?.environment).toMatchObject({
      TABLE: 'payroll-ops-data',
      TABLE_ARN: 'arn:aws:dynamodb:us-east-1:000000000000:table/payroll-ops-data',
      QUEUE_URL: 'http://sqs.us-east-1.localhost/000000000000/payroll-ops-bank',
      QUEUE_NAME: 'payroll-ops-bank',
      MACHINE: 'arn:aws:states:us-east-1:000000000000:stateMachine:payroll-ops-pay-run',
      MACHINE_NAME: 'payroll-ops-pay-run',
    });
  });

  it('joins, substitutes, selects and splits', () => {
    const { functions } = plan({
      Queue: QUEUE,
      ...fnWith({
        JOINED: {
          'Fn::Join': [':', ['arn', { Ref: 'AWS::Partition' }, 'states', { Ref: 'AWS::Region' }]],
        },
        SUB: { 'Fn::Sub': 'arn:${AWS::Partition}:sqs:${AWS::Region}:${AWS::AccountId}:x' },
        SUB_ATT: { 'Fn::Sub': '${Queue.Arn}/${!Literal}' },
        SUB_VARS: { 'Fn::Sub': ['${Name}-${Queue}', { Name: { 'Fn::GetAtt': ['Queue', 'QueueName'] } }] },
        SELECTED: { 'Fn::Select': [4, { 'Fn::Split': ['/', { Ref: 'Queue' }] }] },
      }),
    });
    expect(functions[0]?.environment).toEqual({
      JOINED: 'arn:aws:states:us-east-1',
      SUB: 'arn:aws:sqs:us-east-1:000000000000:x',
      SUB_ATT: 'arn:aws:sqs:us-east-1:000000000000:payroll-ops-bank/${Literal}',
      SUB_VARS: 'payroll-ops-bank-http://sqs.us-east-1.localhost/000000000000/payroll-ops-bank',
      SELECTED: 'payroll-ops-bank',
    });
  });

  it('leaves out a property that is AWS::NoValue, and takes a parameter default', () => {
    const { functions } = plan(fnWith({ GONE: { Ref: 'AWS::NoValue' }, LEVEL: { Ref: 'LogLevel' } }), {
      Parameters: { LogLevel: { Type: 'String', Default: 'INFO' } },
    });
    expect(functions[0]?.environment).toEqual({ LEVEL: 'INFO' });
  });

  it.each([
    ['a condition', { 'Fn::If': ['IsProd', 'a', 'b'] }, /Fn::If is not supported/],
    ['an import', { 'Fn::ImportValue': 'other-stack-table' }, /Fn::ImportValue is not supported/],
    ['an unknown resource', { Ref: 'Nowhere' }, /refers to Nowhere, which is not a resource/],
    ['an attribute with no local value', { 'Fn::GetAtt': ['Queue', 'Owner'] }, /Queue\.Owner/],
    ['an SSM parameter', { Ref: 'BootstrapVersion' }, /parameter BootstrapVersion/],
  ])('refuses %s in one line naming where it is', (_what, value, message) => {
    const error = refusal(() =>
      plan(
        { Queue: QUEUE, ...fnWith({ VALUE: value }) },
        { Parameters: { BootstrapVersion: { Type: 'AWS::SSM::Parameter::Value<String>', Default: '/cdk' } } },
      ),
    );
    expect(error.message).toMatch(message);
    expect(error.message).toMatch(/^Fn\.Environment/);
  });

  it('does not resolve what the host never reads (an IAM role reference on a function)', () => {
    const { functions } = plan({
      Fn: {
        Type: 'AWS::Lambda::Function',
        Properties: { FunctionName: 'f', Role: { 'Fn::GetAtt': ['Role', 'RoleId'] } },
      },
      Role: { Type: 'AWS::IAM::Role', Properties: {} },
    });
    expect(functions.map((fn) => fn.name)).toEqual(['f']);
  });
});

describe('resource types', () => {
  it('ignores the explicit list (IAM, logs, alarms, WAF, buckets, metadata) and counts what it left out', () => {
    const result = plan({
      Role: { Type: 'AWS::IAM::Role' },
      Policy: { Type: 'AWS::IAM::Policy' },
      Logs: { Type: 'AWS::Logs::LogGroup' },
      Alarm: { Type: 'AWS::CloudWatch::Alarm' },
      Acl: { Type: 'AWS::WAFv2::WebACL' },
      Bucket: { Type: 'AWS::S3::Bucket' },
      Key: { Type: 'AWS::KMS::Key' },
      Meta: { Type: 'AWS::CDK::Metadata' },
      ...fnWith({ BUCKET: { Ref: 'Bucket' } }),
    });
    expect(result.ignored).toMatchObject({
      'AWS::IAM::Role': 1,
      'AWS::CDK::Metadata': 1,
      'AWS::KMS::Key': 1,
    });
    // A bucket is a name only: the local target keeps files.
    expect(result.functions[0]?.environment.BUCKET).toBe('payroll-ops-bucket');
  });

  it('refuses any other type in one line naming the resource and its type', () => {
    const error = refusal(() => plan({ Queue: QUEUE, Topic: { Type: 'AWS::SNS::Topic' } }));
    expect(error.code).toBe('TEMPLATE_UNSUPPORTED');
    expect(error.message).toMatch(
      /^Topic has the type AWS::SNS::Topic, which the local stack neither runs nor ignores/,
    );
  });

  it('refuses conditions rather than guessing them', () => {
    expect(refusal(() => plan({ Queue: QUEUE }, { Conditions: { IsProd: {} } })).message).toMatch(
      /Conditions/,
    );
  });

  it('reads a table: keys with their types, indexes, and TTL (recorded only)', () => {
    const [table] = plan({ Table: TABLE }).tables;
    expect(table).toEqual({
      logicalId: 'Table',
      resourceType: 'AWS::DynamoDB::GlobalTable',
      name: 'payroll-ops-data',
      partitionKey: 'pk',
      sortKey: { name: 'n', type: 'N' },
      gsis: [],
      timeToLiveAttribute: 'expiration',
    });
  });

  it('reads a queue with its redrive policy and visibility timeout; a trigger names queue and function', () => {
    const result = plan({
      Dlq: { Type: 'AWS::SQS::Queue', Properties: { QueueName: 'payroll-ops-bank-dlq' } },
      Queue: {
        Type: 'AWS::SQS::Queue',
        Properties: {
          QueueName: 'payroll-ops-bank',
          VisibilityTimeout: 120,
          RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': ['Dlq', 'Arn'] }, maxReceiveCount: 3 },
        },
      },
      Fn: { Type: 'AWS::Lambda::Function', Properties: { FunctionName: 'payroll-ops-bank-gateway' } },
      Trigger: {
        Type: 'AWS::Lambda::EventSourceMapping',
        Properties: {
          EventSourceArn: { 'Fn::GetAtt': ['Queue', 'Arn'] },
          FunctionName: { Ref: 'Fn' },
          BatchSize: 1,
          FunctionResponseTypes: ['ReportBatchItemFailures'],
          ScalingConfig: { MaximumConcurrency: 2 },
        },
      },
    });
    expect(result.queues[1]?.attributes).toEqual({
      VisibilityTimeout: '120',
      RedrivePolicy: JSON.stringify({
        deadLetterTargetArn: 'arn:aws:sqs:us-east-1:000000000000:payroll-ops-bank-dlq',
        maxReceiveCount: 3,
      }),
    });
    expect(result.eventSourceMappings).toEqual([
      {
        logicalId: 'Trigger',
        queueName: 'payroll-ops-bank',
        functionName: 'payroll-ops-bank-gateway',
        batchSize: 1,
        reportBatchItemFailures: true,
        maximumConcurrency: 2,
        enabled: true,
      },
    ]);
  });

  it('fills a definition in with its substitutions: the local function ARNs', () => {
    const [machine] = plan({
      Fn: { Type: 'AWS::Lambda::Function', Properties: { FunctionName: 'payroll-ops-open-run' } },
      Machine: {
        Type: 'AWS::StepFunctions::StateMachine',
        Properties: {
          StateMachineName: 'payroll-ops-pay-run',
          DefinitionString: { 'Fn::Join': ['', ['{"Resource":"${OpenRun}","Max":', '"${Max}"}']] },
          DefinitionSubstitutions: { OpenRun: { 'Fn::GetAtt': ['Fn', 'Arn'] }, Max: '4' },
        },
      },
    }).stateMachines;
    expect(JSON.parse(machine!.definition)).toEqual({
      Resource: 'arn:aws:lambda:us-east-1:000000000000:function:payroll-ops-open-run',
      Max: '4',
    });
    expect(machine?.type).toBe('STANDARD');
  });

  it('reads schedules that invoke a function or start an execution with an input', () => {
    const { schedules } = plan({
      Fn: { Type: 'AWS::Lambda::Function', Properties: { FunctionName: 'payroll-ops-dlq-redrive' } },
      Machine: MACHINE,
      Redrive: {
        Type: 'AWS::Scheduler::Schedule',
        Properties: {
          Name: 'payroll-ops-redrive',
          ScheduleExpression: 'rate(15 minutes)',
          FlexibleTimeWindow: { Mode: 'OFF' },
          Target: { Arn: { 'Fn::GetAtt': ['Fn', 'Arn'] }, RoleArn: 'x', Input: '{"max":3}' },
        },
      },
      Payday: {
        Type: 'AWS::Scheduler::Schedule',
        Properties: {
          ScheduleExpression: 'cron(0 6 * * ? *)',
          ScheduleExpressionTimezone: 'America/New_York',
          State: 'DISABLED',
          Target: { Arn: { Ref: 'Machine' }, RoleArn: 'x', Input: '{"source":"schedule"}' },
        },
      },
    });
    expect(schedules).toEqual([
      {
        logicalId: 'Redrive',
        name: 'payroll-ops-redrive',
        expression: 'rate(15 minutes)',
        target: { kind: 'lambda', functionName: 'payroll-ops-dlq-redrive', payload: { max: 3 } },
        enabled: true,
      },
      {
        logicalId: 'Payday',
        name: 'payroll-ops-Payday',
        expression: 'cron(0 6 * * ? *)',
        timezone: 'America/New_York',
        target: {
          kind: 'state-machine',
          stateMachineArn: 'arn:aws:states:us-east-1:000000000000:stateMachine:payroll-ops-pay-run',
          input: '{"source":"schedule"}',
        },
        enabled: false,
      },
    ]);
  });

  it('routes API methods to their functions by their resource paths; a CORS mock is no route', () => {
    const integration = {
      Type: 'AWS_PROXY',
      Uri: {
        'Fn::Join': [
          '',
          [
            'arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/',
            { 'Fn::GetAtt': ['Fn', 'Arn'] },
            '/invocations',
          ],
        ],
      },
    };
    const { routes } = plan({
      Fn: { Type: 'AWS::Lambda::Function', Properties: { FunctionName: 'payroll-ops-off-cycle-api' } },
      Api: { Type: 'AWS::ApiGateway::RestApi', Properties: { Name: 'payroll-ops-api' } },
      Runs: {
        Type: 'AWS::ApiGateway::Resource',
        Properties: {
          ParentId: { 'Fn::GetAtt': ['Api', 'RootResourceId'] },
          PathPart: 'runs',
          RestApiId: { Ref: 'Api' },
        },
      },
      Run: {
        Type: 'AWS::ApiGateway::Resource',
        Properties: { ParentId: { Ref: 'Runs' }, PathPart: '{runId}', RestApiId: { Ref: 'Api' } },
      },
      Post: {
        Type: 'AWS::ApiGateway::Method',
        Properties: { HttpMethod: 'POST', ResourceId: { Ref: 'Runs' }, Integration: integration },
      },
      Get: {
        Type: 'AWS::ApiGateway::Method',
        Properties: { HttpMethod: 'GET', ResourceId: { Ref: 'Run' }, Integration: integration },
      },
      Options: {
        Type: 'AWS::ApiGateway::Method',
        Properties: { HttpMethod: 'OPTIONS', ResourceId: { Ref: 'Run' }, Integration: { Type: 'MOCK' } },
      },
    });
    expect(routes).toEqual([
      { logicalId: 'Post', method: 'POST', path: '/runs', functionName: 'payroll-ops-off-cycle-api' },
      { logicalId: 'Get', method: 'GET', path: '/runs/{runId}', functionName: 'payroll-ops-off-cycle-api' },
    ]);
  });

  it('refuses a trigger on anything but a queue of the template', () => {
    const error = refusal(() =>
      plan({
        Table: TABLE,
        Fn: { Type: 'AWS::Lambda::Function', Properties: { FunctionName: 'f' } },
        Trigger: {
          Type: 'AWS::Lambda::EventSourceMapping',
          Properties: {
            EventSourceArn: { 'Fn::GetAtt': ['Table', 'StreamArn'] },
            FunctionName: { Ref: 'Fn' },
          },
        },
      }),
    );
    expect(error.message).toMatch(/^Trigger: the event source .* is not a queue of this template/);
  });

  it('resolves the outputs: the names the CLI reads on the local target', () => {
    const { outputs } = plan(
      { Table: TABLE, Queue: QUEUE, Machine: MACHINE },
      {
        Outputs: {
          DataTableName: { Value: { Ref: 'Table' } },
          BankGatewayQueueUrl: { Value: { Ref: 'Queue' } },
          PayRunStateMachineArn: { Value: { Ref: 'Machine' } },
          DefinitionHash: { Value: 'abc' },
        },
      },
    );
    expect(outputs).toEqual({
      DataTableName: 'payroll-ops-data',
      BankGatewayQueueUrl: 'http://sqs.us-east-1.localhost/000000000000/payroll-ops-bank',
      PayRunStateMachineArn: 'arn:aws:states:us-east-1:000000000000:stateMachine:payroll-ops-pay-run',
      DefinitionHash: 'abc',
    });
  });
});

describe('reading a template file', () => {
  it('refuses what is not a template in one line', () => {
    expect(
      refusal(() => parseTemplate('{"AWSTemplateFormatVersion":"2010-09-09"}', 't.json')).message,
    ).toMatch(/^t\.json has no Resources/);
    expect(refusal(() => parseTemplate('not json', 't.json')).message).toMatch(/^t\.json is not JSON/);
  });
});
