import { appendFile, mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * Whole-file writes that are atomic (temp file + rename) and coalesced: while one write of a path
 * is in flight, later contents replace each other and only the newest is written next.
 */
export class AtomicFileWriter {
  private readonly slots = new Map<string, { inFlight: Promise<void>; next?: string }>();
  private readonly madeDirs = new Set<string>();
  private counter = 0;

  write(path: string, contents: string): Promise<void> {
    const slot = this.slots.get(path);
    if (slot) {
      slot.next = contents;
      return slot.inFlight;
    }
    const inFlight = this.drain(path, contents);
    this.slots.set(path, { inFlight });
    return inFlight;
  }

  /** Resolves when every write requested so far is on disk. */
  async settle(): Promise<void> {
    while (this.slots.size > 0) await Promise.all([...this.slots.values()].map((slot) => slot.inFlight));
  }

  private async drain(path: string, first: string): Promise<void> {
    let contents: string | undefined = first;
    try {
      while (contents !== undefined) {
        await this.writeOnce(path, contents);
        const slot = this.slots.get(path);
        contents = slot?.next;
        if (slot) slot.next = undefined;
      }
    } finally {
      this.slots.delete(path);
    }
  }

  private async writeOnce(path: string, contents: string): Promise<void> {
    await ensureDir(this.madeDirs, dirname(path));
    this.counter += 1;
    const temp = `${path}.${process.pid}.${this.counter}.tmp`;
    await writeFile(temp, contents);
    await rename(temp, path);
  }
}

/**
 * Appends lines to files in batches: lines added within one flush window go out in a single
 * append, so a Map of hundreds of iterations costs tens of writes, not thousands.
 */
export class BatchedAppender {
  private readonly buffers = new Map<string, string[]>();
  private readonly madeDirs = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private chain: Promise<void> = Promise.resolve();

  constructor(private readonly windowMs = 20) {}

  append(path: string, line: string): void {
    const buffer = this.buffers.get(path);
    if (buffer) buffer.push(line);
    else this.buffers.set(path, [line]);
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, this.windowMs);
  }

  /** Writes out everything appended so far; appends stay in order because flushes are chained. */
  flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    const batch = [...this.buffers.entries()];
    this.buffers.clear();
    const written = this.chain.then(async () => {
      for (const [path, lines] of batch) {
        await ensureDir(this.madeDirs, dirname(path));
        await appendFile(path, lines.join(''));
      }
    });
    // A failed batch must not block the ones after it; its own caller sees the failure.
    this.chain = written.catch(() => undefined);
    return written;
  }
}

async function ensureDir(made: Set<string>, dir: string): Promise<void> {
  if (made.has(dir)) return;
  await mkdir(dir, { recursive: true });
  made.add(dir);
}
