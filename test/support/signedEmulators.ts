/**
 * dynalite and fauxqs behind the signature-checking front, without the rest of the host: for
 * adapter tests that want the real emulators and nothing else. Requests must be signed with
 * `credentials`, as everywhere on the local stack.
 */
import { join } from 'node:path';
import { AwsService } from '../../src/infra/local/authErrors.js';
import { type LocalCredentials, localCredentials } from '../../src/infra/local/credentials.js';
import { startDynalite, startSqs } from '../../src/infra/local/emulators.js';
import { createFront } from '../../src/infra/local/front.js';
import { closeServer, listenLoopback, urlOf } from '../../src/infra/local/http.js';

export interface SignedEmulators {
  /** DynamoDB and SQS both answer here. */
  readonly endpoint: string;
  readonly credentials: LocalCredentials;
  close(): Promise<void>;
}

export async function startSignedEmulators(home: string): Promise<SignedEmulators> {
  const credentials = localCredentials(home);
  const [dynamodb, sqs] = await Promise.all([startDynalite(join(home, 'dynamodb')), startSqs()]);
  const front = createFront({
    credentials,
    services: { [AwsService.DynamoDB]: dynamodb, [AwsService.Sqs]: sqs },
    log: () => {},
  });
  const port = await listenLoopback(front);
  return {
    endpoint: urlOf(port),
    credentials,
    async close() {
      await closeServer(front);
      await Promise.all([dynamodb.close(), sqs.close()]);
    },
  };
}
