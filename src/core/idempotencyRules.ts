/**
 * The rules of the idempotency records that guard the saga's handlers (Powertools for AWS Lambda
 * semantics), for `payroll-ops idempotency`: how a key names its step and run, which status a
 * record really has, and when an operator may expire one. The store only reads and writes.
 */
import { BadInputError } from './errors.js';

export const IdempotencyStatus = {
  InProgress: 'INPROGRESS',
  Completed: 'COMPLETED',
  /** Not stored as such: a record whose expiry has passed counts as absent to Powertools. */
  Expired: 'EXPIRED',
} as const;
export type IdempotencyStatus = (typeof IdempotencyStatus)[keyof typeof IdempotencyStatus];

export const IDEMPOTENCY_STATUSES: readonly IdempotencyStatus[] = Object.values(IdempotencyStatus);

/** Every key starts with this and a dot, then the step: `payroll-ops.<Step>#<run>#<hash>`. */
export const IDEMPOTENCY_KEY_PREFIX = 'payroll-ops';
const SEPARATOR = '#';

/** A record as the persistence layer stores it (Powertools' attribute names in comments). */
export interface StoredIdempotencyRecord {
  /** `id` */
  readonly key: string;
  /** `status`: INPROGRESS or COMPLETED (EXPIRED is derived from `expiresAt`). */
  readonly storedStatus: IdempotencyStatus;
  /** `expiration`, epoch seconds: after it the record no longer guards anything. */
  readonly expiresAt: number;
  /** `in_progress_expiration`, epoch milliseconds: when the invocation that wrote it must have ended. */
  readonly inProgressExpiresAt?: number;
  /** `data`: the handler's stored result (COMPLETED only). */
  readonly result?: unknown;
  /** `validation`: the payload hash, when payload validation is on. */
  readonly validationHash?: string;
}

/** The narrow port over the idempotency table; the adapter lives in src/infra/aws/idempotencyStore.ts. */
export interface IdempotencyStore {
  /** Every record, or those of one run (by the run segment of the key). */
  list(filter: { readonly runId?: string }): Promise<readonly StoredIdempotencyRecord[]>;
  get(key: string): Promise<StoredIdempotencyRecord | undefined>;
  /**
   * Makes `record` expired as of `nowMs` (expiry, and in-progress expiry if any, in the past) only if
   * it is still as read: `changed` when an invocation wrote it meanwhile.
   */
  expire(record: StoredIdempotencyRecord, nowMs: number): Promise<'expired' | 'changed'>;
  /**
   * Ends the in-progress window of `record` at `nowMs` (so the next invocation may take it over)
   * only if it is still in progress as read: `changed` otherwise.
   */
  endInProgress(record: StoredIdempotencyRecord, nowMs: number): Promise<'ended' | 'changed'>;
}

export interface IdempotencyKeyParts {
  readonly step: string;
  readonly runId?: string;
  /** The hash of the fields the key is made of (Powertools hashes the event's key fields). */
  readonly payloadHash: string;
}

/** Run ids never contain `#`, but the key must stay parseable whatever a caller passes. */
const encodeRun = (runId: string): string => encodeURIComponent(runId);

/**
 * The key Powertools computed (`<prefix>#<hash>`) with the run id put between prefix and hash, so a
 * record names its run by itself: readable, listable by run, and written in the same PutItem as
 * the record — nothing extra to write or to lose in a crash. Without a run id the key is unchanged.
 */
export function keyWithRun(hashedKey: string, runId: string | undefined): string {
  if (runId === undefined || runId === '') return hashedKey;
  const cut = hashedKey.lastIndexOf(SEPARATOR);
  if (cut < 0) return hashedKey;
  return `${hashedKey.slice(0, cut)}${SEPARATOR}${encodeRun(runId)}${hashedKey.slice(cut)}`;
}

/** The step and run a key names; undefined for a key that is not one of ours. */
export function parseIdempotencyKey(key: string): IdempotencyKeyParts | undefined {
  const parts = key.split(SEPARATOR);
  const [prefix = '', ...rest] = parts;
  if (!prefix.startsWith(`${IDEMPOTENCY_KEY_PREFIX}.`) || rest.length < 1 || rest.length > 2)
    return undefined;
  const step = prefix.slice(IDEMPOTENCY_KEY_PREFIX.length + 1);
  if (step === '') return undefined;
  const payloadHash = rest[rest.length - 1] ?? '';
  if (rest.length === 1) return { step, payloadHash };
  let runId: string;
  try {
    runId = decodeURIComponent(rest[0] ?? '');
  } catch {
    return undefined;
  }
  return { step, runId, payloadHash };
}

/** The segment a key of `runId` contains, for listing one run's records. */
export function runSegment(runId: string): string {
  return `${SEPARATOR}${encodeRun(runId)}${SEPARATOR}`;
}

/** The status Powertools acts on: a record past its expiry is EXPIRED whatever is stored. */
export function effectiveStatus(record: StoredIdempotencyRecord, nowMs: number): IdempotencyStatus {
  if (nowMs / 1000 > record.expiresAt) return IdempotencyStatus.Expired;
  return record.storedStatus;
}

/**
 * An in-progress record whose in-progress expiry has passed may be taken over by the next
 * invocation (its writer timed out or died); before that, Powertools answers "already in progress".
 */
export function isTakeoverAllowed(record: StoredIdempotencyRecord, nowMs: number): boolean {
  return (
    effectiveStatus(record, nowMs) === IdempotencyStatus.InProgress &&
    record.inProgressExpiresAt !== undefined &&
    record.inProgressExpiresAt < nowMs
  );
}

/**
 * Left by an invocation that cannot still be running: in progress, with an in-progress expiry
 * before `deadlineBefore` (e.g. the earliest deadline a freshly started host's invocations have).
 */
export function isOrphaned(record: StoredIdempotencyRecord, deadlineBefore: number, nowMs: number): boolean {
  return (
    effectiveStatus(record, nowMs) === IdempotencyStatus.InProgress &&
    record.inProgressExpiresAt !== undefined &&
    record.inProgressExpiresAt < deadlineBefore &&
    record.inProgressExpiresAt >= nowMs
  );
}

export type ExpiryDecision =
  /** Nothing guards anything any more: there is nothing to expire. */
  | { readonly kind: 'already-expired' }
  /** The invocation that holds the record may still be running. */
  | { readonly kind: 'refused-in-progress'; readonly inProgressUntil: number }
  | {
      readonly kind: 'expire';
      readonly from: IdempotencyStatus;
      /** True when --force overrode an in-progress expiry that had not passed. */
      readonly forced: boolean;
    };

/**
 * Whether an operator may expire the record now. A COMPLETED record may be expired (the step will
 * run again on its next delivery or redrive); an in-progress one only once its in-progress expiry
 * has passed, because before that its invocation may still be making the effect — unless forced.
 */
export function decideExpiry(record: StoredIdempotencyRecord, nowMs: number, force: boolean): ExpiryDecision {
  const status = effectiveStatus(record, nowMs);
  switch (status) {
    case IdempotencyStatus.Expired:
      return { kind: 'already-expired' };
    case IdempotencyStatus.Completed:
      return { kind: 'expire', from: status, forced: false };
    case IdempotencyStatus.InProgress: {
      // No in-progress expiry means Powertools could not tell the invocation's deadline: only the
      // record's own expiry ends it, so treat it as in progress until then.
      const until = record.inProgressExpiresAt ?? record.expiresAt * 1000;
      if (until < nowMs) return { kind: 'expire', from: status, forced: false };
      return force
        ? { kind: 'expire', from: status, forced: true }
        : { kind: 'refused-in-progress', inProgressUntil: until };
    }
  }
}

export function parseIdempotencyStatus(text: string): IdempotencyStatus {
  const upper = text.toUpperCase();
  if (!(IDEMPOTENCY_STATUSES as readonly string[]).includes(upper)) {
    throw new BadInputError(
      'BAD_IDEMPOTENCY_STATUS',
      `--status ${text} is not a record status; use one of ${IDEMPOTENCY_STATUSES.join(', ')}.`,
      { details: { flag: '--status' } },
    );
  }
  return upper as IdempotencyStatus;
}

/** What `idempotency list/show` print for one record. */
export interface IdempotencyRecordView {
  readonly key: string;
  readonly step: string;
  readonly runId: string | null;
  readonly status: IdempotencyStatus;
  readonly storedStatus: IdempotencyStatus;
  readonly expiresAt: string;
  readonly inProgressExpiresAt: string | null;
  /** In progress, but its in-progress expiry passed: the next invocation takes it over. */
  readonly takeoverAllowed: boolean;
  readonly payloadHash: string;
  readonly validationHash: string | null;
  readonly result: string;
}

const iso = (epochMs: number): string => new Date(epochMs).toISOString();

export function idempotencyRecordView(record: StoredIdempotencyRecord, nowMs: number): IdempotencyRecordView {
  const parts = parseIdempotencyKey(record.key);
  const status = effectiveStatus(record, nowMs);
  return {
    key: record.key,
    step: parts?.step ?? 'unknown',
    runId: parts?.runId ?? null,
    status,
    storedStatus: record.storedStatus,
    expiresAt: iso(record.expiresAt * 1000),
    inProgressExpiresAt: record.inProgressExpiresAt === undefined ? null : iso(record.inProgressExpiresAt),
    takeoverAllowed: isTakeoverAllowed(record, nowMs),
    payloadHash: parts?.payloadHash ?? '',
    validationHash: record.validationHash ?? null,
    result: record.storedStatus === IdempotencyStatus.Completed ? summarizeResult(record.result) : '',
  };
}

const SUMMARY_LIMIT = 120;

function scalar(value: unknown): string | undefined {
  if (value === null || value === undefined) return String(value);
  if (typeof value === 'string') return value.length > 40 ? `${value.slice(0, 37)}...` : value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `[${value.length} items]`;
  return undefined;
}

/** One line about a stored result: its scalar fields, sizes of lists, nested objects by name. */
export function summarizeResult(result: unknown): string {
  if (result === undefined || result === null) return '(no result)';
  const single = scalar(result);
  if (single !== undefined) return single;
  const fields = Object.entries(result as Record<string, unknown>).map(
    ([name, value]) => `${name}=${scalar(value) ?? '{…}'}`,
  );
  if (fields.length === 0) return '{}';
  const text = fields.join(' ');
  return text.length > SUMMARY_LIMIT ? `${text.slice(0, SUMMARY_LIMIT - 1)}…` : text;
}

/** Sorted for reading: by run, then step, then key; records without a run last. */
export function sortRecordViews(views: readonly IdempotencyRecordView[]): IdempotencyRecordView[] {
  return [...views].sort(
    (a, b) =>
      (a.runId ?? '\uffff').localeCompare(b.runId ?? '\uffff') ||
      a.step.localeCompare(b.step) ||
      a.key.localeCompare(b.key),
  );
}
