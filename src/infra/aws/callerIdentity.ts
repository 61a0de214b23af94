/**
 * The pre-flight of every command that reaches AWS: STS GetCallerIdentity within a time limit.
 * Without it, toolkit-lib says only "Unable to resolve AWS account to use" for every credentials
 * problem (the real cause is at debug level) and hangs with no timeout on an endpoint that never
 * answers. This names the real cause in one line.
 */
import { readFileSync } from 'node:fs';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { InfrastructureError } from '../../core/errors.js';

export const PREFLIGHT_TIMEOUT_MS = 10_000;

export interface CallerIdentity {
  readonly account: string;
  readonly arn: string;
}

export interface AwsAccess {
  readonly region: string;
  readonly profile?: string;
  /** The shared config and credentials files, to tell an unknown profile from missing credentials. */
  readonly sharedFiles?: readonly string[];
}

const CredentialProblem = {
  NoCredentials: 'NO_CREDENTIALS',
  UnknownProfile: 'UNKNOWN_PROFILE',
  SsoExpired: 'SSO_EXPIRED',
  Rejected: 'CREDENTIALS_REJECTED',
  Unreachable: 'AWS_UNREACHABLE',
  Timeout: 'AWS_TIMEOUT',
} as const;

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
]);
const REJECTED = new Set([
  'InvalidClientTokenId',
  'ExpiredToken',
  'ExpiredTokenException',
  'SignatureDoesNotMatch',
  'AccessDenied',
  'UnrecognizedClientException',
]);

interface ErrorShape {
  readonly $metadata?: { readonly httpStatusCode?: number };
  readonly name?: string;
  readonly code?: string;
  readonly message?: string;
  readonly cause?: unknown;
}

/** The socket error under an SDK error (on it or on a cause), e.g. `connect ECONNREFUSED 127.0.0.1:1`. */
function networkError(error: unknown, depth = 0): ErrorShape | undefined {
  if (error === null || typeof error !== 'object' || depth > 4) return undefined;
  const shape = error as ErrorShape;
  if (shape.code && NETWORK_CODES.has(shape.code)) return shape;
  return networkError(shape.cause, depth + 1);
}

/** Whether `[profile NAME]` (config) or `[NAME]` (credentials) appears in any shared file. */
export function profileDeclared(profile: string, files: readonly string[]): boolean {
  const headers = new Set([`[${profile}]`, `[profile ${profile}]`]);
  return files.some((file) => {
    try {
      return readFileSync(file, 'utf8')
        .split(/\r?\n/)
        .some((line) => headers.has(line.trim().replace(/\s+/g, ' ')));
    } catch {
      return false;
    }
  });
}

/** One line naming what is wrong with the operator's AWS access, and the fix. */
export function describeAccessProblem(error: unknown, access: AwsAccess): InfrastructureError {
  const shape = (error ?? {}) as ErrorShape;
  const message = shape.message ?? String(error);
  const profile = access.profile ? `profile ${access.profile}` : 'the default profile';
  const problem = (code: string, text: string) => new InfrastructureError(code, text, { cause: error });
  if (/SSO|sso session|token.*expired|refresh.*token/i.test(message) && shape.name !== 'ExpiredToken') {
    return problem(
      CredentialProblem.SsoExpired,
      `The AWS SSO session of ${profile} has expired or was never started: run aws sso login${access.profile ? ` --profile ${access.profile}` : ''}.`,
    );
  }
  const unknownProfile =
    access.profile !== undefined &&
    access.sharedFiles !== undefined &&
    !profileDeclared(access.profile, access.sharedFiles);
  if (unknownProfile || /could not be found|profile .* (does not exist|not configured)/i.test(message)) {
    return problem(
      CredentialProblem.UnknownProfile,
      `AWS profile ${access.profile ?? '(default)'} is not configured in ~/.aws/config or ~/.aws/credentials: use --profile with a configured one, or run aws configure.`,
    );
  }
  if (shape.name === 'CredentialsProviderError' || /Could not load credentials/i.test(message)) {
    return problem(
      CredentialProblem.NoCredentials,
      `No AWS credentials found (environment, ${profile}, SSO or instance role): pass --profile, or run aws configure or aws sso login.`,
    );
  }
  if (shape.name && REJECTED.has(shape.name)) {
    return problem(
      CredentialProblem.Rejected,
      `AWS rejected the credentials of ${profile} (${shape.name}): refresh them (aws sso login, or new access keys).`,
    );
  }
  const network = networkError(error);
  if (network) {
    return problem(
      CredentialProblem.Unreachable,
      `Cannot reach AWS STS in ${access.region} (${network.message ?? network.code}): check the network, proxy and AWS_ENDPOINT_URL settings.`,
    );
  }
  // An answer with no AWS error in it (the SDK names it Unknown): a proxy or another server spoke.
  const status = shape.$metadata?.httpStatusCode;
  if (status !== undefined && /^(Unknown|UnknownError)$/.test(message)) {
    return problem(
      CredentialProblem.Unreachable,
      `What answered for AWS STS in ${access.region} is not STS (HTTP ${status} with no AWS error): check the network, proxy and AWS_ENDPOINT_URL settings.`,
    );
  }
  return problem(
    CredentialProblem.Unreachable,
    `AWS STS GetCallerIdentity failed in ${access.region}: ${message.split('\n')[0]}`,
  );
}

/** Who the operator's credentials are, or an InfrastructureError naming the cause within `timeoutMs`. */
export async function callerIdentity(
  access: AwsAccess,
  timeoutMs: number = PREFLIGHT_TIMEOUT_MS,
): Promise<CallerIdentity> {
  const sts = new STSClient({
    region: access.region,
    ...(access.profile ? { profile: access.profile } : {}),
    maxAttempts: 2,
    requestHandler: { connectionTimeout: Math.min(timeoutMs, 5_000), requestTimeout: timeoutMs },
  });
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new Error('timeout'));
    }, timeoutMs);
  });
  try {
    const out = await Promise.race([
      sts.send(new GetCallerIdentityCommand({}), { abortSignal: controller.signal }),
      timeout,
    ]);
    if (!out.Account || !out.Arn) {
      throw new InfrastructureError(
        'AWS_NO_IDENTITY',
        'AWS STS answered without an account; check AWS_ENDPOINT_URL.',
      );
    }
    return { account: out.Account, arn: out.Arn };
  } catch (error) {
    if (error instanceof InfrastructureError) throw error;
    if (controller.signal.aborted) {
      throw new InfrastructureError(
        CredentialProblem.Timeout,
        `AWS STS in ${access.region} did not answer within ${Math.round(timeoutMs / 1000)} s: check the network, proxy and AWS_ENDPOINT_URL settings.`,
        { cause: error },
      );
    }
    throw describeAccessProblem(error, access);
  } finally {
    clearTimeout(timer);
    sts.destroy();
  }
}
