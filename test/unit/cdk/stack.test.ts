/**
 * The CDK stack `deploy` synthesizes, resource by resource: what holds pay-run data outlives the
 * stack, every queue has a DLQ its consumer cannot outrun, the functions run the bundle with
 * their names from the environment, and the state machines are the core definitions byte for byte.
 */
import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { payRunDefinition, rollbackDefinition } from '../../../src/core/saga/definition.js';
import { FunctionName, functionArnVariable } from '../../../src/core/saga/functions.js';
import { backendSpec, definitionHash, OutputKey, TargetKind } from '../../../src/infra/backendSpec.js';
import { LambdaEnv } from '../../../src/infra/lambda/environment.js';
import {
  actionsOf,
  type Resource,
  referencedId,
  resourcesOf,
  type Synthesized,
  statementsOf,
  synthesize,
} from './support.js';

const STACK = 'payroll-ops-test';
const spec = backendSpec({ stackName: STACK, target: TargetKind.Aws });
let synth: Synthesized;

beforeAll(() => {
  synth = synthesize({ stackName: STACK });
});

describe('what holds pay-run data', () => {
  it.each([
    [`${STACK}-data`, undefined],
    [`${STACK}-idempotency`, 'expiration'],
  ])('%s: point-in-time recovery, deletion protection, retained with the stack gone', (name, ttl) => {
    const [, table] = synth
      .ofType('AWS::DynamoDB::GlobalTable')
      .find(([, t]) => t.Properties.TableName === name)!;
    expect(table.DeletionPolicy).toBe('Retain');
    expect(table.UpdateReplacePolicy).toBe('Retain');
    expect(table.Properties.BillingMode).toBe('PAY_PER_REQUEST');
    expect(table.Properties.Replicas).toEqual([
      expect.objectContaining({
        DeletionProtectionEnabled: true,
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      }),
    ]);
    expect(table.Properties.TimeToLiveSpecification).toEqual(
      ttl ? { AttributeName: ttl, Enabled: true } : undefined,
    );
  });

  it('indexes the data table by gsi1 as the adapters query it', () => {
    synth.template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      TableName: `${STACK}-data`,
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: [
        Match.objectLike({
          IndexName: 'gsi1',
          KeySchema: [
            { AttributeName: 'gsi1pk', KeyType: 'HASH' },
            { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        }),
      ],
    });
  });

  it('keeps ACH files in a private, encrypted, versioned, TLS-only bucket that outlives the stack', () => {
    const artifactsId = referencedId(
      (synth.template.toJSON().Outputs as Record<string, { Value: unknown }>)[OutputKey.ArtifactsBucketName]
        ?.Value,
    )!;
    const bucket = synth.resources[artifactsId]!;
    expect(bucket.DeletionPolicy).toBe('Retain');
    expect(bucket.Properties).toMatchObject({
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
      VersioningConfiguration: { Status: 'Enabled' },
      LoggingConfiguration: expect.objectContaining({ LogFilePrefix: 'artifacts/' }),
    });
    synth.template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: artifactsId },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });
});

describe('queues', () => {
  it.each(spec.queues.map((queue) => [queue.name, queue]))(
    '%s: a DLQ after three receives, SSE and TLS only',
    (_name, queue) => {
      const queueId = synth.idOf('AWS::SQS::Queue', 'QueueName', queue.name);
      const dlqId = synth.idOf('AWS::SQS::Queue', 'QueueName', queue.dlq.name);
      expect(synth.resources[queueId]?.Properties).toMatchObject({
        SqsManagedSseEnabled: true,
        RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [dlqId, 'Arn'] }, maxReceiveCount: 3 },
      });
      expect(synth.resources[dlqId]?.Properties).toMatchObject({ SqsManagedSseEnabled: true });
      for (const id of [queueId, dlqId]) {
        synth.template.hasResourceProperties('AWS::SQS::QueuePolicy', {
          Queues: [{ Ref: id }],
          PolicyDocument: {
            Statement: Match.arrayWith([
              Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
            ]),
          },
        });
      }
    },
  );

  it('never lets a consumer run longer than its messages stay invisible (AWS refuses the trigger)', () => {
    const mappings = synth.ofType('AWS::Lambda::EventSourceMapping');
    expect(mappings).toHaveLength(spec.triggers.length);
    for (const [, mapping] of mappings) {
      const fn = synth.resources[referencedId(mapping.Properties.FunctionName)!]!;
      const queue = synth.resources[referencedId(mapping.Properties.EventSourceArn)!]!;
      expect(fn.Properties.Timeout as number).toBeLessThanOrEqual(
        queue.Properties.VisibilityTimeout as number,
      );
      expect(mapping.Properties.FunctionResponseTypes).toEqual(['ReportBatchItemFailures']);
    }
  });

  it('triggers each consumer as the specification says', () => {
    for (const trigger of spec.triggers) {
      const fnId = synth.idOf('AWS::Lambda::Function', 'FunctionName', trigger.functionName);
      const queueId = synth.idOf('AWS::SQS::Queue', 'QueueName', trigger.queueName);
      synth.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        FunctionName: { Ref: fnId },
        EventSourceArn: { 'Fn::GetAtt': [queueId, 'Arn'] },
        BatchSize: trigger.batchSize,
        ScalingConfig: { MaximumConcurrency: trigger.maximumConcurrency },
      });
    }
  });
});

describe('functions', () => {
  it('runs every function of the specification from the one bundle, on Node.js 22+ and arm64, traced', () => {
    const functions = synth.ofType('AWS::Lambda::Function');
    expect(functions.map(([, fn]) => fn.Properties.FunctionName).sort()).toEqual(
      spec.functions.map((fn) => fn.name).sort(),
    );
    const codeKeys = new Set(functions.map(([, fn]) => JSON.stringify(fn.Properties.Code)));
    expect(codeKeys.size).toBe(1);
    for (const [, fn] of functions) {
      expect(fn.Properties.Runtime).toMatch(/^nodejs(2[2-9]|[3-9]\d)\.x$/);
      expect(fn.Properties).toMatchObject({
        Architectures: ['arm64'],
        Handler: 'index.handler',
        TracingConfig: { Mode: 'Active' },
      });
    }
  });

  it('sizes each function as the specification does and tells it which handler it is', () => {
    for (const fn of spec.functions) {
      const id = synth.idOf('AWS::Lambda::Function', 'FunctionName', fn.name);
      const props = synth.resources[id]!.Properties;
      expect(props.Timeout).toBe(fn.timeoutSeconds);
      expect(props.MemorySize).toBe(fn.memoryMb);
      expect((props.Environment as { Variables: Record<string, unknown> }).Variables[LambdaEnv.Handler]).toBe(
        fn.handler,
      );
    }
  });

  it('gives functions the resources of this stack through the environment, never constants', () => {
    const dataId = synth.idOf('AWS::DynamoDB::GlobalTable', 'TableName', `${STACK}-data`);
    const id = synth.idOf('AWS::Lambda::Function', 'FunctionName', `${STACK}-${FunctionName.Disburse}`);
    const variables = (synth.resources[id]!.Properties.Environment as { Variables: Record<string, unknown> })
      .Variables;
    expect(variables[LambdaEnv.DataTable]).toEqual({ Ref: dataId });
    expect(variables.PAYROLL_OPS_QUEUE_BANK_GATEWAY).toEqual({
      'Fn::GetAtt': [synth.idOf('AWS::SQS::Queue', 'QueueName', `${STACK}-bank-gateway`), 'QueueName'],
    });
    expect(JSON.stringify(variables.PAYROLL_OPS_STATE_MACHINE_PAY_RUN)).toContain(
      `:stateMachine:${STACK}-pay-run`,
    );
  });
});

describe('state machines', () => {
  it.each([
    [`${STACK}-pay-run`, payRunDefinition],
    [`${STACK}-rollback`, rollbackDefinition],
  ])(
    '%s runs the core definition, byte for byte, as a logged and traced STANDARD machine',
    (name, definition) => {
      const id = synth.idOf('AWS::StepFunctions::StateMachine', 'StateMachineName', name);
      const props = synth.resources[id]!.Properties;
      expect(props.DefinitionString).toBe(JSON.stringify(definition));
      expect(props.StateMachineType).toBe('STANDARD');
      expect(props.LoggingConfiguration).toMatchObject({ Level: 'ALL', IncludeExecutionData: false });
      expect(props.TracingConfiguration).toEqual({ Enabled: true });
    },
  );

  it('fills each function placeholder with that function, and the AWS target concurrency', () => {
    for (const machine of spec.stateMachines) {
      const id = synth.idOf('AWS::StepFunctions::StateMachine', 'StateMachineName', machine.name);
      const substitutions = synth.resources[id]!.Properties.DefinitionSubstitutions as Record<
        string,
        unknown
      >;
      const placeholders = [...machine.definitionString.matchAll(/\$\{([A-Za-z]+)\}/g)].map((m) => m[1]);
      expect(Object.keys(substitutions).sort()).toEqual([...new Set(placeholders)].sort());
      for (const [variable, handler] of Object.entries(machine.functionSubstitutions)) {
        const fnId = synth.idOf('AWS::Lambda::Function', 'FunctionName', `${STACK}-${handler}`);
        expect(variable).toBe(functionArnVariable(handler));
        expect(substitutions[variable]).toEqual({ 'Fn::GetAtt': [fnId, 'Arn'] });
      }
    }
    const payRun = synth.idOf('AWS::StepFunctions::StateMachine', 'StateMachineName', `${STACK}-pay-run`);
    expect(
      (synth.resources[payRun]!.Properties.DefinitionSubstitutions as Record<string, string>)
        .CalculatePayMaxConcurrency,
    ).toBe(String(spec.settings.calculatePayMaxConcurrency));
  });

  it('fans CalculatePay out as a distributed Map of EXPRESS child executions', () => {
    const map = JSON.parse(spec.stateMachines[0]!.definitionString).States.CalculatePay;
    expect(map.ItemProcessor.ProcessorConfig).toEqual({ Mode: 'DISTRIBUTED', ExecutionType: 'EXPRESS' });
  });
});

describe('schedules', () => {
  it('starts the payday machine daily with the scheduled time as asOf, through a role that may start only it', () => {
    const machineId = synth.idOf('AWS::StepFunctions::StateMachine', 'StateMachineName', `${STACK}-payday`);
    const [[, schedule]] = synth
      .ofType('AWS::Scheduler::Schedule')
      .filter(([, s]) => s.Properties.Name === `${STACK}-daily-payday`) as [[string, Resource]];
    expect(schedule.Properties).toMatchObject({
      ScheduleExpression: 'cron(0 6 * * ? *)',
      State: 'ENABLED',
      Target: {
        Arn: { Ref: machineId },
        Input: JSON.stringify({ asOf: '<aws.scheduler.scheduled-time>' }),
      },
    });
    const roleId = referencedId((schedule.Properties.Target as { RoleArn: unknown }).RoleArn)!;
    const grants = statementsOf(synth)
      .filter(({ roles }) => roles.includes(roleId))
      .map(({ statement }) => statement);
    expect(grants.flatMap(actionsOf)).toEqual(['states:StartExecution']);
    expect(grants.flatMap(resourcesOf)).toEqual([{ Ref: machineId }]);
  });

  it('invokes the DLQ redrive function every 15 minutes', () => {
    const fnId = synth.idOf('AWS::Lambda::Function', 'FunctionName', `${STACK}-redrive-dead-letters`);
    synth.template.hasResourceProperties('AWS::Scheduler::Schedule', {
      Name: `${STACK}-dlq-redrive`,
      ScheduleExpression: 'rate(15 minutes)',
      Target: Match.objectLike({ Arn: { 'Fn::GetAtt': [fnId, 'Arn'] }, Input: '{}' }),
    });
    expect(synth.ofType('AWS::Scheduler::Schedule')).toHaveLength(spec.schedules.length);
  });
});

describe('alarms and outputs', () => {
  it('alarms on any message parked in any DLQ', () => {
    for (const queue of spec.queues) {
      const dlqId = synth.idOf('AWS::SQS::Queue', 'QueueName', queue.dlq.name);
      synth.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Namespace: 'AWS/SQS',
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [dlqId, 'QueueName'] } }],
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
      });
    }
  });

  it('alarms on a failed pay run and on a run that ended COMPENSATION_FAILED', () => {
    const payRun = synth.idOf('AWS::StepFunctions::StateMachine', 'StateMachineName', `${STACK}-pay-run`);
    synth.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ExecutionsFailed',
      Namespace: 'AWS/States',
      Dimensions: [{ Name: 'StateMachineArn', Value: { Ref: payRun } }],
      Threshold: 0,
    });
    const filters = synth.ofType('AWS::Logs::MetricFilter');
    expect(filters).toHaveLength(spec.stateMachines.length);
    for (const [, filter] of filters) {
      expect(filter.Properties.FilterPattern).toBe(
        '{ ($.type = "ExecutionFailed") && ($.details.error = "CompensationFailed") }',
      );
    }
    const metricName = (filters[0]![1].Properties.MetricTransformations as { MetricName: string }[])[0]!
      .MetricName;
    synth.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: metricName,
      Namespace: 'payroll-ops',
      Threshold: 0,
    });
    // The Fail state both machines end such a run in.
    expect(JSON.stringify(rollbackDefinition)).toContain('"Error":"CompensationFailed"');
  });

  it('outputs every name the CLI needs, and the definitions hash', () => {
    const outputs = synth.template.toJSON().Outputs as Record<string, { Value: unknown }>;
    expect(Object.keys(outputs).sort()).toEqual(Object.values(OutputKey).sort());
    expect(outputs[OutputKey.DefinitionHash]?.Value).toBe(definitionHash());
    expect(outputs[OutputKey.PayRunStateMachineArn]?.Value).toEqual({
      Ref: synth.idOf('AWS::StepFunctions::StateMachine', 'StateMachineName', `${STACK}-pay-run`),
    });
  });
});
