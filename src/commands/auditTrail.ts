/** Every operator action that changes state leaves an audit record: who, when, what, why. */
import type { AuditRecord } from '../core/ports.js';
import type { Backend } from './backend.js';
import type { CommandContext } from './context.js';

export interface AuditedAction {
  readonly action: string;
  readonly runId?: string;
  readonly reason?: string;
  readonly details?: Readonly<Record<string, unknown>>;
}

/** The actor is the OS user on the local target, the caller's STS identity ARN on AWS. */
export function recordAudit(
  _ctx: CommandContext,
  backend: Backend,
  action: AuditedAction,
): Promise<AuditRecord> {
  return backend.ports.audit.record({
    at: new Date().toISOString(),
    actor: backend.actor,
    ...action,
  });
}
