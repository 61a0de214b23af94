/**
 * The one module that reads the process environment. Precedence for settings:
 * defaults < config file < environment < flags (flags are applied by the commands).
 */
import { homedir, userInfo } from 'node:os';
import { join } from 'node:path';

export interface Environment {
  /** Where all local state lives; tests point it at a temporary folder. */
  readonly home: string;
  readonly noColor: boolean;
  readonly target: string | undefined;
  readonly debug: boolean;
  /** The operator's identity for audit records on the local target. */
  readonly user: string;
  /** The AWS shared config and credentials files (to tell an unknown --profile from missing credentials). */
  readonly awsSharedFiles: readonly string[];
}

function defaultHome(env: NodeJS.ProcessEnv): string {
  const dataHome =
    env.XDG_DATA_HOME && env.XDG_DATA_HOME.length > 0
      ? env.XDG_DATA_HOME
      : join(homedir(), '.local', 'share');
  return join(dataHome, 'payroll-ops');
}

function osUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}

export function readEnvironment(env: NodeJS.ProcessEnv = process.env): Environment {
  return {
    home: env.PAYROLL_OPS_HOME && env.PAYROLL_OPS_HOME.length > 0 ? env.PAYROLL_OPS_HOME : defaultHome(env),
    noColor: env.NO_COLOR !== undefined && env.NO_COLOR !== '',
    target: env.PAYROLL_OPS_TARGET || undefined,
    debug: env.PAYROLL_OPS_DEBUG === '1',
    user: env.USER || env.LOGNAME || osUser(),
    awsSharedFiles: [
      env.AWS_CONFIG_FILE || join(homedir(), '.aws', 'config'),
      env.AWS_SHARED_CREDENTIALS_FILE || join(homedir(), '.aws', 'credentials'),
    ],
  };
}

/** Silences the AWS SDK's Node-version notice once, before any client is built. */
export function quietAwsSdk(env: NodeJS.ProcessEnv = process.env): void {
  env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
}
