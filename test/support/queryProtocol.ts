/** TEST DOUBLE helpers: the AWS query protocol's XML answers and errors (STS, CloudFormation). */
import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';

export function xmlOf(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (Array.isArray(value)) return value.map((item) => `<member>${xmlOf(item)}</member>`).join('');
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `<${k}>${xmlOf(v)}</${k}>`)
      .join('');
  }
  return String(value).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Writes the answer; true, so a handler can `return queryResponse(...)`. */
export function queryResponse(res: ServerResponse, action: string, namespace: string, result: unknown): true {
  res.writeHead(200, { 'content-type': 'text/xml' });
  res.end(
    `<${action}Response xmlns="${namespace}"><${action}Result>${xmlOf(result)}</${action}Result>` +
      `<ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></${action}Response>`,
  );
  return true;
}

export function queryError(res: ServerResponse, status: number, code: string, message: string): true {
  res.writeHead(status, { 'content-type': 'text/xml' });
  res.end(
    `<ErrorResponse><Error><Type>Sender</Type><Code>${code}</Code><Message>${xmlOf(message)}</Message></Error>` +
      `<RequestId>${randomUUID()}</RequestId></ErrorResponse>`,
  );
  return true;
}
