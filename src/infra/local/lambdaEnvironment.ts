/**
 * The host is the Lambda runtime of the app's handlers, and like Lambda it tells them where the
 * services are through the environment: the SDK reads AWS_ENDPOINT_URL_<SERVICE>, so a handler
 * that builds `new DynamoDBClient({})` reaches the local emulators here and the real services
 * on AWS, with the same code.
 */
import { LOCAL_REGION } from '../aws/clients.js';
import { INTERNAL_USER_AGENT } from './activity.js';
import type { LocalCredentials } from './credentials.js';
import type { HostEndpoints } from './hostRecord.js';

/** The handlers sign with the data folder's credentials, as the CLI does: the front checks them. */
export function setLambdaEnvironment(
  endpoints: HostEndpoints,
  credentials: LocalCredentials,
  env: NodeJS.ProcessEnv = process.env,
): void {
  env.AWS_ENDPOINT_URL_DYNAMODB = endpoints.dynamodb;
  env.AWS_ENDPOINT_URL_SQS = endpoints.sqs;
  env.AWS_ENDPOINT_URL_SFN = endpoints.stepfunctions;
  env.AWS_REGION = LOCAL_REGION;
  env.AWS_DEFAULT_REGION = LOCAL_REGION;
  env.AWS_ACCESS_KEY_ID = credentials.accessKeyId;
  env.AWS_SECRET_ACCESS_KEY = credentials.secretAccessKey;
  // The handlers' own calls are the host's traffic: what they do for someone is counted where it
  // starts (an execution, a batch, an API request), so a scheduled firing does not keep it up.
  env.AWS_SDK_UA_APP_ID = INTERNAL_USER_AGENT;
  delete env.AWS_SESSION_TOKEN;
  delete env.AWS_PROFILE;
}
