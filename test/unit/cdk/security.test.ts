/**
 * Who may do what in the stack: least-privilege IAM, the off-cycle API behind IAM auth and a WAF,
 * no dependency cycle, and the AwsSolutions checks of cdk-nag with nothing left unacknowledged.
 */
import { Validations } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { AwsSolutionsChecks } from 'cdk-nag';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FunctionName } from '../../../src/core/saga/functions.js';
import { backendSpec, TargetKind } from '../../../src/infra/backendSpec.js';
import { buildApp } from '../../../src/infra/cdk/app.js';
import { OFF_CYCLE_REQUEST_FIELDS } from '../../../src/infra/lambda/offCycleApi.js';
import {
  actionsOf,
  BUNDLE_DIR,
  referencedId,
  resourcesOf,
  type Synthesized,
  statementsOf,
  synthesize,
} from './support.js';

const STACK = 'payroll-ops-sec';
const spec = backendSpec({ stackName: STACK, target: TargetKind.Aws });
let synth: Synthesized;

beforeAll(() => {
  synth = synthesize({ stackName: STACK, account: '123456789012' });
});

function roleOfFunction(handler: FunctionName): string {
  const id = synth.idOf('AWS::Lambda::Function', 'FunctionName', `${STACK}-${handler}`);
  return referencedId(synth.resources[id]!.Properties.Role)!;
}

function roleOfMachine(suffix: string): string {
  const id = synth.idOf('AWS::StepFunctions::StateMachine', 'StateMachineName', `${STACK}-${suffix}`);
  return referencedId(synth.resources[id]!.Properties.RoleArn)!;
}

const grantsOf = (role: string) =>
  statementsOf(synth)
    .filter(({ roles }) => roles.includes(role))
    .map(({ statement }) => statement);

describe('least privilege', () => {
  it('grants no wildcard action anywhere', () => {
    const wildcards = statementsOf(synth).flatMap(({ statement }) =>
      actionsOf(statement).filter((action) => action.includes('*')),
    );
    expect(wildcards).toEqual([]);
  });

  it('grants no data, queue, bucket, state machine or function action on Resource "*"', () => {
    const offending = statementsOf(synth)
      .filter(({ statement }) => resourcesOf(statement).includes('*'))
      .flatMap(({ statement }) => actionsOf(statement))
      .filter((action) => /^(dynamodb|sqs|s3|states|lambda):/.test(action));
    expect(offending).toEqual([]);
  });

  it('lets each state machine invoke exactly the functions its definition names', () => {
    for (const machine of spec.stateMachines) {
      const invoke = grantsOf(roleOfMachine(machine.machine)).filter((s) =>
        actionsOf(s).includes('lambda:InvokeFunction'),
      );
      const granted = invoke.flatMap(resourcesOf).map(referencedId).sort();
      const named = Object.values(machine.functionSubstitutions)
        .map((handler) => synth.idOf('AWS::Lambda::Function', 'FunctionName', `${STACK}-${handler}`))
        .sort();
      expect(granted).toEqual(named);
    }
  });

  it('lets the pay run start its own Map children and manage only those; the rollback neither', () => {
    const payRun = grantsOf(roleOfMachine('pay-run'));
    const start = payRun.find((s) => actionsOf(s).includes('states:StartExecution'));
    expect(resourcesOf(start!)).toEqual([
      `arn:aws:states:eu-west-1:123456789012:stateMachine:${STACK}-pay-run`,
    ]);
    const children = payRun.find((s) => actionsOf(s).includes('states:RedriveExecution'));
    expect(actionsOf(children!).sort()).toEqual([
      'states:DescribeExecution',
      'states:RedriveExecution',
      'states:StopExecution',
    ]);
    expect(resourcesOf(children!)).toEqual([
      `arn:aws:states:eu-west-1:123456789012:execution:${STACK}-pay-run/*`,
    ]);
    const rollback = grantsOf(roleOfMachine('rollback')).flatMap(actionsOf);
    expect(rollback.filter((action) => action.startsWith('states:'))).toEqual([]);
  });

  it('lets only the off-cycle API and the scheduled start start pay runs, only pay runs, and read back only those', () => {
    const starters = spec.functions.filter((fn) =>
      grantsOf(roleOfFunction(fn.handler)).some((s) => actionsOf(s).some((a) => a.startsWith('states:'))),
    );
    expect(starters.map((fn) => fn.handler).sort()).toEqual(
      [FunctionName.OffCycleApi, FunctionName.StartScheduledRun].sort(),
    );
    for (const starter of starters) {
      const grants = grantsOf(roleOfFunction(starter.handler));
      const states = grants.filter((s) => actionsOf(s).some((a) => a.startsWith('states:')));
      expect(states.flatMap(actionsOf).sort()).toEqual(['states:DescribeExecution', 'states:StartExecution']);
      const start = states.find((s) => actionsOf(s).includes('states:StartExecution'));
      expect(resourcesOf(start!)).toEqual([
        `arn:aws:states:eu-west-1:123456789012:stateMachine:${STACK}-pay-run`,
      ]);
      const describe = states.find((s) => actionsOf(s).includes('states:DescribeExecution'));
      expect(resourcesOf(describe!)).toEqual([
        `arn:aws:states:eu-west-1:123456789012:execution:${STACK}-pay-run:*`,
      ]);
    }
  });

  it('lets the payday machine invoke its three functions and start only its own Map children', () => {
    const payday = grantsOf(roleOfMachine('payday'));
    const start = payday.find((s) => actionsOf(s).includes('states:StartExecution'));
    expect(resourcesOf(start!)).toEqual([
      `arn:aws:states:eu-west-1:123456789012:stateMachine:${STACK}-payday`,
    ]);
    const children = payday.find((s) => actionsOf(s).includes('states:RedriveExecution'));
    expect(resourcesOf(children!)).toEqual([
      `arn:aws:states:eu-west-1:123456789012:execution:${STACK}-payday/*`,
    ]);
    const invoked = payday
      .filter((s) => actionsOf(s).includes('lambda:InvokeFunction'))
      .flatMap(resourcesOf)
      .map(referencedId)
      .sort();
    expect(invoked).toEqual(
      [FunctionName.PlanPayday, FunctionName.StartScheduledRun, FunctionName.ReportPayday]
        .map((fn) => synth.idOf('AWS::Lambda::Function', 'FunctionName', `${STACK}-${fn}`))
        .sort(),
    );
  });

  it('lets only the scheduled redrive consume the DLQs, and it sends only to their source queues', () => {
    const dlqIds = spec.queues.map((queue) => synth.idOf('AWS::SQS::Queue', 'QueueName', queue.dlq.name));
    const consumers = spec.functions.filter((fn) =>
      grantsOf(roleOfFunction(fn.handler)).some(
        (s) =>
          actionsOf(s).includes('sqs:DeleteMessage') &&
          resourcesOf(s).some((r) => dlqIds.includes(referencedId(r) ?? '')),
      ),
    );
    expect(consumers.map((fn) => fn.handler)).toEqual([FunctionName.RedriveDeadLetters]);
    const redrive = grantsOf(roleOfFunction(FunctionName.RedriveDeadLetters));
    const receive = redrive.filter((s) => actionsOf(s).includes('sqs:ReceiveMessage'));
    expect(receive.flatMap(resourcesOf).map(referencedId).sort()).toEqual([...dlqIds].sort());
  });

  it('lets only the bank gateway write artifacts, with PutObject under its two prefixes', () => {
    const writers = spec.functions.filter((fn) =>
      grantsOf(roleOfFunction(fn.handler)).some((s) => actionsOf(s).some((a) => a.startsWith('s3:'))),
    );
    expect(writers.map((fn) => fn.handler)).toEqual([FunctionName.BankGateway]);
    const put = grantsOf(roleOfFunction(FunctionName.BankGateway)).find((s) =>
      actionsOf(s).includes('s3:PutObject'),
    );
    expect(actionsOf(put!)).toEqual(['s3:PutObject']);
    const suffixes = resourcesOf(put!).map(
      (r) => (r as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1][1],
    );
    expect(suffixes.sort()).toEqual(['/bank/transmissions/*', '/runs/*']);
    // It may remove an ACH file cancelled while it was written; the transmission log never.
    const remove = grantsOf(roleOfFunction(FunctionName.BankGateway)).find((s) =>
      actionsOf(s).includes('s3:DeleteObject'),
    );
    expect(actionsOf(remove!)).toEqual(['s3:DeleteObject']);
    expect(
      resourcesOf(remove!).map((r) => (r as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1][1]),
    ).toEqual(['/runs/*']);
  });

  it('lets a function send only to the queues its step publishes to', () => {
    for (const fn of spec.functions) {
      const sends = grantsOf(roleOfFunction(fn.handler)).filter((s) =>
        actionsOf(s).includes('sqs:SendMessage'),
      );
      const queues = sends.flatMap(resourcesOf).map(referencedId).sort();
      const expected = fn.access.sendTo
        .map((queue) => synth.idOf('AWS::SQS::Queue', 'QueueName', `${STACK}-${queue}`))
        .sort();
      expect(queues, fn.handler).toEqual(expected);
    }
  });

  it('keeps functions without idempotency guards off the idempotency table', () => {
    const table = synth.idOf('AWS::DynamoDB::GlobalTable', 'TableName', `${STACK}-idempotency`);
    for (const fn of spec.functions) {
      const touches = grantsOf(roleOfFunction(fn.handler))
        .flatMap(resourcesOf)
        .some((resource) => JSON.stringify(resource).includes(table));
      expect(touches, fn.handler).toBe(fn.access.idempotencyTable);
    }
  });
});

describe('the off-cycle API', () => {
  it('serves the routes of the specification with IAM auth and request validation', () => {
    const methods = synth.ofType('AWS::ApiGateway::Method');
    expect(methods.map(([, m]) => m.Properties.HttpMethod).sort()).toEqual(
      spec.api.routes.map((route) => route.method).sort(),
    );
    for (const [, method] of methods) {
      expect(method.Properties.AuthorizationType).toBe('AWS_IAM');
      expect(method.Properties.RequestValidatorId).toBeDefined();
    }
    synth.template.hasResourceProperties('AWS::ApiGateway::RequestValidator', {
      ValidateRequestBody: true,
      ValidateRequestParameters: true,
    });
    synth.template.hasResourceProperties('AWS::ApiGateway::Method', {
      HttpMethod: 'POST',
      RequestModels: { 'application/json': Match.anyValue() },
    });
  });

  it('admits in its request model exactly the fields the handler takes (payments and hours owed included)', () => {
    const models = synth.ofType('AWS::ApiGateway::Model');
    expect(models).toHaveLength(1);
    const schema = models[0]![1].Properties.Schema as {
      properties: Record<string, { type: string }>;
      additionalProperties: boolean;
    };
    expect(Object.keys(schema.properties).sort()).toEqual([...OFF_CYCLE_REQUEST_FIELDS].sort());
    expect(schema.properties.payments?.type).toBe('array');
    expect(schema.properties.timesheet?.type).toBe('array');
    expect(schema.additionalProperties).toBe(false);
  });

  it('throttles the stage and logs every request', () => {
    synth.template.hasResourceProperties('AWS::ApiGateway::Stage', {
      MethodSettings: [
        Match.objectLike({
          ThrottlingRateLimit: spec.api.throttle.rateLimit,
          ThrottlingBurstLimit: spec.api.throttle.burstLimit,
        }),
      ],
      AccessLogSetting: Match.objectLike({ DestinationArn: Match.anyValue(), Format: Match.anyValue() }),
    });
  });

  it("puts a WAF web ACL with AWS's common rules and a per-IP rate limit in front of the stage", () => {
    const acls = synth.ofType('AWS::WAFv2::WebACL');
    expect(acls).toHaveLength(1);
    const [aclId, acl] = acls[0]!;
    expect(acl.Properties.Scope).toBe('REGIONAL');
    const rules = acl.Properties.Rules as Record<string, unknown>[];
    expect(rules).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          Statement: {
            ManagedRuleGroupStatement: { VendorName: 'AWS', Name: 'AWSManagedRulesCommonRuleSet' },
          },
        }),
        expect.objectContaining({
          Action: { Block: {} },
          Statement: {
            RateBasedStatement: { Limit: spec.api.wafRequestsPerFiveMinutes, AggregateKeyType: 'IP' },
          },
        }),
      ]),
    );
    const [stageId] = synth.ofType('AWS::ApiGateway::Stage')[0]!;
    const [, association] = synth.ofType('AWS::WAFv2::WebACLAssociation')[0]!;
    expect(association.Properties.WebACLArn).toEqual({ 'Fn::GetAtt': [aclId, 'Arn'] });
    expect(JSON.stringify(association.Properties.ResourceArn)).toContain(stageId);
  });
});

describe('checks', () => {
  const saved = process.env.NODE_ENV;
  afterEach(() => {
    process.env.NODE_ENV = saved;
  });

  it.each([
    ['with its account known (deploy)', '123456789012'],
    ['environment-agnostic (dry run)', undefined],
  ])('passes cdk-nag AwsSolutions %s with every finding acknowledged by its exact id', (_when, account) => {
    // With NODE_ENV=test, aws-cdk-lib throws the validation report instead of printing it.
    process.env.NODE_ENV = 'test';
    const app = buildApp({
      stackName: STACK,
      region: 'eu-west-1',
      bundleDir: BUNDLE_DIR,
      builtinValidation: false,
      ...(account ? { account } : {}),
    });
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    expect(() => app.synth()).not.toThrow();
  });

  it('reports a finding that has no acknowledgement (the checks have teeth)', () => {
    process.env.NODE_ENV = 'test';
    const app = buildApp({
      stackName: STACK,
      region: 'eu-west-1',
      bundleDir: BUNDLE_DIR,
      builtinValidation: false,
    });
    const stack = app.node.findChild(STACK);
    const fn = stack.node.findChild('OpenRunFunction') as lambda.Function;
    // A wildcard the acknowledgements do not name.
    fn.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: ['arn:aws:sqs:*'] }),
    );
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    expect(() => app.synth()).toThrow(/AwsSolutions-IAM5\[Resource::arn:aws:sqs:\*\]/);
  });

  it('synthesizes without a dependency cycle', () => {
    // Template.fromStack (in synthesize) throws on a cycle; app.synth() would not.
    expect(() => synthesize({ stackName: STACK })).not.toThrow();
    expect(synth.ofType('AWS::StepFunctions::StateMachine')).toHaveLength(spec.stateMachines.length);
  });
});
