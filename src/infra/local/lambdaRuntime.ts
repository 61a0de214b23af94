/**
 * Lambda, in-process: the app's handler functions called with a Lambda-shaped event and context.
 * Event and result go through JSON as they would over the wire, so a handler that depends on
 * object identity, `undefined` fields or Date objects fails here as it would on AWS.
 */
import { randomUUID } from 'node:crypto';
import { OperationFailedError } from '../../core/errors.js';
import { LOCAL_ACCOUNT_ID, LOCAL_REGION } from '../aws/clients.js';
import type { LambdaContext, LambdaHandler } from '../resources.js';

export type LambdaInvoker = (functionName: string, event: unknown) => Promise<unknown>;

/**
 * The functions' timeout, as the stack gives them on AWS (the saga's Task states time out at the
 * same 300 s). Handlers see the remaining time counting down from it, and Powertools makes it the
 * in-progress expiry of an idempotency record: how long a crashed step blocks its key.
 */
export const FUNCTION_TIMEOUT_MS = 300_000;

const throughJson = (value: unknown): unknown =>
  value === undefined ? null : (JSON.parse(JSON.stringify(value)) as unknown);

export function lambdaContext(functionName: string, timeoutMs = FUNCTION_TIMEOUT_MS): LambdaContext {
  const deadline = Date.now() + timeoutMs;
  const requestId = randomUUID();
  const day = new Date().toISOString().slice(0, 10).replaceAll('-', '/');
  return {
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:function:${functionName}`,
    memoryLimitInMB: '1024',
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: `${day}/[$LATEST]${requestId.replaceAll('-', '')}`,
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  };
}

/** Invokes the handler `lookup` finds at call time: a deploy may swap the functions while the host runs. */
export function lambdaInvoker(lookup: (functionName: string) => LambdaHandler | undefined): LambdaInvoker {
  return async (functionName, event) => {
    const handler = lookup(functionName);
    if (!handler) {
      const error = new OperationFailedError(
        'LAMBDA_NOT_FOUND',
        `Function not found: ${functionName} is not one of the app's handlers.`,
      );
      // The name Lambda gives this fault, so Retry/Catch on it behave as on AWS.
      error.name = 'ResourceNotFoundException';
      throw error;
    }
    const result = await handler(throughJson(event), lambdaContext(functionName));
    return throughJson(result);
  };
}
