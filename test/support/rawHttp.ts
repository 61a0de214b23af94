/**
 * Bytes on a TCP connection, for requests no HTTP client would send: a broken request line,
 * headers that never end. Reports what came back, when the first byte did, and whether the
 * server closed the connection.
 */
import { connect } from 'node:net';

export interface RawExchange {
  readonly response: string;
  /** Milliseconds from sending to the first byte of the answer; undefined if none came. */
  readonly firstByteMs: number | undefined;
  readonly closedByServer: boolean;
}

export function rawExchange(port: number, request: string, waitMs = 3_000): Promise<RawExchange> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    let response = '';
    let firstByteMs: number | undefined;
    let sentAt = 0;
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ response, firstByteMs, closedByServer: false });
    }, waitMs);
    socket.once('connect', () => {
      sentAt = performance.now();
      socket.write(request);
    });
    socket.on('data', (chunk: Buffer) => {
      firstByteMs ??= performance.now() - sentAt;
      response += chunk.toString('latin1');
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'ECONNRESET') {
        clearTimeout(timer);
        reject(error);
      }
    });
    socket.once('close', () => {
      clearTimeout(timer);
      resolve({ response, firstByteMs, closedByServer: true });
    });
  });
}

/** The status code of a raw HTTP answer, or undefined when there was none. */
export const statusOf = (response: string): number | undefined => {
  const match = /^HTTP\/1\.1 (\d{3})/.exec(response);
  return match ? Number(match[1]) : undefined;
};
