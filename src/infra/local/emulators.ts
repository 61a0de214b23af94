/**
 * The two third-party emulators, started on loopback ports: dynalite (DynamoDB, LevelDB in the data
 * folder) and fauxqs (SQS JSON protocol, in memory).
 */
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import { buildApp } from 'fauxqs';
import { closeServer, LOOPBACK, listenLoopback, urlOf } from './http.js';

export interface Emulator {
  readonly url: string;
  /** The HTTP server, so the host can watch its traffic for idle shutdown. */
  readonly server: Server;
  close(): Promise<void>;
}

type DynaliteFactory = (options: {
  readonly path?: string;
  readonly createTableMs?: number;
  readonly deleteTableMs?: number;
  readonly updateTableMs?: number;
}) => Server;

/** How long requests in flight may take to finish when the host stops. */
const DRAIN_MS = 3_000;

export async function startDynalite(path: string): Promise<Emulator> {
  // Loaded with require so that bundlers leave it external: it finds its LevelDB bindings and
  // action modules on disk at run time.
  const dynalite = createRequire(import.meta.url)('dynalite') as DynaliteFactory;
  // Tables become ACTIVE at once: the host creates them on every start and waits for nothing.
  const server = dynalite({ path, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  const port = await listenLoopback(server);
  return {
    url: urlOf(port),
    server,
    // dynalite's close also closes LevelDB, releasing the folder for the next owner.
    close: () => closeServer(server, DRAIN_MS),
  };
}

export async function startSqs(): Promise<Emulator> {
  const app = buildApp({ logger: false });
  await app.listen({ port: 0, host: LOOPBACK });
  const address = app.server.address();
  const port = address && typeof address === 'object' ? address.port : 0;
  return {
    url: urlOf(port),
    server: app.server,
    close: async () => {
      await app.close();
    },
  };
}
