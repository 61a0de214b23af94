/** Small HTTP helpers for the host's servers: limits, loopback-only listening, prompt closing. */
import { createServer, type IncomingMessage, type RequestListener, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { InfrastructureError } from '../../core/errors.js';

export const LOOPBACK = '127.0.0.1';
/** Answered by the host's servers without authentication, with nothing but "ok". */
export const HEALTH_PATH = '/_payroll-ops/health';

/**
 * Limits against clients that never finish a request (slowloris) or send too much: the whole
 * header must arrive within HEADERS_TIMEOUT_MS, the whole request within REQUEST_TIMEOUT_MS,
 * and both are checked every second rather than Node's default 30 s.
 */
export const ServerLimits = {
  headersTimeoutMs: 5_000,
  requestTimeoutMs: 30_000,
  maxHeaderBytes: 16 * 1024,
  checkIntervalMs: 1_000,
  keepAliveTimeoutMs: 5_000,
} as const;

const STATUS_OF_CLIENT_ERROR: Readonly<Record<string, string>> = {
  ERR_HTTP_REQUEST_TIMEOUT: '408 Request Timeout',
  HPE_HEADER_OVERFLOW: '431 Request Header Fields Too Large',
};

/**
 * A request Node cannot parse (a malformed request line, bad headers, too large headers) or that
 * timed out gets a status line and the connection closes, instead of hanging.
 */
function answerClientError(error: NodeJS.ErrnoException, socket: Duplex): void {
  if (socket.writable && !(socket as { _httpMessage?: unknown })._httpMessage) {
    const status = STATUS_OF_CLIENT_ERROR[error.code ?? ''] ?? '400 Bad Request';
    socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  } else {
    socket.destroy();
  }
}

/** An HTTP server with the limits above; every unparseable request is answered and closed. */
export function createLimitedServer(listener: RequestListener): Server {
  const server = createServer(
    {
      headersTimeout: ServerLimits.headersTimeoutMs,
      requestTimeout: ServerLimits.requestTimeoutMs,
      maxHeaderSize: ServerLimits.maxHeaderBytes,
      connectionsCheckingInterval: ServerLimits.checkIntervalMs,
    },
    listener,
  );
  server.keepAliveTimeout = ServerLimits.keepAliveTimeoutMs;
  server.on('clientError', answerClientError);
  return server;
}

/** A body over the limit: not read further; the caller answers 413 and closes the connection. */
export const TOO_LARGE = 'too-large' as const;

/** The request body, or TOO_LARGE as soon as its declared or received size passes `maxBytes`. */
export function readLimitedBody(req: IncomingMessage, maxBytes: number): Promise<Buffer | typeof TOO_LARGE> {
  return new Promise((resolve, reject) => {
    if (Number(req.headers['content-length'] ?? 0) > maxBytes) {
      resolve(TOO_LARGE);
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        req.removeAllListeners('data');
        resolve(TOO_LARGE);
        return;
      }
      chunks.push(chunk);
    });
    req.once('end', () => resolve(Buffer.concat(chunks)));
    req.once('error', reject);
  });
}

/** Listens on 127.0.0.1 only (never on the network), on a free port unless one is given. */
export function listenLoopback(server: Server, port = 0): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => reject(error);
    server.once('error', onError);
    server.listen(port, LOOPBACK, () => {
      server.off('error', onError);
      const address = server.address();
      if (address && typeof address === 'object') resolve(address.port);
      else reject(new InfrastructureError('LOCAL_LISTEN', 'The server did not report its port.'));
    });
  });
}

/**
 * Stops accepting connections and closes idle ones; requests in flight get `graceMs` to finish
 * before their connections are cut.
 */
export function closeServer(server: Server, graceMs = 0): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) {
      resolve();
      return;
    }
    const cut = setTimeout(() => server.closeAllConnections(), graceMs);
    server.close(() => {
      clearTimeout(cut);
      resolve();
    });
    server.closeIdleConnections();
  });
}

export const urlOf = (port: number): string => `http://${LOOPBACK}:${port}`;
