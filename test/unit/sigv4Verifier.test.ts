/**
 * The front's signature check on its own: requests signed by the SDK's signer pass; every way of
 * getting one wrong, or changing it after signing, is refused with the right reason.
 */
import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { describe, expect, it } from 'vitest';
import { AuthFailure, type ReceivedRequest, verifySignature } from '../../src/infra/local/sigv4Verifier.js';

const FOLDER = {
  accessKeyId: 'AKIAABCDEFGHIJKLMNOP',
  secretAccessKey: 'the-folder-secret-0123456789abcdefghijklm',
};
const NOW = Date.parse('2026-03-31T12:00:00Z');
const HOST = '127.0.0.1:4567';
const BODY = JSON.stringify({ TableName: 'payroll-ops-data' });

interface SignOptions {
  readonly credentials?: { accessKeyId: string; secretAccessKey: string };
  readonly date?: number;
  readonly path?: string;
  readonly query?: Record<string, string>;
  readonly headers?: Record<string, string>;
  readonly signableHeaders?: Set<string>;
  readonly service?: string;
}

/** A request as the front receives it, signed by the SDK's own signer. */
async function signed(options: SignOptions = {}): Promise<ReceivedRequest> {
  const signer = new SignatureV4({
    credentials: options.credentials ?? FOLDER,
    region: 'us-east-1',
    service: options.service ?? 'dynamodb',
    sha256: Hash.bind(null, 'sha256'),
  });
  const request = await signer.sign(
    new HttpRequest({
      method: 'POST',
      protocol: 'http:',
      hostname: '127.0.0.1',
      port: 4567,
      path: options.path ?? '/',
      query: options.query ?? {},
      headers: {
        host: HOST,
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': 'DynamoDB_20120810.Scan',
        ...options.headers,
      },
      body: BODY,
    }),
    { signingDate: new Date(options.date ?? NOW), signableHeaders: options.signableHeaders },
  );
  // As the SDK sends a query: RFC 3986 escapes (a space is %20, not +).
  const search = Object.entries(options.query ?? {})
    .map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`)
    .join('&');
  return {
    method: 'POST',
    url: `${options.path ?? '/'}${search ? `?${search}` : ''}`,
    headers: Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k.toLowerCase(), v])),
    body: Buffer.from(BODY),
  };
}

const verify = (request: ReceivedRequest) => verifySignature(request, FOLDER, NOW);

describe('verifySignature', () => {
  it.each([
    ['a plain JSON-protocol request', {}],
    ['a request with a query string', { path: '/', query: { b: '2', a: 'x y' } }],
    [
      'a request that also signed its user-agent',
      { headers: { 'user-agent': 'aws-cli/2.9' }, signableHeaders: new Set(['user-agent']) },
    ],
    ['a request signed for Step Functions', { service: 'states' }],
    ['a request dated 14 minutes ago', { date: NOW - 14 * 60_000 }],
  ] as const)('accepts %s signed with the folder’s credentials', async (_what, options) => {
    const verdict = await verify(await signed(options));
    expect(verdict).toMatchObject({ ok: true, region: 'us-east-1' });
  });

  it('names the service the request was signed for', async () => {
    expect(await verify(await signed({ service: 'sqs' }))).toMatchObject({ ok: true, service: 'sqs' });
  });

  const tampered = async (change: (request: ReceivedRequest) => ReceivedRequest) => change(await signed());

  it.each([
    [
      'no Authorization header',
      async () => tampered((r) => ({ ...r, headers: { ...r.headers, authorization: undefined } })),
      AuthFailure.Missing,
    ],
    [
      'another algorithm',
      async () => tampered((r) => ({ ...r, headers: { ...r.headers, authorization: 'Bearer abc' } })),
      AuthFailure.Incomplete,
    ],
    [
      'a made-up key',
      async () => signed({ credentials: { accessKeyId: 'AKIAZZZZZZZZZZZZZZZZ', secretAccessKey: 'guess' } }),
      AuthFailure.UnknownKey,
    ],
    [
      'the right key id with a wrong secret',
      async () => signed({ credentials: { ...FOLDER, secretAccessKey: 'wrong' } }),
      AuthFailure.BadSignature,
    ],
    [
      'a body changed after signing',
      async () => tampered((r) => ({ ...r, body: Buffer.from(BODY.replace('data', 'idempotency')) })),
      AuthFailure.BadSignature,
    ],
    [
      'a signed header changed after signing',
      async () =>
        tampered((r) => ({
          ...r,
          headers: { ...r.headers, 'x-amz-target': 'DynamoDB_20120810.DeleteTable' },
        })),
      AuthFailure.BadSignature,
    ],
    [
      'a path changed after signing',
      async () => tampered((r) => ({ ...r, url: '/other' })),
      AuthFailure.BadSignature,
    ],
    [
      'a declared body hash that is not the body’s',
      async () => signed({ headers: { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' } }),
      AuthFailure.BadSignature,
    ],
    ['a date 16 minutes old', async () => signed({ date: NOW - 16 * 60_000 }), AuthFailure.Expired],
    ['a date 16 minutes ahead', async () => signed({ date: NOW + 16 * 60_000 }), AuthFailure.Expired],
    [
      'an X-Amz-Date changed after signing',
      async () => tampered((r) => ({ ...r, headers: { ...r.headers, 'x-amz-date': '20260331T120100Z' } })),
      AuthFailure.BadSignature,
    ],
    [
      'a signed header left out',
      async () => tampered((r) => ({ ...r, headers: { ...r.headers, 'x-amz-target': undefined } })),
      AuthFailure.BadSignature,
    ],
    [
      'a malformed percent-escape in the query',
      async () => tampered((r) => ({ ...r, url: '/?a=%E0%A4%A' })),
      AuthFailure.BadSignature,
    ],
  ] as const)('refuses %s', async (_what, build, failure) => {
    const verdict = await verify(await build());
    expect(verdict).toMatchObject({ ok: false, failure });
  });
});
