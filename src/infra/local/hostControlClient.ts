/**
 * The CLI's side of the host's control service: a template sent to the running host, signed with
 * the data folder's credentials like every request to the front, and the host's answer — or its
 * refusal, as the same kind of error the host raised (a refusal to drop data exits 1, a template
 * the local stack cannot run exits 2).
 */
import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import {
  BadInputError,
  ErrorKind,
  InfrastructureError,
  OperationFailedError,
  type PayrollOpsError,
} from '../../core/errors.js';
import { LOCAL_REGION } from '../aws/clients.js';
import { AwsService } from './authErrors.js';
import type { LocalCredentials } from './credentials.js';
import type { HostControlAnswer, HostControlRequest, HostControlTarget } from './hostControl.js';

/** Applying a template creates a few tables and queues: seconds, never minutes. */
const TIMEOUT_MS = 120_000;

function asError(
  status: number,
  body: { __type?: string; kind?: string; message?: string; details?: object },
) {
  const code = body.__type ?? `HTTP_${status}`;
  const message = body.message ?? `The local host answered ${status}.`;
  const options = body.details ? { details: body.details as Record<string, unknown> } : {};
  const byKind: Readonly<Record<string, () => PayrollOpsError>> = {
    [ErrorKind.BadInput]: () => new BadInputError(code, message, options),
    [ErrorKind.OperationFailed]: () => new OperationFailedError(code, message, options),
  };
  return (byKind[body.kind ?? ''] ?? (() => new InfrastructureError(code, message, options)))();
}

export async function callHostControl(
  frontUrl: string,
  credentials: LocalCredentials,
  target: HostControlTarget,
  request: HostControlRequest,
): Promise<HostControlAnswer> {
  const url = new URL(frontUrl);
  const body = JSON.stringify(request);
  const signer = new SignatureV4({
    credentials,
    region: LOCAL_REGION,
    service: AwsService.HostControl,
    sha256: Hash.bind(null, 'sha256'),
  });
  const signed = await signer.sign(
    new HttpRequest({
      method: 'POST',
      protocol: url.protocol,
      hostname: url.hostname,
      port: Number(url.port),
      path: '/',
      headers: { host: url.host, 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': target },
      body,
    }),
  );
  const { host: _host, ...headers } = signed.headers;
  let response: Response;
  try {
    response = await fetch(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(TIMEOUT_MS) });
  } catch (error) {
    throw new InfrastructureError(
      'LOCAL_HOST_UNREACHABLE',
      `The local host at ${frontUrl} did not answer; run payroll-ops local status.`,
      {
        cause: error,
      },
    );
  }
  const answer = (await response.json().catch(() => ({}))) as HostControlAnswer & { __type?: string };
  if (!response.ok) throw asError(response.status, answer as never);
  return answer;
}
