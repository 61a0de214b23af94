/**
 * Tells the idle-shutdown timer whether anyone still needs the host: client requests to any
 * endpoint, batches in flight. The host's own traffic (its pollers' long polls, its handlers'
 * calls) carries INTERNAL_USER_AGENT and does not count, or the host would never be idle; nor do
 * its schedules' firings, which only hold off a stop while they run — a schedule every 15 minutes
 * would otherwise keep an on-demand host up forever.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';

export const INTERNAL_USER_AGENT = 'payroll-ops-host';

export class ActivityTracker {
  private lastActivity = Date.now();
  private busy = 0;

  /** Counts every external request to `server` from its arrival until its response closes. */
  watch(server: Server): void {
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      if (req.headers['user-agent']?.includes(INTERNAL_USER_AGENT)) return;
      const done = this.begin();
      res.once('close', done);
    });
  }

  /** Marks work in progress; call the returned function once when it ends. */
  begin(): () => void {
    this.busy++;
    this.lastActivity = Date.now();
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      this.busy--;
      this.lastActivity = Date.now();
    };
  }

  /** Work the host does on its own: no stop while it runs, but no one is waiting for it either. */
  hold(): () => void {
    this.busy++;
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      this.busy--;
    };
  }

  /** Milliseconds since the last activity ended; 0 while something is in progress. */
  quietFor(now = Date.now()): number {
    return this.busy > 0 ? 0 : now - this.lastActivity;
  }
}
