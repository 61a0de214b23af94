/** Queue URLs by SQS queue name, looked up once per client and queue (a failed lookup is retried next time). */
import type { SQSClient } from '@aws-sdk/client-sqs';
import { InfrastructureError } from '../../core/errors.js';
import { translateAwsError } from './awsErrors.js';
import { sqsSdk } from './sdk.js';

const { GetQueueUrlCommand } = sqsSdk;

export type QueueUrlLookup = (queueName: string) => Promise<string>;

export function queueUrlLookup(sqs: SQSClient): QueueUrlLookup {
  const urls = new Map<string, Promise<string>>();
  return (queueName) => {
    let url = urls.get(queueName);
    if (!url) {
      url = sqs.send(new GetQueueUrlCommand({ QueueName: queueName })).then(
        (out) => {
          if (!out.QueueUrl)
            throw new InfrastructureError('QUEUE_URL_MISSING', `SQS returned no URL for ${queueName}.`);
          return out.QueueUrl;
        },
        (error: unknown) => {
          throw translateAwsError(`SQS GetQueueUrl ${queueName}`, error);
        },
      );
      url.catch(() => urls.delete(queueName));
      urls.set(queueName, url);
    }
    return url;
  };
}
