import { SfnApiError, SfnErrorType } from './errors.js';

/** ARNs and names as AWS builds and checks them. */
export interface ArnScope {
  readonly region: string;
  readonly accountId: string;
}

export const stateMachineArn = (scope: ArnScope, name: string): string =>
  `arn:aws:states:${scope.region}:${scope.accountId}:stateMachine:${name}`;

export const executionArn = (scope: ArnScope, machineName: string, name: string): string =>
  `arn:aws:states:${scope.region}:${scope.accountId}:execution:${machineName}:${name}`;

// AWS: 1-80 characters; no whitespace, brackets, wildcards, special or control characters.
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what AWS forbids.
const FORBIDDEN_NAME_CHARACTERS = /[\s<>{}[\]?*"#%\\^|~`$&,;:/\u0000-\u001f\u007f-\u009f]/;

export function validateName(name: unknown, what: string): string {
  if (typeof name !== 'string' || name.length < 1 || name.length > 80) {
    throw new SfnApiError(SfnErrorType.InvalidName, `Invalid ${what} name: must be 1 to 80 characters.`);
  }
  if (FORBIDDEN_NAME_CHARACTERS.test(name)) {
    throw new SfnApiError(SfnErrorType.InvalidName, `Invalid ${what} name '${name}': forbidden character.`);
  }
  return name;
}

/** The state machine name inside an execution ARN, or an InvalidArn error. */
export function parseExecutionArn(arn: unknown): { readonly machineName: string; readonly name: string } {
  const parts = typeof arn === 'string' ? arn.split(':') : [];
  if (parts.length !== 8 || parts[0] !== 'arn' || parts[2] !== 'states' || parts[5] !== 'execution') {
    throw new SfnApiError(SfnErrorType.InvalidArn, `Invalid Arn: '${String(arn)}'`);
  }
  return { machineName: parts[6]!, name: parts[7]! };
}

export function requireStateMachineArn(arn: unknown): string {
  const parts = typeof arn === 'string' ? arn.split(':') : [];
  if (parts.length !== 7 || parts[0] !== 'arn' || parts[2] !== 'states' || parts[5] !== 'stateMachine') {
    throw new SfnApiError(SfnErrorType.InvalidArn, `Invalid Arn: '${String(arn)}'`);
  }
  return arn as string;
}

/** `my-fn`, `arn:aws:lambda:r:a:function:my-fn`, `arn:...:function:my-fn:alias` or `a:function:my-fn` → `my-fn`. */
export function lambdaFunctionName(nameOrArn: string): string {
  const marker = nameOrArn.indexOf('function:');
  if (marker < 0) return nameOrArn;
  return nameOrArn.slice(marker + 'function:'.length).split(':')[0] ?? nameOrArn;
}
