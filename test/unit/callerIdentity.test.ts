/** The pre-flight's one line for each way AWS access goes wrong. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { describeAccessProblem, profileDeclared } from '../../src/infra/aws/callerIdentity.js';

const dir = mkdtempSync(join(tmpdir(), 'payroll-ops-aws-files-'));
const config = join(dir, 'config');
writeFileSync(config, '[default]\nregion = eu-west-1\n\n[profile payroll]\nsso_session = corp\n');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const sdkError = (name: string, message: string, extra: object = {}) =>
  Object.assign(new Error(message), { name, ...extra });

describe('AWS access problems', () => {
  it('finds profiles declared in the shared config', () => {
    expect(profileDeclared('payroll', [config])).toBe(true);
    expect(profileDeclared('default', [config])).toBe(true);
    expect(profileDeclared('prod', [config, join(dir, 'missing')])).toBe(false);
  });

  it.each([
    [
      'no credentials at all',
      sdkError('CredentialsProviderError', 'Could not load credentials from any providers'),
      {},
      'NO_CREDENTIALS',
      /No AWS credentials found/,
    ],
    [
      'a profile nobody configured',
      sdkError('CredentialsProviderError', 'Could not load credentials from any providers'),
      { profile: 'prod', sharedFiles: [config] },
      'UNKNOWN_PROFILE',
      /AWS profile prod is not configured/,
    ],
    [
      'an expired SSO session',
      sdkError(
        'CredentialsProviderError',
        'The SSO session token associated with profile=payroll was not found or is invalid.',
      ),
      { profile: 'payroll', sharedFiles: [config] },
      'SSO_EXPIRED',
      /run aws sso login --profile payroll/,
    ],
    [
      'rejected keys',
      sdkError('InvalidClientTokenId', 'The security token included in the request is invalid.'),
      {},
      'CREDENTIALS_REJECTED',
      /AWS rejected the credentials .*InvalidClientTokenId/,
    ],
    [
      'an endpoint that cannot be reached',
      sdkError('Error', 'getaddrinfo ENOTFOUND sts.eu-west-1.amazonaws.com', { code: 'ENOTFOUND' }),
      {},
      'AWS_UNREACHABLE',
      /Cannot reach AWS STS in eu-west-1 \(getaddrinfo ENOTFOUND/,
    ],
    [
      'a proxy or another server answering instead of STS',
      sdkError('NotFound', 'Unknown', { $metadata: { httpStatusCode: 404 } }),
      {},
      'AWS_UNREACHABLE',
      /is not STS \(HTTP 404 with no AWS error\): check the network, proxy and AWS_ENDPOINT_URL/,
    ],
  ])('says what is wrong with %s, in one line', (_case, error, access, code, message) => {
    const problem = describeAccessProblem(error, { region: 'eu-west-1', ...access });
    expect(problem.code).toBe(code);
    expect(problem.message).toMatch(message);
    expect(problem.message).not.toContain('\n');
    expect(problem.cause).toBe(error);
  });
});
