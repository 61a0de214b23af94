/**
 * `payroll-ops idempotency list|show|expire`: the Powertools idempotency records that guard every
 * step and queue consumer. `expire` lets the next delivery or redrive run a step again; it is
 * refused while the record's invocation may still be running (unless --force), asks for a typed
 * confirmation (or --yes) and leaves an audit record.
 */
import type { Command } from 'commander';
import { BadInputError, OperationFailedError } from '../core/errors.js';
import {
  decideExpiry,
  type IdempotencyRecordView,
  type IdempotencyStatus,
  type IdempotencyStore,
  idempotencyRecordView,
  parseIdempotencyStatus,
  sortRecordViews,
} from '../core/idempotencyRules.js';
import { recordAudit } from './auditTrail.js';
import { type Backend, withBackend } from './backend.js';
import { type CommandContext, contextFor } from './context.js';
import { reasonFlag } from './flags.js';
import { renderIdempotencyList, renderIdempotencyRecord } from './io/idempotencyRender.js';
import { OutputFormat } from './io/ioHost.js';

export function idempotencyStoreOf(backend: Backend): IdempotencyStore {
  return backend.idempotency;
}

export interface ListOptions {
  readonly runId?: string;
  readonly status?: IdempotencyStatus;
}

export async function listIdempotencyRecords(
  store: IdempotencyStore,
  options: ListOptions,
  nowMs: number,
): Promise<IdempotencyRecordView[]> {
  const records = await store.list(options.runId !== undefined ? { runId: options.runId } : {});
  const views = records.map((record) => idempotencyRecordView(record, nowMs));
  return sortRecordViews(options.status ? views.filter((view) => view.status === options.status) : views);
}

function recordNotFound(key: string): BadInputError {
  return new BadInputError(
    'IDEMPOTENCY_RECORD_NOT_FOUND',
    `No idempotency record ${key}; list them with payroll-ops idempotency list.`,
    { details: { key } },
  );
}

interface ExpireOptions {
  readonly key: string;
  readonly reason: string;
  readonly force: boolean;
}

type ExpireResult =
  | { readonly kind: 'already-expired'; readonly view: IdempotencyRecordView }
  | {
      readonly kind: 'expired';
      readonly view: IdempotencyRecordView;
      readonly forced: boolean;
      readonly auditId: string;
    };

function whatHappensNext(view: IdempotencyRecordView): string {
  const run = view.runId ? ` for run ${view.runId}` : '';
  return `the next delivery or redrive of ${view.step}${run} runs the step again instead of ${
    view.status === 'COMPLETED' ? 'returning the stored result' : 'waiting for the invocation in progress'
  }.`;
}

async function expireRecord(
  ctx: CommandContext,
  backend: Backend,
  store: IdempotencyStore,
  options: ExpireOptions,
): Promise<ExpireResult> {
  const { io } = ctx;
  const record = await store.get(options.key);
  if (!record) throw recordNotFound(options.key);
  const now = Date.now();
  const view = idempotencyRecordView(record, now);
  const decision = decideExpiry(record, now, options.force);
  switch (decision.kind) {
    case 'already-expired':
      return { kind: 'already-expired', view };
    case 'refused-in-progress': {
      const until = new Date(decision.inProgressUntil).toISOString();
      const seconds = Math.ceil((decision.inProgressUntil - now) / 1000);
      throw new OperationFailedError(
        'IDEMPOTENCY_IN_PROGRESS',
        `Record ${options.key} (${view.step}${view.runId ? ` of run ${view.runId}` : ''}) is in progress until ${until} ` +
          `(${seconds} s from now): the invocation holding it may still be making its effect. ` +
          `Expire it after ${until}, or now with --force if you know that invocation is dead.`,
        { details: { key: options.key, inProgressUntil: until } },
      );
    }
    case 'expire':
      break;
  }
  io.info(`Expire idempotency record ${options.key}`);
  io.info(`  step ${view.step}, run ${view.runId ?? '(unknown)'}, status ${view.status}`);
  io.info(`  Afterwards ${whatHappensNext(view)}`);
  if (decision.forced) {
    io.warn(
      `forced before its in-progress expiry (${view.inProgressExpiresAt}): if its invocation is still running, ` +
        'the step may run twice at once (its writes are conditional, so its effect is still made once).',
    );
  }
  await io.confirmTyped(
    `Expiry of the ${view.step} record${view.runId ? ` of run ${view.runId}` : ''}`,
    options.key,
  );
  if ((await store.expire(record, Date.now())) === 'changed') {
    throw new OperationFailedError(
      'IDEMPOTENCY_RECORD_CHANGED',
      `Record ${options.key} changed since it was read (an invocation wrote it); nothing was expired. ` +
        `Look again with payroll-ops idempotency show ${options.key}.`,
      { details: { key: options.key } },
    );
  }
  const audit = await recordAudit(ctx, backend, {
    action: 'idempotency.expire',
    ...(view.runId ? { runId: view.runId } : {}),
    reason: options.reason,
    details: { key: options.key, step: view.step, previousStatus: view.status, forced: decision.forced },
  });
  return { kind: 'expired', view, forced: decision.forced, auditId: audit.id };
}

export function registerIdempotency(program: Command): void {
  const idempotency = program
    .command('idempotency')
    .description('inspect and expire the idempotency records that guard each step (Powertools)');

  idempotency
    .command('list')
    .description('list idempotency records: step, run, status, expiries, stored result')
    .option('--run <run>', 'only the records of this run')
    .option('--status <status>', 'only INPROGRESS, COMPLETED or EXPIRED records (EXPIRED: past their expiry)')
    .addHelpText(
      'after',
      `
Examples:
  $ payroll-ops idempotency list --run acme-2026-03-regular
  $ payroll-ops idempotency list --status INPROGRESS --output json`,
    )
    .action(async (raw: { run?: string; status?: string }, command: Command) => {
      const ctx = contextFor(command);
      const options: ListOptions = {
        ...(raw.run !== undefined ? { runId: raw.run } : {}),
        ...(raw.status !== undefined ? { status: parseIdempotencyStatus(raw.status) } : {}),
      };
      const views = await withBackend(ctx, (backend) =>
        listIdempotencyRecords(idempotencyStoreOf(backend), options, Date.now()),
      );
      const { io } = ctx;
      if (io.output === OutputFormat.Jsonl) for (const view of views) io.dataJson(view);
      else if (io.output === OutputFormat.Json) io.dataJson({ records: views });
      else if (views.length === 0) {
        const run = options.runId ? ` for run ${options.runId}` : '';
        io.info(`No idempotency records${run}${options.status ? ` with status ${options.status}` : ''}.`);
      } else io.data(renderIdempotencyList(views));
    });

  idempotency
    .command('show')
    .description('show one record: step, run, status, expiry, in-progress expiry, payload hash, result')
    .argument('<key>', 'the record key, as idempotency list prints it')
    .action(async (key: string, _raw: unknown, command: Command) => {
      const ctx = contextFor(command);
      const record = await withBackend(ctx, (backend) => idempotencyStoreOf(backend).get(key));
      if (!record) throw recordNotFound(key);
      const view = idempotencyRecordView(record, Date.now());
      if (ctx.io.json) ctx.io.dataJson({ ...view, storedResult: record.result ?? null });
      else ctx.io.data(renderIdempotencyRecord(view));
    });

  idempotency
    .command('expire')
    .description('expire a record so the step runs again on its next delivery or redrive (audited)')
    .argument('<key>', 'the record key, as idempotency list prints it')
    .option('--reason <text>', 'why (required; kept in the audit record)')
    .option('--force', 'expire an in-progress record before its in-progress expiry has passed')
    .addHelpText(
      'after',
      `
An in-progress record is refused until its in-progress expiry (the function timeout of the
invocation that wrote it) has passed, because that invocation may still be running.

Examples:
  $ payroll-ops idempotency expire 'payroll-ops.FundPayroll#acme-2026-03-regular#…' --reason "host crashed"
  $ payroll-ops --yes idempotency expire KEY --reason "invocation killed" --force`,
    )
    .action(async (key: string, raw: { reason?: string; force?: boolean }, command: Command) => {
      const ctx = contextFor(command);
      const options: ExpireOptions = {
        key,
        reason: reasonFlag(raw.reason, 'idempotency expire'),
        force: raw.force === true,
      };
      const result = await withBackend(ctx, (backend) =>
        expireRecord(ctx, backend, idempotencyStoreOf(backend), options),
      );
      const { io } = ctx;
      if (result.kind === 'already-expired') {
        if (io.json)
          io.dataJson({
            key,
            step: result.view.step,
            runId: result.view.runId,
            status: 'EXPIRED',
            changed: false,
          });
        io.info(`Record ${key} is already expired (since ${result.view.expiresAt}); nothing changed.`);
        return;
      }
      if (io.json) {
        io.dataJson({
          key,
          step: result.view.step,
          runId: result.view.runId,
          previousStatus: result.view.status,
          status: 'EXPIRED',
          changed: true,
          forced: result.forced,
          auditId: result.auditId,
        });
      }
      io.success(`Expired ${key}; ${whatHappensNext(result.view)}`);
    });
}
