/**
 * The authenticated HTTP API for off-cycle runs: an operator system asks for a bonus or correction
 * run without shell access. The same validation and start as `payroll-ops run --off-cycle`; the
 * run is then followed like any other. On AWS a REST API (IAM auth, WAF) sends proxy events
 * (`httpMethod` + `resource`); the local host sends payload format 2.0 (`routeKey`).
 */
import { checkIdempotencyKey, startPayRun } from '../../actions/startPayRun.js';
import { BadInputError, ErrorKind, PayrollOpsError } from '../../core/errors.js';
import { checkRunId } from '../../core/limits.js';
import { validatePayments } from '../../core/paymentsValidator.js';
import { parsePeriod } from '../../core/periodParser.js';
import type { AuditStore, ExecutionPort, RequestGuard, SagaPorts } from '../../core/ports.js';
import { RunType } from '../../core/saga/records.js';
import { runDetailView } from '../../core/saga/runView.js';
import { validateTimesheetRows } from '../../core/timesheetParser.js';
import type { LambdaHandler } from '../resources.js';

export interface ApiEvent {
  readonly routeKey?: string;
  readonly httpMethod?: string;
  readonly resource?: string;
  readonly body?: string;
  readonly headers?: Readonly<Record<string, string | undefined>> | null;
  readonly pathParameters?: Readonly<Record<string, string>>;
}

export interface ApiResponse {
  readonly statusCode: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export interface OffCycleApiDeps {
  /** Keeps the Idempotency-Key of every POST /runs for 24 hours. */
  readonly requests: RequestGuard;
  /** The saga's ports and the audit trail every start is recorded in. */
  readonly ports: SagaPorts & { readonly audit: AuditStore };
  readonly executions: ExecutionPort;
}

function respond(statusCode: number, body: unknown): ApiResponse {
  return { statusCode, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}

function errorResponse(error: unknown): ApiResponse {
  if (error instanceof PayrollOpsError) {
    const status =
      error.kind === ErrorKind.BadInput
        ? 400
        : error.code === 'RUN_EXISTS' ||
            error.code === 'EMPLOYER_BUSY' ||
            error.code === 'IDEMPOTENCY_KEY_REUSED'
          ? 409
          : error.retryable
            ? 503
            : 422;
    return respond(status, { error: error.code, message: error.message });
  }
  return respond(500, { error: 'INTERNAL', message: 'The request failed; see the function log.' });
}

/** The fields of a `POST /runs` body; API Gateway's request model on AWS admits exactly these. */
export const OFF_CYCLE_REQUEST_FIELDS = [
  'employerId',
  'period',
  'payDate',
  'reason',
  'requestedBy',
  'payments',
  'timesheet',
] as const;
export type OffCycleRequestField = (typeof OFF_CYCLE_REQUEST_FIELDS)[number];

type OffCycleRequest = { readonly [field in OffCycleRequestField]?: unknown };

function field(request: OffCycleRequest, name: keyof OffCycleRequest, required: boolean): string | undefined {
  const value = request[name];
  if (value === undefined && !required) return undefined;
  if (typeof value !== 'string' || value.trim() === '') {
    throw new BadInputError('BAD_REQUEST', `The request needs "${name}" as a non-empty string.`);
  }
  return value.trim();
}

/** The body as a JSON object; `null`, arrays, numbers and text are refused by name. */
function parseRequest(body: string | undefined): OffCycleRequest {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body ?? '');
  } catch {
    throw new BadInputError('BAD_REQUEST', 'The request body must be a JSON object; it is not valid JSON.');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    const kind = parsed === null ? 'null' : Array.isArray(parsed) ? 'an array' : `a ${typeof parsed}`;
    throw new BadInputError('BAD_REQUEST', `The request body must be a JSON object, not ${kind}.`);
  }
  // A misspelt field (`paydate`) or one the API does not have (`dryRun`) would otherwise be
  // ignored and the run started without it: refused, as API Gateway's model refuses it on AWS.
  for (const field of Object.keys(parsed)) {
    if (!(OFF_CYCLE_REQUEST_FIELDS as readonly string[]).includes(field)) {
      const shown = JSON.stringify(field.length > 40 ? `${field.slice(0, 40)}…` : field);
      throw new BadInputError(
        'UNKNOWN_FIELD',
        `The request has a field ${shown} the API does not take; remove it or use ${OFF_CYCLE_REQUEST_FIELDS.join(', ')}.`,
        { details: { field } },
      );
    }
  }
  return parsed as OffCycleRequest;
}

/**
 * Every POST /runs carries an Idempotency-Key: a client that retries after a timeout, or sends the
 * same request twice, gets the same run instead of paying twice.
 */
function idempotencyKeyOf(event: ApiEvent): string {
  const headers = Object.entries(event.headers ?? {});
  const key = headers.find(([name]) => name.toLowerCase() === 'idempotency-key')?.[1];
  if (key === undefined || key === null) {
    throw new BadInputError(
      'IDEMPOTENCY_KEY_REQUIRED',
      'POST /runs needs an Idempotency-Key header (e.g. a UUID), the same one on every retry of the request.',
    );
  }
  return checkIdempotencyKey(String(key), 'The Idempotency-Key header');
}

async function startOffCycle(deps: OffCycleApiDeps, event: ApiEvent): Promise<ApiResponse> {
  const request = parseRequest(event.body);
  const employerId = field(request, 'employerId', true) as string;
  const reason = field(request, 'reason', true) as string;
  const payDate = field(request, 'payDate', false);
  const period = parsePeriod(field(request, 'period', true) as string, {
    source: 'period',
    ...(payDate ? { payDate } : {}),
  });
  const requestedBy = `api:${field(request, 'requestedBy', false) ?? 'unknown'}`;
  // The shared rule (an off-cycle run pays exactly what it is given), in the API's own words.
  if ((request.payments === undefined) === (request.timesheet === undefined)) {
    throw new BadInputError(
      'OFF_CYCLE_NEEDS_INPUT',
      request.payments === undefined
        ? 'The request has neither "payments" nor "timesheet"; an off-cycle run pays exactly what it is given: add "payments": [{ "employeeId", "amount", "kind" }] or "timesheet" rows.'
        : 'The request has both "payments" and "timesheet"; send one request for each.',
    );
  }
  const started = await startPayRun(
    { ...deps.ports, executions: deps.executions, requests: deps.requests },
    {
      employerId,
      period,
      runType: RunType.OffCycle,
      reason,
      ...(request.payments !== undefined ? { payments: validatePayments(request.payments).payments } : {}),
      ...(request.timesheet !== undefined ? { timesheets: validateTimesheetRows(request.timesheet) } : {}),
    },
    { requestedBy, actor: requestedBy },
    idempotencyKeyOf(event),
  );
  return respond(202, { runId: started.runId, executionArn: started.executionArn });
}

async function describeRun(deps: OffCycleApiDeps, event: ApiEvent): Promise<ApiResponse> {
  const runId = checkRunId(event.pathParameters?.runId ?? '', 'run id');
  const run = await deps.ports.runs.getRun(runId);
  if (!run) return respond(404, { error: 'RUN_NOT_FOUND', message: `Run ${runId} does not exist.` });
  return respond(200, runDetailView(run, await deps.ports.chunks.listChunkResults(runId)));
}

/** `POST /runs` from either event shape (the routes themselves are in the backend specification). */
function routeKeyOf(event: ApiEvent): string {
  if (event.routeKey) return event.routeKey;
  return event.httpMethod && event.resource ? `${event.httpMethod} ${event.resource}` : '';
}

export function createOffCycleApiHandler(deps: OffCycleApiDeps): LambdaHandler {
  return async (raw) => {
    const event = raw as ApiEvent;
    const routeKey = routeKeyOf(event);
    try {
      if (routeKey === 'POST /runs') return await startOffCycle(deps, event);
      if (routeKey === 'GET /runs/{runId}') return await describeRun(deps, event);
      return respond(404, { error: 'NO_ROUTE', message: `No route ${routeKey}.` });
    } catch (error) {
      return errorResponse(error);
    }
  };
}
