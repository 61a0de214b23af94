/**
 * The pay-run and rollback state machines, from the very definition strings of the backend
 * specification (JSON.stringify of the core objects), with the functions' ARNs and the target's
 * settings filled in by CloudFormation through `definitionSubstitutions`. A definition given as a
 * string gets no IAM from CDK: the role is granted here, explicitly and no wider than the
 * definition needs.
 */
import { ArnFormat, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import type { FunctionName, StateMachineName } from '../../core/saga/functions.js';
import { type BackendSpec, type BackendStateMachine, definitionSubstitutions } from '../backendSpec.js';
import { LOG_RETENTION, stateMachineArnOf } from './functions.js';

export interface DeclaredStateMachine {
  readonly spec: BackendStateMachine;
  readonly machine: sfn.StateMachine;
  readonly logGroup: logs.LogGroup;
}

/** A distributed Map starts child executions of its own machine. */
const runsDistributedMap = (machine: BackendStateMachine) =>
  machine.definitionString.includes('"Mode":"DISTRIBUTED"');

/** `execution:<machine>/*`: the ARNs of a distributed Map's child executions. */
export function childExecutionsArn(scope: Construct, name: string): string {
  return Stack.of(scope).formatArn({
    service: 'states',
    resource: 'execution',
    resourceName: `${name}/*`,
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
}

function grantDefinition(
  scope: Construct,
  spec: BackendStateMachine,
  role: iam.IRole,
  functions: ReadonlyMap<FunctionName, lambda.IFunction>,
) {
  const invoked = Object.values(spec.functionSubstitutions).map((fn) => functions.get(fn)?.functionArn);
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions: ['lambda:InvokeFunction'],
      resources: invoked.filter((arn): arn is string => arn !== undefined),
    }),
  );
  if (!runsDistributedMap(spec)) return;
  // Fixed names, not references to the machine itself: its role's policy must exist before it.
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions: ['states:StartExecution'],
      resources: [stateMachineArnOf(scope, spec.name)],
    }),
  );
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions: ['states:DescribeExecution', 'states:StopExecution', 'states:RedriveExecution'],
      resources: [childExecutionsArn(scope, spec.name)],
    }),
  );
}

export function declareStateMachines(
  scope: Construct,
  spec: BackendSpec,
  functions: ReadonlyMap<FunctionName, lambda.IFunction>,
): ReadonlyMap<StateMachineName, DeclaredStateMachine> {
  const declared = new Map<StateMachineName, DeclaredStateMachine>();
  for (const machineSpec of spec.stateMachines) {
    const logGroup = new logs.LogGroup(scope, `${machineSpec.logicalId}Logs`, { retention: LOG_RETENTION });
    const machine = new sfn.StateMachine(scope, machineSpec.logicalId, {
      stateMachineName: machineSpec.name,
      stateMachineType: sfn.StateMachineType.STANDARD,
      definitionBody: sfn.DefinitionBody.fromString(machineSpec.definitionString),
      definitionSubstitutions: definitionSubstitutions(
        machineSpec,
        (fn) => functions.get(fn)?.functionArn ?? '',
      ),
      // Every event, but no state data: payloads carry run ids, and errors stay in the run record.
      logs: { destination: logGroup, level: sfn.LogLevel.ALL, includeExecutionData: false },
      tracingEnabled: true,
    });
    grantDefinition(scope, machineSpec, machine.role, functions);
    declared.set(machineSpec.machine, { spec: machineSpec, machine, logGroup });
  }
  return declared;
}
