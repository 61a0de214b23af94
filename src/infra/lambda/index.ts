/**
 * The one Lambda entry of the deployed backend (bundled by scripts/bundleLambda.ts into
 * dist/lambda/index.mjs). Every function runs this module; PAYROLL_OPS_HANDLER says which handler
 * it is, and every resource name comes from the environment the stack sets. Clients, adapters and
 * handlers are built once per execution environment, on the first invocation.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { S3Client } from '@aws-sdk/client-s3';
import { describeError, InfrastructureError } from '../../core/errors.js';
import { createS3Artifacts } from '../aws/s3Artifacts.js';
import type { LambdaContext, LambdaHandler } from '../resources.js';
import { createPayrollBackend } from './composition.js';
import { readLambdaEnvironment } from './environment.js';

const SERVICE = 'payroll-ops';
const logger = new Logger({ serviceName: SERVICE });
const tracer = new Tracer({ serviceName: SERVICE });

let resolved: LambdaHandler | undefined;

function resolveHandler(): LambdaHandler {
  if (resolved) return resolved;
  const settings = readLambdaEnvironment(process.env);
  const instrument = <C>(client: C): C => tracer.captureAWSv3Client(client);
  const backend = createPayrollBackend({
    config: settings.config,
    artifacts: createS3Artifacts(instrument(new S3Client({})), settings.artifactsBucket),
    instrument,
  });
  const handler = backend.handlers[settings.handler];
  if (!handler) {
    throw new InfrastructureError('LAMBDA_HANDLER', `No handler is registered for ${settings.handler}.`);
  }
  logger.appendKeys({ handler: settings.handler });
  resolved = handler;
  return handler;
}

export async function handler(event: unknown, context: LambdaContext): Promise<unknown> {
  logger.addContext(context as never);
  // The facade segment Lambda opens with active tracing; absent when tracing is off.
  const segment = tracer.getSegment();
  const subsegment = segment?.addNewSubsegment(`## ${context.functionName}`);
  if (subsegment) tracer.setSegment(subsegment);
  tracer.annotateColdStart();
  tracer.addServiceNameAnnotation();
  try {
    return await resolveHandler()(event, context);
  } catch (error) {
    // The saga's Retry/Catch see the error by its name; the log keeps its message and code.
    logger.error('handler failed', { error: describeError(error), name: (error as Error)?.name });
    if (error instanceof Error) tracer.addErrorAsMetadata(error);
    throw error;
  } finally {
    subsegment?.close();
    if (segment) tracer.setSegment(segment);
  }
}
