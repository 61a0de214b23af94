/**
 * cdk-nag (AwsSolutions) findings this stack accepts, each with its reason. Recorded with
 * aws-cdk-lib's own `Validations.of(...).acknowledge`, so the deploy path never loads cdk-nag; the
 * tests run the checks. A bracketed finding (`AwsSolutions-IAM5[Resource::*]`) is acknowledged by
 * its exact evidence, never by the bare rule, so a new wildcard still fails the checks.
 */
import { Stack, Validations } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type { Construct, IConstruct } from 'constructs';
import type { FunctionName, StateMachineName } from '../../core/saga/functions.js';
import type { BackendSpec } from '../backendSpec.js';
import type { DeclaredApi } from './api.js';
import { artifactObjectArns, executionsArnOf } from './functions.js';
import type { DeclaredSchedule } from './schedules.js';
import { childExecutionsArn, type DeclaredStateMachine } from './stateMachines.js';
import type { Storage } from './storage.js';

export interface AcknowledgedParts {
  readonly storage: Storage;
  readonly machines: ReadonlyMap<StateMachineName, DeclaredStateMachine>;
  readonly api: DeclaredApi;
  readonly functions: ReadonlyMap<FunctionName, lambda.Function>;
  readonly schedules: readonly DeclaredSchedule[];
}

const RULE = 'AwsSolutions::AwsSolutions';

/** A CloudFormation value as cdk-nag writes it in a finding: `<Logical.Arn>/index/*`. */
function evidence(scope: IConstruct, value: string): string {
  const visit = (node: unknown): string => {
    if (typeof node === 'string') return node.replace(/\$\{/g, '<').replace(/\}/g, '>');
    if (node !== null && typeof node === 'object') {
      const fn = node as Record<string, unknown>;
      if (Array.isArray(fn['Fn::Join'])) {
        const [delimiter, items] = fn['Fn::Join'] as [string, unknown[]];
        return items.map(visit).join(delimiter);
      }
      if (Array.isArray(fn['Fn::GetAtt'])) {
        const [resource, attribute] = fn['Fn::GetAtt'] as [unknown, unknown];
        return `<${visit(resource)}.${visit(attribute)}>`;
      }
      if (fn.Ref !== undefined) return `<${visit(fn.Ref)}>`;
    }
    return JSON.stringify(node);
  };
  return visit(Stack.of(scope).resolve(value));
}

const wildcard = (scope: IConstruct, resource: string, reason: string) => ({
  id: `${RULE}-IAM5[Resource::${evidence(scope, resource)}]`,
  reason,
});

const XRAY_AND_LOGS =
  'X-Ray PutTraceSegments/PutTelemetryRecords and CloudWatch Logs delivery actions support no resource-level permissions; these statements hold no DynamoDB, SQS, S3, Step Functions or Lambda action.';

function acknowledgeFunction(
  spec: BackendSpec,
  handler: FunctionName,
  fn: lambda.Function,
  parts: AcknowledgedParts,
) {
  const access = spec.functions.find((f) => f.handler === handler)?.access;
  const acknowledgements = [
    {
      id: `${RULE}-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]`,
      reason: "Lambda's basic execution policy: writing the function's own logs, nothing else.",
    },
    { id: `${RULE}-IAM5[Resource::*]`, reason: XRAY_AND_LOGS },
  ];
  if (access?.dataTable) {
    acknowledgements.push(
      wildcard(
        fn,
        `${parts.storage.dataTable.tableArn}/index/*`,
        'Queries on the data table index gsi1 (outbox, open runs); the table has no other index.',
      ),
    );
  }
  for (const machine of access?.startExecutions ?? []) {
    const name = spec.stateMachines.find((m) => m.machine === machine)?.name ?? machine;
    acknowledgements.push(
      wildcard(
        fn,
        executionsArnOf(fn, name),
        `DescribeExecution of ${name}'s executions only: a start whose answer was lost asks whether its execution began.`,
      ),
    );
  }
  if (access?.writeArtifacts) {
    for (const arn of artifactObjectArns(parts.storage)) {
      acknowledgements.push(
        wildcard(fn, arn, 'PutObject of ACH files and transmission records under their own prefix only.'),
      );
    }
  }
  Validations.of(fn).acknowledge(...acknowledgements);
}

export function acknowledgeFindings(_stack: Construct, spec: BackendSpec, parts: AcknowledgedParts): void {
  for (const [handler, fn] of parts.functions) acknowledgeFunction(spec, handler, fn, parts);
  for (const { spec: machineSpec, machine } of parts.machines.values()) {
    const acknowledgements = [{ id: `${RULE}-IAM5[Resource::*]`, reason: XRAY_AND_LOGS }];
    if (machineSpec.definitionString.includes('"Mode":"DISTRIBUTED"')) {
      acknowledgements.push(
        wildcard(
          machine,
          childExecutionsArn(machine, machineSpec.name),
          "The distributed Map's child executions of this machine only (Describe/Stop/Redrive).",
        ),
      );
    }
    Validations.of(machine).acknowledge(...acknowledgements);
  }
  for (const { role, invokes } of parts.schedules) {
    if (!invokes) continue;
    Validations.of(role).acknowledge(
      wildcard(
        role,
        `${invokes.functionArn}:*`,
        "lambda:InvokeFunction on the scheduled function's own versions and aliases (the target's grant), nothing else.",
      ),
    );
  }
  Validations.of(parts.api.api).acknowledge({
    id: `${RULE}-COG4`,
    reason: 'Callers are AWS principals authorised by IAM (SigV4), not Cognito users.',
  });
  Validations.of(parts.api.api.deploymentStage).acknowledge({
    id: `${RULE}-APIG6`,
    reason:
      'Execution logging needs the account-wide API Gateway CloudWatch role, which no one stack should own; the stage has access logs of every request.',
  });
}
