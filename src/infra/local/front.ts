/**
 * The one door to the host's AWS-compatible services: a loopback HTTP endpoint that reads each
 * request, verifies its Signature V4 against the data folder's credentials, and only then hands
 * it to the emulator for the service it was signed for (the credential scope's service:
 * dynamodb, sqs, states). The emulators listen on nothing themselves. Anything unsigned, signed
 * with another key or secret, too old or tampered with is refused in the service's own error
 * shape, and no answer carries CORS headers, so a web page cannot read payroll data.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { describeError } from '../../core/errors.js';
import { type AwsService, isAwsService, sendAuthError, serviceOfTarget } from './authErrors.js';
import type { LocalCredentials } from './credentials.js';
import type { Emulator, ForwardedRequest } from './emulators.js';
import { createLimitedServer, HEALTH_PATH, readLimitedBody, TOO_LARGE } from './http.js';
import { AuthFailure, verifySignature } from './sigv4Verifier.js';

export interface FrontOptions {
  readonly credentials: LocalCredentials;
  readonly services: Readonly<Partial<Record<AwsService, Emulator>>>;
  readonly log: (line: string) => void;
}

/** dynalite takes up to 16 MiB; nothing the SDK sends to these services is larger. */
const MAX_BODY_BYTES = 16 * 1024 * 1024;
/** Request headers that only a browser sends, and that make an emulator answer with CORS. */
const BROWSER_HEADERS = /^(origin|access-control-request-.*)$/i;
const CORS_HEADER = /^access-control-/i;

function plain(res: ServerResponse, status: number, body: unknown, close = false): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...(close ? { connection: 'close' } : {}),
  });
  res.end(text);
}

/** An emulator may add CORS headers of its own accord (dynalite does); they never leave the host. */
function withoutCors(res: ServerResponse): ServerResponse {
  const setHeader = res.setHeader.bind(res);
  res.setHeader = (name: string, value: number | string | readonly string[]) =>
    CORS_HEADER.test(name) ? res : setHeader(name, value);
  return res;
}

function forwarded(req: IncomingMessage, body: Buffer): ForwardedRequest {
  const headers = Object.fromEntries(
    Object.entries(req.headers).filter(([name]) => !BROWSER_HEADERS.test(name)),
  );
  return { method: req.method ?? 'GET', url: req.url ?? '/', headers, body };
}

export function createFront(options: FrontOptions): Server {
  const { credentials, services, log } = options;
  const serve = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const target = serviceOfTarget(req.headers['x-amz-target'] as string | undefined);
    if (req.method === 'GET' && req.url === HEALTH_PATH) {
      plain(res, 200, { status: 'ok' });
      return;
    }
    // A browser's preflight carries no credentials; it is refused like any unsigned request,
    // and without Access-Control-* headers the browser does not send the real one.
    if (req.method === 'OPTIONS') {
      req.resume();
      sendAuthError(res, target, AuthFailure.Missing, 'Request is missing Authentication Token');
      return;
    }
    const body = await readLimitedBody(req, MAX_BODY_BYTES);
    if (body === TOO_LARGE) {
      plain(res, 413, { __type: 'RequestEntityTooLargeException', message: 'Request body too large.' }, true);
      return;
    }
    const verdict = await verifySignature(
      { method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers, body },
      credentials,
    );
    if (!verdict.ok) {
      sendAuthError(res, target, verdict.failure, verdict.message);
      return;
    }
    const emulator = isAwsService(verdict.service) ? services[verdict.service] : undefined;
    if (!emulator) {
      plain(res, 400, {
        __type: 'UnknownOperationException',
        message: `This endpoint serves ${Object.keys(services).join(', ')}, not ${verdict.service}.`,
      });
      return;
    }
    await emulator.handle(forwarded(req, body), withoutCors(res));
  };
  return createLimitedServer((req, res) => {
    serve(req, res).catch((error: unknown) => {
      log(`front ${req.method} ${req.url}: ${describeError(error)}`);
      if (!res.headersSent) plain(res, 500, { __type: 'InternalFailure', message: 'Internal error.' }, true);
      else res.destroy();
    });
  });
}
