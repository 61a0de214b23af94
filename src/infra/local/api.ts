/**
 * API Gateway, locally: an HTTP endpoint on 127.0.0.1 that routes to the app's handlers with an
 * HTTP API (payload format 2.0) event. Every route demands `Authorization: Bearer <token>` with
 * the token from the data folder; anything else is 401 before anything else is looked at. Every
 * request gets an answer: what cannot be parsed is 400 and closes the connection, a body over
 * 1 MiB is 413, and slow clients are cut off by the server's time limits (http.ts).
 */
import { randomUUID, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { describeError } from '../../core/errors.js';
import type { ApiRouteSpec } from '../resources.js';
import { createLimitedServer, HEALTH_PATH, readLimitedBody, TOO_LARGE } from './http.js';
import type { LambdaInvoker } from './lambdaRuntime.js';

export interface ApiDeps {
  /** The routes served now: a deploy may change them while the host runs. */
  readonly routes: () => readonly ApiRouteSpec[];
  readonly token: string;
  readonly invoke: LambdaInvoker;
  readonly log: (line: string) => void;
}

/** API Gateway's own payload limit is 10 MB; an off-cycle request is a few hundred bytes. */
const MAX_BODY_BYTES = 1024 * 1024;

interface CompiledRoute {
  readonly route: ApiRouteSpec;
  readonly pattern: RegExp;
  readonly params: readonly string[];
}

function compile(route: ApiRouteSpec): CompiledRoute {
  const params: string[] = [];
  const source = route.path
    .split('/')
    .map((segment) => {
      const param = /^\{([A-Za-z0-9_]+)\}$/.exec(segment);
      if (!param) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      params.push(param[1]!);
      return '([^/]+)';
    })
    .join('/');
  return { route, pattern: new RegExp(`^${source}/?$`), params };
}

function authorized(header: string | undefined, token: string): boolean {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  if (!match) return false;
  const given = Buffer.from(match[1]!);
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(text);
}

/** A refusal that ends the connection: what is left of the request is not worth reading. */
const sendAndClose = (res: ServerResponse, status: number, message: string) =>
  send(res, status, { message }, { connection: 'close' });

/** A handler's answer in payload format 2.0: a `{statusCode, ...}` response, or any JSON as 200. */
function normalize(result: unknown): { status: number; body: string; headers: Record<string, string> } {
  if (result !== null && typeof result === 'object' && 'statusCode' in result) {
    const response = result as { statusCode: number; headers?: Record<string, string>; body?: string };
    return { status: response.statusCode, body: response.body ?? '', headers: response.headers ?? {} };
  }
  return { status: 200, body: JSON.stringify(result ?? null), headers: {} };
}

/** What a refused or failed call's body says, for the log: `CODE: message`. */
function reasonOf(body: string): string {
  try {
    const parsed = JSON.parse(body) as { error?: unknown; message?: unknown };
    return [parsed.error, parsed.message].filter((part) => typeof part === 'string').join(': ');
  } catch {
    return body.slice(0, 200);
  }
}

/** The request target as a URL; undefined for one no URL parser accepts (`//`, `http://[`). */
function parseTarget(target: string | undefined): URL | undefined {
  try {
    return new URL(target ?? '/', 'http://127.0.0.1');
  } catch {
    return undefined;
  }
}

function decodeSegments(values: readonly string[]): string[] | undefined {
  try {
    return values.map(decodeURIComponent);
  } catch {
    return undefined;
  }
}

export function createApiServer(deps: ApiDeps): Server {
  let compiledFrom: readonly ApiRouteSpec[] | undefined;
  let compiled: readonly CompiledRoute[] = [];
  const currentRoutes = () => {
    const routes = deps.routes();
    if (routes !== compiledFrom) {
      compiled = routes.map(compile);
      compiledFrom = routes;
    }
    return compiled;
  };

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    const url = parseTarget(req.url);
    if (url?.pathname === HEALTH_PATH) {
      send(res, 200, { status: 'ok' });
      return;
    }
    if (!authorized(req.headers.authorization, deps.token)) {
      send(res, 401, { message: 'Unauthorized' }, { 'www-authenticate': 'Bearer' });
      return;
    }
    if (!url) {
      deps.log(`api ${method} (unparseable target): 400 the request target is not a path`);
      sendAndClose(res, 400, 'Bad Request: the request target is not a path.');
      return;
    }
    let found: { compiled: CompiledRoute; values: string[] } | undefined;
    for (const compiled of currentRoutes()) {
      const match = compiled.route.method === method ? compiled.pattern.exec(url.pathname) : null;
      if (!match) continue;
      const values = decodeSegments(match.slice(1));
      if (!values) {
        deps.log(`api ${method} ${url.pathname}: 400 malformed percent-escape in the path`);
        send(res, 400, { message: 'Bad Request: malformed percent-escape in the path.' });
        return;
      }
      found = { compiled, values };
      break;
    }
    if (!found) {
      send(res, 404, { message: 'Not Found' });
      return;
    }
    const received = await readLimitedBody(req, MAX_BODY_BYTES);
    if (received === TOO_LARGE) {
      deps.log(`api ${method} ${url.pathname}: 413 the body exceeds 1 MiB`);
      sendAndClose(res, 413, 'Request Entity Too Large: the body exceeds 1 MiB.');
      return;
    }
    const body = received.toString('utf8');
    const { route, params } = found.compiled;
    const values = found.values;
    const event = {
      version: '2.0',
      routeKey: `${route.method} ${route.path}`,
      rawPath: url.pathname,
      rawQueryString: url.search.slice(1),
      headers: Object.fromEntries(Object.entries(req.headers).map(([name, value]) => [name, String(value)])),
      queryStringParameters: url.search ? Object.fromEntries(url.searchParams) : undefined,
      pathParameters: params.length
        ? Object.fromEntries(params.map((name, i) => [name, values[i]]))
        : undefined,
      body: body.length > 0 ? body : undefined,
      isBase64Encoded: false,
      requestContext: {
        http: { method, path: url.pathname, sourceIp: req.socket.remoteAddress ?? '127.0.0.1' },
        requestId: randomUUID(),
        routeKey: `${route.method} ${route.path}`,
        stage: '$default',
        timeEpoch: Date.now(),
      },
    };
    const answer = normalize(await deps.invoke(route.functionName, event));
    if (answer.status >= 400)
      deps.log(`api ${method} ${url.pathname}: ${answer.status} ${reasonOf(answer.body)}`);
    send(res, answer.status, answer.body, answer.headers);
  }

  return createLimitedServer((req, res) => {
    serve(req, res).catch((error: unknown) => {
      deps.log(`api ${req.method} ${req.url}: 500 ${describeError(error)}`);
      if (res.headersSent) res.destroy();
      else sendAndClose(res, 500, 'Internal Server Error');
    });
  });
}
