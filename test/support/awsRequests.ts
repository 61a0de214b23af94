/**
 * Raw AWS JSON-protocol requests to the local front, signed (or not) the way an attacker or a
 * misconfigured client would: with the SDK's own signer and any credentials, date or body. For
 * tests that must see exactly what the endpoint answers, headers included.
 */
import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';

export interface ServiceCall {
  /** The signing name: dynamodb, sqs, states. */
  readonly service: string;
  readonly target: string;
  readonly body: unknown;
}

/** One read per service that would return payroll data to anyone let in. */
export const READS = {
  dynamodb: {
    service: 'dynamodb',
    target: 'DynamoDB_20120810.Scan',
    body: { TableName: 'payroll-ops-data', Limit: 50 },
  },
  sqs: { service: 'sqs', target: 'AmazonSQS.ListQueues', body: {} },
  states: {
    service: 'states',
    target: 'AWSStepFunctions.ListExecutions',
    body: { stateMachineArn: 'arn:aws:states:us-east-1:000000000000:stateMachine:payroll-ops-pay-run' },
  },
} as const satisfies Record<string, ServiceCall>;

export interface Signing {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly date?: Date;
  /** Replaces the body after signing: what a tampering proxy would do. */
  readonly tamperedBody?: string;
  readonly extraHeaders?: Readonly<Record<string, string>>;
}

export interface RawAnswer {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  readonly json: { __type?: string; message?: string } & Record<string, unknown>;
}

export async function callFront(endpoint: string, call: ServiceCall, signing?: Signing): Promise<RawAnswer> {
  const url = new URL(endpoint);
  const body = JSON.stringify(call.body);
  let headers: Record<string, string> = {
    host: url.host,
    'content-type': 'application/x-amz-json-1.0',
    'x-amz-target': call.target,
    ...signing?.extraHeaders,
  };
  if (signing) {
    const signer = new SignatureV4({
      credentials: { accessKeyId: signing.accessKeyId, secretAccessKey: signing.secretAccessKey },
      region: 'us-east-1',
      service: call.service,
      sha256: Hash.bind(null, 'sha256'),
    });
    const signed = await signer.sign(
      new HttpRequest({
        method: 'POST',
        protocol: 'http:',
        hostname: url.hostname,
        port: Number(url.port),
        path: '/',
        headers,
        body,
      }),
      signing.date ? { signingDate: signing.date } : {},
    );
    headers = signed.headers as Record<string, string>;
  }
  const { host: _host, ...sent } = headers;
  const response = await fetch(endpoint, {
    method: 'POST',
    headers: sent,
    body: signing?.tamperedBody ?? body,
    signal: AbortSignal.timeout(5_000),
  });
  const text = await response.text();
  let json: RawAnswer['json'] = {};
  try {
    json = JSON.parse(text) as RawAnswer['json'];
  } catch {
    // not JSON: left empty
  }
  return { status: response.status, headers: response.headers, text, json };
}

/** The names of every header of an answer that would let a browser page read it. */
export function corsHeaders(headers: Headers): string[] {
  return [...headers.keys()].filter((name) => name.toLowerCase().startsWith('access-control-'));
}
