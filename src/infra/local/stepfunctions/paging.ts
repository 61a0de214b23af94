import { SfnApiError, SfnErrorType } from './errors.js';

/** One page of a list, with the opaque `nextToken` AWS hands back when more remain. */
export function page<T>(
  items: readonly T[],
  maxResults: unknown,
  nextToken: unknown,
): { readonly items: T[]; readonly nextToken?: string } {
  const size = typeof maxResults === 'number' && maxResults > 0 ? Math.min(maxResults, 1000) : 100;
  const offset = nextToken === undefined || nextToken === null ? 0 : decodeToken(nextToken);
  const slice = items.slice(offset, offset + size);
  const end = offset + slice.length;
  return end < items.length ? { items: slice, nextToken: encodeToken(end) } : { items: slice };
}

const encodeToken = (offset: number): string => Buffer.from(JSON.stringify({ offset })).toString('base64url');

function decodeToken(token: unknown): number {
  try {
    const parsed = JSON.parse(Buffer.from(String(token), 'base64url').toString('utf8')) as {
      offset?: unknown;
    };
    if (typeof parsed.offset === 'number' && Number.isInteger(parsed.offset) && parsed.offset >= 0) {
      return parsed.offset;
    }
  } catch {
    // fall through to the AWS error below
  }
  throw new SfnApiError(SfnErrorType.InvalidToken, `Invalid Token: '${String(token)}'`);
}
