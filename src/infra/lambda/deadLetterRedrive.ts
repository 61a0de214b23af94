/**
 * The scheduled DLQ redrive's function (every 15 minutes, from EventBridge Scheduler on AWS and the
 * host's scheduler locally): one pass of src/core/deadLetterRedrive.ts over every consumer queue.
 */
import { redriveOnSchedule, type ScheduledRedrivePorts } from '../../core/deadLetterRedrive.js';
import { CONSUMER_QUEUES } from '../../core/deadLetters.js';
import type { LambdaHandler } from '../resources.js';

export function createDeadLetterRedriveHandler(ports: ScheduledRedrivePorts): LambdaHandler {
  return async () => ({ queues: await redriveOnSchedule(ports, CONSUMER_QUEUES) });
}
