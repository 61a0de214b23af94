/**
 * The one AWS client factory. Both targets use the same @aws-sdk v3 clients; only endpoints and
 * credentials differ: the local host's 127.0.0.1 endpoint with the data folder's credentials
 * (it verifies every signature), or a region, a profile and the default credential chain on AWS.
 * The three clients of one factory call share one keep-alive agent: a command makes one call and
 * reuses its connections for every request.
 */
// The embedded Step Functions engine needs Promise.withResolvers on Node 20: polyfilled once, here.
import '../node20.js';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SFNClient } from '@aws-sdk/client-sfn';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { LocalCredentials } from '../local/credentials.js';
import type { HostEndpoints } from '../local/hostRecord.js';
import { documentsSdk, dynamodbSdk, sfnSdk, sqsSdk } from './sdk.js';

// The SDK warns about Node 20 on every client construction unless told not to; the CLI runs on
// Node 20 by design, so the notice is noise for operators. Set before any client is built.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

export const LOCAL_REGION = 'us-east-1';
/** The account id the emulators put in ARNs and queue URLs. */
export const LOCAL_ACCOUNT_ID = '000000000000';
/** As many sockets as the SDK's own default agent allows. */
const MAX_SOCKETS = 50;

export type TargetConfig =
  | { readonly kind: 'local'; readonly endpoints: HostEndpoints; readonly credentials: LocalCredentials }
  | { readonly kind: 'aws'; readonly region: string; readonly profile?: string };

export interface AwsClients {
  readonly region: string;
  readonly sfn: SFNClient;
  readonly dynamodb: DynamoDBClient;
  /** DynamoDB with plain JavaScript values instead of attribute-value maps. */
  readonly documents: DynamoDBDocumentClient;
  readonly sqs: SQSClient;
  /** Closes the clients' sockets so a command can exit promptly. */
  destroy(): void;
}

export interface ClientOptions {
  /** Appended to the user agent; the local host uses it to tell its own traffic from clients'. */
  readonly userAgent?: string;
}

export function clientsFor(target: TargetConfig, options: ClientOptions = {}): AwsClients {
  const common = {
    ...(options.userAgent ? { customUserAgent: options.userAgent } : {}),
  };
  let sfn: SFNClient;
  let dynamodb: DynamoDBClient;
  let sqs: SQSClient;
  let region: string;
  switch (target.kind) {
    case 'local': {
      region = LOCAL_REGION;
      const httpAgent = new HttpAgent({ keepAlive: true, maxSockets: MAX_SOCKETS });
      const { accessKeyId, secretAccessKey } = target.credentials;
      const local = {
        ...common,
        region,
        credentials: { accessKeyId, secretAccessKey },
        requestHandler: { httpAgent },
      };
      sfn = new sfnSdk.SFNClient({ ...local, endpoint: target.endpoints.stepfunctions });
      dynamodb = new dynamodbSdk.DynamoDBClient({ ...local, endpoint: target.endpoints.dynamodb });
      // fauxqs names queues by a virtual host (sqs.<region>.localhost) that need not resolve: send to
      // the endpoint, not to the queue URL's host.
      sqs = new sqsSdk.SQSClient({ ...local, endpoint: target.endpoints.sqs, useQueueUrlAsEndpoint: false });
      break;
    }
    case 'aws': {
      region = target.region;
      const httpsAgent = new HttpsAgent({ keepAlive: true, maxSockets: MAX_SOCKETS });
      const aws = {
        ...common,
        region,
        requestHandler: { httpsAgent },
        ...(target.profile ? { profile: target.profile } : {}),
      };
      sfn = new sfnSdk.SFNClient(aws);
      dynamodb = new dynamodbSdk.DynamoDBClient(aws);
      // Queue URLs come from recorded stack outputs (config.json): requests go to the region's SQS
      // endpoint whatever host a URL names, never with the operator's credentials to that host.
      sqs = new sqsSdk.SQSClient({ ...aws, useQueueUrlAsEndpoint: false });
      break;
    }
  }
  const documents = documentsSdk.DynamoDBDocumentClient.from(dynamodb, {
    marshallOptions: { removeUndefinedValues: true },
  });
  return {
    region,
    sfn,
    dynamodb,
    documents,
    sqs,
    destroy() {
      sfn.destroy();
      dynamodb.destroy();
      sqs.destroy();
    },
  };
}
