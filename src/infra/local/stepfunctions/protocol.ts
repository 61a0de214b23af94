import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { SfnApiError, SfnErrorType } from './errors.js';

/** The AWS JSON 1.0 protocol as @aws-sdk/client-sfn speaks it: `POST /`, `X-Amz-Target: AWSStepFunctions.<Op>`. */

export type OperationBody = Readonly<Record<string, unknown>>;
export type Operation = (body: OperationBody) => unknown;

const TARGET_PREFIX = 'AWSStepFunctions.';
const CONTENT_TYPE = 'application/x-amz-json-1.0';
const MAX_REQUEST_BYTES = 4 * 1024 * 1024;

export function jsonProtocolHandler(
  operations: Readonly<Record<string, Operation>>,
  options: {
    readonly ready: Promise<void>;
    readonly health: () => unknown;
    readonly onError: (e: unknown) => void;
  },
): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  return async (req, res) => {
    try {
      await options.ready;
      if (req.method === 'GET') return send(res, 200, options.health());
      const target = String(req.headers['x-amz-target'] ?? '');
      const operation = target.startsWith(TARGET_PREFIX)
        ? operations[target.slice(TARGET_PREFIX.length)]
        : undefined;
      if (req.method !== 'POST' || !operation) {
        throw new SfnApiError(SfnErrorType.UnknownOperation, `Unknown operation: '${target}'`);
      }
      const body = parseBody(await readBody(req));
      send(res, 200, await operation(body));
    } catch (error) {
      if (SfnApiError.isSfnApiError(error)) {
        send(res, 400, { __type: error.awsType, message: error.message });
        return;
      }
      options.onError(error);
      send(res, 500, {
        __type: 'InternalFailure',
        message: error instanceof Error ? error.message : String(error),
      });
    }
  };
}

function parseBody(text: string): OperationBody {
  if (text.trim() === '') return {};
  try {
    const parsed = JSON.parse(text) as unknown;
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed))
      return parsed as OperationBody;
  } catch {
    // answered below
  }
  throw new SfnApiError(SfnErrorType.Serialization, 'The request body is not a JSON object.');
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_REQUEST_BYTES)
      throw new SfnApiError(SfnErrorType.ValidationException, 'Request too large.');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** AWS JSON sends timestamps as epoch seconds (numbers); our results carry them as Dates. */
function send(res: ServerResponse, status: number, payload: unknown): void {
  const text = JSON.stringify(payload ?? {}, function (this: Record<string, unknown>, key, value: unknown) {
    const raw = this[key];
    return raw instanceof Date ? raw.getTime() / 1000 : value;
  });
  res.writeHead(status, {
    'Content-Type': CONTENT_TYPE,
    'Content-Length': Buffer.byteLength(text),
    'x-amzn-RequestId': randomUUID(),
  });
  res.end(text);
}
