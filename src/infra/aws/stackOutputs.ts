/** A deployed stack's outputs and tags through CloudFormation DescribeStacks (`target add`). */
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { translateAwsError } from './awsErrors.js';
import type { AwsAccess } from './callerIdentity.js';

export interface DeployedStack {
  readonly stackName: string;
  readonly status: string;
  readonly outputs: Readonly<Record<string, string>>;
  readonly tags: Readonly<Record<string, string>>;
  readonly updatedAt: string;
}

/** The stack, or undefined when CloudFormation has none of that name in the region. */
export async function describeStack(
  access: AwsAccess,
  stackName: string,
): Promise<DeployedStack | undefined> {
  const cloudformation = new CloudFormationClient({
    region: access.region,
    ...(access.profile ? { profile: access.profile } : {}),
  });
  try {
    const out = await cloudformation.send(new DescribeStacksCommand({ StackName: stackName }));
    const stack = out.Stacks?.[0];
    if (!stack) return undefined;
    return {
      stackName: stack.StackName ?? stackName,
      status: stack.StackStatus ?? 'UNKNOWN',
      outputs: Object.fromEntries((stack.Outputs ?? []).map((o) => [o.OutputKey ?? '', o.OutputValue ?? ''])),
      tags: Object.fromEntries((stack.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? ''])),
      updatedAt: (stack.LastUpdatedTime ?? stack.CreationTime ?? new Date()).toISOString(),
    };
  } catch (error) {
    // CloudFormation answers a missing stack with a ValidationError naming it.
    if ((error as { name?: string }).name === 'ValidationError' && /does not exist/.test(String(error))) {
      return undefined;
    }
    throw translateAwsError(`CloudFormation DescribeStacks ${stackName}`, error);
  } finally {
    cloudformation.destroy();
  }
}
