/**
 * How each AWS service says "not authenticated", so SDKs and awscli report the refusal under the
 * name they know (UnrecognizedClientException, InvalidSignatureException, ...) instead of a
 * parse error. All three speak AWS JSON 1.0; SQS adds the query-compatible error header.
 */
import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { AuthFailure } from './sigv4Verifier.js';

/**
 * The services behind the front, by their signing names; `payroll-ops` is the host's own control
 * service (`deploy` on the local target), signed like the others.
 */
export const AwsService = {
  DynamoDB: 'dynamodb',
  Sqs: 'sqs',
  StepFunctions: 'states',
  HostControl: 'payroll-ops',
} as const;
export type AwsService = (typeof AwsService)[keyof typeof AwsService];

const TARGET_PREFIXES: readonly (readonly [string, AwsService])[] = [
  ['DynamoDB_', AwsService.DynamoDB],
  ['AmazonSQS.', AwsService.Sqs],
  ['AWSStepFunctions.', AwsService.StepFunctions],
  ['PayrollOpsHost.', AwsService.HostControl],
];

export function isAwsService(name: string): name is AwsService {
  return (Object.values(AwsService) as string[]).includes(name);
}

/** The service a request is meant for, from its X-Amz-Target, when it carries no usable signature. */
export function serviceOfTarget(target: string | undefined): AwsService | undefined {
  return TARGET_PREFIXES.find(([prefix]) => target?.startsWith(prefix))?.[1];
}

interface ErrorShape {
  readonly status: number;
  readonly type: string;
  /** The code for SQS's x-amzn-query-error header (query-protocol clients map errors by it). */
  readonly queryCode?: string;
}

/** DynamoDB documents 400 for its authentication errors; the coral services in general use 403. */
const DYNAMODB: Readonly<Record<AuthFailure, ErrorShape>> = {
  [AuthFailure.Missing]: { status: 400, type: 'MissingAuthenticationTokenException' },
  [AuthFailure.Incomplete]: { status: 400, type: 'IncompleteSignatureException' },
  [AuthFailure.UnknownKey]: { status: 400, type: 'UnrecognizedClientException' },
  [AuthFailure.BadSignature]: { status: 400, type: 'InvalidSignatureException' },
  [AuthFailure.Expired]: { status: 400, type: 'InvalidSignatureException' },
};

const SQS: Readonly<Record<AuthFailure, ErrorShape>> = {
  [AuthFailure.Missing]: {
    status: 403,
    type: 'MissingAuthenticationToken',
    queryCode: 'MissingAuthenticationToken',
  },
  [AuthFailure.Incomplete]: { status: 400, type: 'IncompleteSignature', queryCode: 'IncompleteSignature' },
  [AuthFailure.UnknownKey]: { status: 403, type: 'InvalidClientTokenId', queryCode: 'InvalidClientTokenId' },
  [AuthFailure.BadSignature]: {
    status: 403,
    type: 'SignatureDoesNotMatch',
    queryCode: 'SignatureDoesNotMatch',
  },
  [AuthFailure.Expired]: { status: 403, type: 'SignatureDoesNotMatch', queryCode: 'SignatureDoesNotMatch' },
};

const CORAL: Readonly<Record<AuthFailure, ErrorShape>> = {
  [AuthFailure.Missing]: { status: 403, type: 'MissingAuthenticationTokenException' },
  [AuthFailure.Incomplete]: { status: 400, type: 'IncompleteSignatureException' },
  [AuthFailure.UnknownKey]: { status: 403, type: 'UnrecognizedClientException' },
  [AuthFailure.BadSignature]: { status: 403, type: 'InvalidSignatureException' },
  [AuthFailure.Expired]: { status: 403, type: 'InvalidSignatureException' },
};

function shapeOf(service: AwsService | undefined, failure: AuthFailure): ErrorShape {
  switch (service) {
    case AwsService.DynamoDB:
      return DYNAMODB[failure];
    case AwsService.Sqs:
      return SQS[failure];
    case AwsService.StepFunctions:
    case AwsService.HostControl:
    case undefined:
      return CORAL[failure];
  }
}

/**
 * Answers a refused request in the service's error shape. No CORS headers, ever: a web page in
 * the operator's browser must not be able to read the answer, nor be told it may ask again.
 */
export function sendAuthError(
  res: ServerResponse,
  service: AwsService | undefined,
  failure: AuthFailure,
  message: string,
): void {
  const shape = shapeOf(service, failure);
  const body = JSON.stringify({ __type: `com.amazon.coral.service#${shape.type}`, message });
  res.writeHead(shape.status, {
    'content-type': 'application/x-amz-json-1.0',
    'content-length': Buffer.byteLength(body),
    'x-amzn-requestid': randomUUID(),
    ...(shape.queryCode ? { 'x-amzn-query-error': `${shape.queryCode};Sender` } : {}),
  });
  res.end(body);
}
