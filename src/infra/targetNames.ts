/**
 * Every physical name a command uses, read from a target's stack outputs — the same way for an
 * aws target (outputs recorded by `deploy` or `target add`) and the local target (outputs of the
 * template the local host applied, see localTarget.ts). Nothing here knows a default name.
 */
import { InfrastructureError } from '../core/errors.js';
import type { StateMachineName } from '../core/saga/functions.js';
import { OUTPUT_SPECS, type OutputSpec } from './backendOutputs.js';
import type { OutboxQueue } from './backendSpec.js';

export interface TargetNames {
  readonly dataTable: string;
  readonly idempotencyTable: string;
  readonly artifactsBucket: string;
  /** The SQS queue name behind each outbox queue, and its dead-letter queue's. */
  readonly queues: Readonly<Record<OutboxQueue, string>>;
  readonly deadLetterQueues: Readonly<Record<OutboxQueue, string>>;
  readonly queueUrls: Readonly<Record<OutboxQueue, string>>;
  readonly deadLetterQueueUrls: Readonly<Record<OutboxQueue, string>>;
  readonly stateMachineArns: Readonly<Record<StateMachineName, string>>;
}

/** An SQS queue URL's last path segment is the queue's name (https://sqs.r.amazonaws.com/account/name). */
export const queueNameOfUrl = (url: string): string => url.slice(url.lastIndexOf('/') + 1);

export function targetNames(outputs: Readonly<Record<string, string>>, target: string): TargetNames {
  const value = (spec: OutputSpec): string => {
    const found = outputs[spec.key];
    if (found === undefined || found === '') {
      throw new InfrastructureError(
        'TARGET_OUTPUT_MISSING',
        `Target ${target} has no output ${spec.key}; deploy it again with this CLI (payroll-ops deploy --target ${target}).`,
      );
    }
    return found;
  };
  const queues: Record<string, string> = {};
  const deadLetterQueues: Record<string, string> = {};
  const queueUrls: Record<string, string> = {};
  const deadLetterQueueUrls: Record<string, string> = {};
  const stateMachineArns: Record<string, string> = {};
  let dataTable = '';
  let idempotencyTable = '';
  let artifactsBucket = '';
  for (const spec of OUTPUT_SPECS) {
    const kind = spec.value;
    switch (kind.kind) {
      case 'table-name':
        if (kind.table === 'data') dataTable = value(spec);
        else idempotencyTable = value(spec);
        break;
      case 'bucket-name':
        artifactsBucket = value(spec);
        break;
      case 'queue-url':
        (kind.dlq ? deadLetterQueueUrls : queueUrls)[kind.queue] = value(spec);
        (kind.dlq ? deadLetterQueues : queues)[kind.queue] = queueNameOfUrl(value(spec));
        break;
      case 'state-machine-arn':
        stateMachineArns[kind.machine] = value(spec);
        break;
      case 'api-url':
      case 'definition-hash':
        break;
    }
  }
  return {
    dataTable,
    idempotencyTable,
    artifactsBucket,
    queues: queues as TargetNames['queues'],
    deadLetterQueues: deadLetterQueues as TargetNames['deadLetterQueues'],
    queueUrls: queueUrls as TargetNames['queueUrls'],
    deadLetterQueueUrls: deadLetterQueueUrls as TargetNames['deadLetterQueueUrls'],
    stateMachineArns: stateMachineArns as TargetNames['stateMachineArns'],
  };
}
