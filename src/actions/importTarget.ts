/**
 * `payroll-ops target add`: a stack someone already deployed becomes a target here, from its
 * CloudFormation outputs (the same ones `deploy` records), after the same access pre-flight.
 */
import { BadInputError, OperationFailedError } from '../core/errors.js';
import { callerIdentity } from '../infra/aws/callerIdentity.js';
import { describeStack } from '../infra/aws/stackOutputs.js';
import { OutputKey } from '../infra/backendSpec.js';
import { type AwsTarget, writeTarget } from '../infra/targets.js';
import { resolveTarget, StackTag, type TargetFlags } from './deployTarget.js';

export interface ImportTargetRequest extends TargetFlags {
  readonly home: string;
  readonly cliVersion: string;
  readonly awsSharedFiles: readonly string[];
  readonly preflightTimeoutMs?: number;
}

/** Statuses of a stack whose outputs are those of a complete deploy. */
const USABLE = /^(CREATE_COMPLETE|UPDATE_COMPLETE|UPDATE_ROLLBACK_COMPLETE|IMPORT_COMPLETE)$/;

export async function importTarget(request: ImportTargetRequest): Promise<AwsTarget> {
  const target = resolveTarget(
    request.home,
    request,
    'target add',
    'payroll-ops target add NAME --region REGION, NAME not local',
  );
  const access = {
    region: target.region,
    sharedFiles: request.awsSharedFiles,
    ...(target.profile ? { profile: target.profile } : {}),
  };
  const identity = await callerIdentity(access, request.preflightTimeoutMs);
  const stack = await describeStack(access, target.stackName);
  if (!stack) {
    throw new BadInputError(
      'STACK_NOT_FOUND',
      `No stack ${target.stackName} in aws://${identity.account}/${target.region}: check --stack-name and --region, or create it with payroll-ops deploy --target ${target.name} --region ${target.region}.`,
    );
  }
  if (!USABLE.test(stack.status)) {
    throw new OperationFailedError(
      'STACK_NOT_READY',
      `Stack ${target.stackName} is ${stack.status}; import it once a deploy has completed.`,
    );
  }
  const missing = Object.values(OutputKey).filter((key) => stack.outputs[key] === undefined);
  if (missing.length > 0) {
    throw new BadInputError(
      'NOT_A_PAYROLL_STACK',
      `Stack ${target.stackName} lacks the outputs ${missing.join(', ')}: it was not deployed by payroll-ops deploy (or by an older version); redeploy it.`,
    );
  }
  const recorded: AwsTarget = {
    name: target.name,
    kind: 'aws',
    account: identity.account,
    region: target.region,
    ...(target.profile ? { profile: target.profile } : {}),
    stackName: target.stackName,
    outputs: stack.outputs,
    definitionHash: stack.outputs[OutputKey.DefinitionHash] as string,
    cliVersion: stack.tags[StackTag.CliVersion] ?? request.cliVersion,
    deployedAt: stack.updatedAt,
  };
  writeTarget(request.home, recorded);
  return recorded;
}
