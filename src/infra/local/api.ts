/**
 * API Gateway, locally: an HTTP endpoint on 127.0.0.1 that routes to the app's handlers with an
 * HTTP API (payload format 2.0) event. Every route demands `Authorization: Bearer <token>` with
 * the token from the data folder; anything else is 401 before a handler runs.
 */
import { randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { BadInputError, describeError } from '../../core/errors.js';
import type { ApiRouteSpec } from '../resources.js';
import { HEALTH_PATH } from './http.js';
import type { LambdaInvoker } from './lambdaRuntime.js';

export interface ApiDeps {
  readonly routes: readonly ApiRouteSpec[];
  readonly token: string;
  readonly invoke: LambdaInvoker;
  readonly pid: number;
  readonly log: (line: string) => void;
}

const MAX_BODY_BYTES = 10 * 1024 * 1024;

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

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(text);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES)
      throw new BadInputError('PAYLOAD_TOO_LARGE', 'The request body exceeds 10 MiB.');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** A handler's answer in payload format 2.0: a `{statusCode, ...}` response, or any JSON as 200. */
function respond(res: ServerResponse, result: unknown) {
  if (result !== null && typeof result === 'object' && 'statusCode' in result) {
    const response = result as { statusCode: number; headers?: Record<string, string>; body?: string };
    send(res, response.statusCode, response.body ?? '', response.headers ?? {});
    return;
  }
  send(res, 200, result ?? null);
}

export function createApiServer(deps: ApiDeps): Server {
  const routes = deps.routes.map(compile);
  return createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname === HEALTH_PATH) {
      send(res, 200, { status: 'ok', pid: deps.pid });
      return;
    }
    if (!authorized(req.headers.authorization, deps.token)) {
      send(res, 401, { message: 'Unauthorized' }, { 'www-authenticate': 'Bearer' });
      return;
    }
    const method = req.method ?? 'GET';
    let found: { compiled: CompiledRoute; values: string[] } | undefined;
    for (const compiled of routes) {
      const match = compiled.route.method === method ? compiled.pattern.exec(url.pathname) : null;
      if (match) {
        found = { compiled, values: match.slice(1).map(decodeURIComponent) };
        break;
      }
    }
    if (!found) {
      send(res, 404, { message: 'Not Found' });
      return;
    }
    const { route, params } = found.compiled;
    try {
      const body = await readBody(req);
      const event = {
        version: '2.0',
        routeKey: `${route.method} ${route.path}`,
        rawPath: url.pathname,
        rawQueryString: url.search.slice(1),
        headers: Object.fromEntries(
          Object.entries(req.headers).map(([name, value]) => [name, String(value)]),
        ),
        queryStringParameters: url.search ? Object.fromEntries(url.searchParams) : undefined,
        pathParameters: params.length
          ? Object.fromEntries(params.map((name, i) => [name, found.values[i]]))
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
      respond(res, await deps.invoke(route.functionName, event));
    } catch (error) {
      deps.log(`api ${method} ${url.pathname}: ${describeError(error)}`);
      if (error instanceof BadInputError) send(res, 413, { message: 'Request Entity Too Large' });
      else send(res, 500, { message: 'Internal Server Error' });
    }
  });
}
