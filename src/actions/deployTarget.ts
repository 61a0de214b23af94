/**
 * Which stack a deploy is about, from the flags and what config.json recorded: a new target needs
 * its region named (never a silent us-east-1), an existing one keeps its region and stack name
 * (another region or name is another target). All refusals are bad input, before anything runs.
 */
import { BadInputError } from '../core/errors.js';
import { backendSpec, TargetKind } from '../infra/backendSpec.js';
import { type AwsTarget, LOCAL_TARGET_NAME, readTarget, validateTargetName } from '../infra/targets.js';

export interface TargetFlags {
  readonly target?: string;
  readonly region?: string;
  readonly profile?: string;
  readonly stackName?: string;
}

export interface ResolvedTarget {
  readonly name: string;
  readonly region: string;
  readonly profile?: string;
  readonly stackName: string;
  /** What config.json holds for it, when it was deployed or imported before. */
  readonly recorded?: AwsTarget;
}

// e.g. eu-west-1, us-gov-west-1, ap-southeast-4.
const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

/** Tags on the stack: who deployed it with what, read back by `target add`. */
export const StackTag = { CliVersion: 'payroll-ops:cli-version', Target: 'payroll-ops:target' } as const;

export const defaultStackName = (target: string) => `payroll-ops-${target}`;

/** `usage` names the AWS target the way the command takes it (a flag, or an argument). */
export function resolveTarget(
  home: string,
  flags: TargetFlags,
  command: string,
  usage = '--target NAME --region REGION',
): ResolvedTarget {
  if (flags.target === undefined || flags.target === LOCAL_TARGET_NAME) {
    throw new BadInputError(
      'AWS_TARGET_REQUIRED',
      `${command} needs an AWS target: ${usage} (the local target provisions itself on start).`,
    );
  }
  const name = validateTargetName(flags.target);
  const recorded = readTarget(home, name);
  if (flags.region !== undefined && !REGION.test(flags.region)) {
    throw new BadInputError(
      'BAD_REGION',
      `--region ${flags.region} is not an AWS region name (e.g. eu-west-1).`,
    );
  }
  const region = flags.region ?? recorded?.region;
  if (region === undefined) {
    throw new BadInputError(
      'REGION_REQUIRED',
      `Target ${name} is new: name its region with --region (e.g. --region eu-west-1); payroll-ops never picks one for you.`,
    );
  }
  if (recorded && region !== recorded.region) {
    throw new BadInputError(
      'TARGET_REGION_MISMATCH',
      `Target ${name} is in ${recorded.region}, not ${region}: drop --region, or name a new target for ${region}.`,
    );
  }
  const stackName = flags.stackName ?? recorded?.stackName ?? defaultStackName(name);
  if (recorded && stackName !== recorded.stackName) {
    throw new BadInputError(
      'TARGET_STACK_MISMATCH',
      `Target ${name} is the stack ${recorded.stackName}, not ${stackName}: drop --stack-name, or name a new target.`,
    );
  }
  // Validates the stack name and every name derived from it (one line on failure).
  backendSpec({ stackName, target: TargetKind.Aws });
  const profile = flags.profile ?? recorded?.profile;
  return { name, region, stackName, ...(profile ? { profile } : {}), ...(recorded ? { recorded } : {}) };
}
