/**
 * Physical names of the backend's resources, derived from the stack name so that two stacks in
 * one account and region never collide. The local target is the stack `payroll-ops`, whose names
 * (payroll-ops-data, payroll-ops-bank-gateway, payroll-ops-pay-run, ...) are those its data folder
 * already holds.
 */
import { BadInputError } from '../core/errors.js';

export const LOCAL_STACK_NAME = 'payroll-ops';

/** The services' limits on the names we derive (characters). */
export const NameLimit = {
  Stack: 128,
  LambdaFunction: 64,
  SqsQueue: 80,
  StateMachine: 80,
  DynamoDbTable: 255,
  Schedule: 64,
  /** API Gateway REST API and WAF web ACL names. */
  WebAcl: 128,
} as const;
export type NameLimit = (typeof NameLimit)[keyof typeof NameLimit];

/** One derived name: `<stack name>-<suffix>`, and the limit it must fit. */
export interface DerivedName {
  readonly suffix: string;
  readonly limit: NameLimit;
  /** What the name is, for the error message: "Lambda function", "SQS queue", ... */
  readonly what: string;
}

export function physicalName(stackName: string, suffix: string): string {
  return `${stackName}-${suffix}`;
}

// CloudFormation: starts with a letter; letters, digits and hyphens only.
const STACK_NAME = /^[A-Za-z][A-Za-z0-9-]*$/;

/**
 * The stack name itself (CloudFormation's rules) and every name derived from it (each service's
 * limit). Returns the name; throws one line naming the problem and the fix.
 */
export function validateStackName(stackName: string, derived: readonly DerivedName[]): string {
  if (!STACK_NAME.test(stackName) || stackName.endsWith('-') || stackName.includes('--')) {
    throw new BadInputError(
      'BAD_STACK_NAME',
      `Stack name "${stackName}" is not valid: use a letter, then letters, digits and single hyphens (e.g. payroll-ops-prod).`,
    );
  }
  const longest = Math.min(NameLimit.Stack, ...derived.map((name) => name.limit - name.suffix.length - 1));
  if (stackName.length > longest) {
    const tightest = derived.find((name) => name.limit - name.suffix.length - 1 === longest);
    const example = tightest
      ? `: the ${tightest.what} ${physicalName(stackName, tightest.suffix)} would exceed ${tightest.limit} characters`
      : '';
    throw new BadInputError(
      'STACK_NAME_TOO_LONG',
      `Stack name "${stackName}" is too long${example}; use at most ${longest} characters.`,
    );
  }
  return stackName;
}
