/** Small HTTP helpers for the host's servers: loopback-only listening, prompt closing, probing. */
import type { Server } from 'node:http';
import { InfrastructureError } from '../../core/errors.js';

export const LOOPBACK = '127.0.0.1';
/** Answered by the host's own servers (Step Functions, API) without authentication. */
export const HEALTH_PATH = '/_payroll-ops/health';

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

/** Closes a server without waiting for idle keep-alive connections of clients to time out. */
/**
 * Stops accepting connections and closes idle ones; requests in flight get `graceMs` to finish
 * before their connections are cut. dynalite closes LevelDB when its server closes, and a request
 * cut mid-write would otherwise throw "Database is closed" out of its callback.
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

/** GETs a URL with a short timeout; the parsed JSON (or text) on 2xx, undefined on anything else. */
export async function probe(url: string, timeoutMs = 1_500): Promise<unknown> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    if (!response.ok) return undefined;
    const text = await response.text();
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text;
    }
  } catch {
    return undefined;
  }
}
