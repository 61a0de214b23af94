/**
 * Verifies AWS Signature V4 on a request received by the local front, with the SDK's own signer
 * (@smithy/signature-v4): the signature is recomputed for the received method, path, query,
 * signed headers and body, with the date, region and service the client put in its credential
 * scope, and compared in constant time. The date must be within AWS's 15 minutes of now, and the
 * body must be the one that was signed (a declared x-amz-content-sha256 is checked against it).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import type { LocalCredentials } from './credentials.js';

export interface ReceivedRequest {
  readonly method: string;
  /** As received: path and query, still percent-encoded. */
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

/** Why a request was refused; each maps to the service's own error name. */
export const AuthFailure = {
  Missing: 'missing',
  Incomplete: 'incomplete',
  UnknownKey: 'unknown-key',
  BadSignature: 'bad-signature',
  Expired: 'expired',
} as const;
export type AuthFailure = (typeof AuthFailure)[keyof typeof AuthFailure];

export type Verdict =
  | { readonly ok: true; readonly service: string; readonly region: string }
  | { readonly ok: false; readonly failure: AuthFailure; readonly message: string };

/** AWS refuses a request whose date is further than this from its clock. */
export const MAX_SKEW_MS = 15 * 60_000;
const ALGORITHM = 'AWS4-HMAC-SHA256';
const DATE_PATTERN = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;
const SIGNATURE_PATTERN = /^[0-9a-f]{64}$/;
const Sha256 = Hash.bind(null, 'sha256');

interface Authorization {
  readonly accessKeyId: string;
  readonly date: string;
  readonly region: string;
  readonly service: string;
  readonly signedHeaders: readonly string[];
  readonly signature: string;
}

const refuse = (failure: AuthFailure, message: string): Verdict => ({ ok: false, failure, message });

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

function parseAuthorization(text: string): Authorization | string {
  if (!text.startsWith(`${ALGORITHM} `)) return `Unsupported authorization; only ${ALGORITHM} is accepted.`;
  const fields = new Map<string, string>();
  for (const part of text.slice(ALGORITHM.length + 1).split(',')) {
    const equals = part.indexOf('=');
    if (equals > 0) fields.set(part.slice(0, equals).trim(), part.slice(equals + 1).trim());
  }
  const credential = fields.get('Credential')?.split('/') ?? [];
  const signedHeaders = fields.get('SignedHeaders');
  const signature = fields.get('Signature') ?? '';
  if (credential.length !== 5 || credential[4] !== 'aws4_request' || !signedHeaders) {
    return 'Authorization header requires Credential (keyid/date/region/service/aws4_request) and SignedHeaders.';
  }
  if (!SIGNATURE_PATTERN.test(signature)) return 'Authorization header requires a hex Signature.';
  const [accessKeyId = '', date = '', region = '', service = ''] = credential;
  return { accessKeyId, date, region, service, signedHeaders: signedHeaders.split(';'), signature };
}

function parseAmzDate(text: string | undefined): Date | undefined {
  const parts = DATE_PATTERN.exec(text ?? '');
  if (!parts) return undefined;
  const [year, month, day, hour, minute, second] = parts.slice(1).map(Number) as number[];
  return new Date(Date.UTC(year!, month! - 1, day!, hour!, minute!, second!));
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** The query string as the signer takes it: decoded names and values, repeated names as lists. */
function parseQuery(search: string): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = {};
  for (const pair of search.split('&')) {
    if (pair === '') continue;
    const equals = pair.indexOf('=');
    const name = decodeURIComponent(equals < 0 ? pair : pair.slice(0, equals));
    const value = equals < 0 ? '' : decodeURIComponent(pair.slice(equals + 1));
    const existing = query[name];
    query[name] =
      existing === undefined ? value : [...(Array.isArray(existing) ? existing : [existing]), value];
  }
  return query;
}

async function expectedSignature(
  request: ReceivedRequest,
  auth: Authorization,
  signingDate: Date,
  credentials: LocalCredentials,
): Promise<string | undefined> {
  const headers: Record<string, string> = {};
  for (const name of auth.signedHeaders) {
    const value = header(request.headers, name);
    if (value === undefined) return undefined;
    headers[name] = value;
  }
  const question = request.url.indexOf('?');
  const path = question < 0 ? request.url : request.url.slice(0, question);
  const [hostname = '', port] = (headers.host ?? '').split(':');
  const toSign = new HttpRequest({
    method: request.method,
    protocol: 'http:',
    hostname,
    ...(port ? { port: Number(port) } : {}),
    path,
    query: question < 0 ? {} : parseQuery(request.url.slice(question + 1)),
    headers,
    body: request.body,
  });
  // applyChecksum off: the client's signed headers are the whole set, nothing is added to them.
  const signer = new SignatureV4({
    credentials,
    region: auth.region,
    service: auth.service,
    sha256: Sha256,
    applyChecksum: false,
  });
  const signed = await signer.sign(toSign, {
    signingDate,
    signingRegion: auth.region,
    signingService: auth.service,
    // Headers the signer would never sign itself (user-agent, ...) count when the client signed them.
    signableHeaders: new Set(auth.signedHeaders),
  });
  return /Signature=([0-9a-f]{64})/.exec(String(signed.headers.authorization ?? ''))?.[1];
}

/** Whether `request` carries a valid signature by `credentials`; which service it was signed for. */
export async function verifySignature(
  request: ReceivedRequest,
  credentials: LocalCredentials,
  now: number = Date.now(),
): Promise<Verdict> {
  const authorization = header(request.headers, 'authorization');
  if (!authorization) return refuse(AuthFailure.Missing, 'Request is missing Authentication Token');
  const auth = parseAuthorization(authorization);
  if (typeof auth === 'string') return refuse(AuthFailure.Incomplete, auth);
  const amzDate = header(request.headers, 'x-amz-date');
  const signingDate = parseAmzDate(amzDate);
  if (!signingDate || !auth.signedHeaders.includes('x-amz-date') || !auth.signedHeaders.includes('host')) {
    return refuse(
      AuthFailure.Incomplete,
      "Authorization requires a signed 'X-Amz-Date' header in ISO-8601 basic format and a signed 'Host'.",
    );
  }
  if (!sameText(auth.accessKeyId, credentials.accessKeyId)) {
    return refuse(AuthFailure.UnknownKey, 'The security token included in the request is invalid.');
  }
  if (auth.date !== amzDate?.slice(0, 8)) {
    return refuse(AuthFailure.BadSignature, 'Date in Credential scope does not match the X-Amz-Date header.');
  }
  if (Math.abs(now - signingDate.getTime()) > MAX_SKEW_MS) {
    return refuse(
      AuthFailure.Expired,
      `Signature expired: ${amzDate} is more than 15 minutes from the server's time ${new Date(now).toISOString()}.`,
    );
  }
  const declaredHash = header(request.headers, 'x-amz-content-sha256');
  if (
    declaredHash !== undefined &&
    declaredHash !== createHash('sha256').update(request.body).digest('hex')
  ) {
    return refuse(
      AuthFailure.BadSignature,
      'The provided x-amz-content-sha256 header does not match the body.',
    );
  }
  let expected: string | undefined;
  try {
    expected = await expectedSignature(request, auth, signingDate, credentials);
  } catch {
    expected = undefined; // a malformed path or query cannot have been signed by a real client
  }
  if (expected === undefined || !sameText(expected, auth.signature)) {
    return refuse(
      AuthFailure.BadSignature,
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.',
    );
  }
  return { ok: true, service: auth.service, region: auth.region };
}
