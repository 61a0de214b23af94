/**
 * The host is the Lambda runtime of the app's handlers, and like Lambda it tells them where the
 * services are through the environment: the SDK reads AWS_ENDPOINT_URL_<SERVICE>, so a handler
 * that builds `new DynamoDBClient({})` reaches the local emulators here and the real services
 * on AWS, with the same code.
 */
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../aws/clients.js';
import type { HostEndpoints } from './hostRecord.js';

export function setLambdaEnvironment(endpoints: HostEndpoints, env: NodeJS.ProcessEnv = process.env): void {
  env.AWS_ENDPOINT_URL_DYNAMODB = endpoints.dynamodb;
  env.AWS_ENDPOINT_URL_SQS = endpoints.sqs;
  env.AWS_ENDPOINT_URL_SFN = endpoints.stepfunctions;
  env.AWS_REGION = LOCAL_REGION;
  env.AWS_DEFAULT_REGION = LOCAL_REGION;
  env.AWS_ACCESS_KEY_ID = LOCAL_CREDENTIALS.accessKeyId;
  env.AWS_SECRET_ACCESS_KEY = LOCAL_CREDENTIALS.secretAccessKey;
  delete env.AWS_SESSION_TOKEN;
  delete env.AWS_PROFILE;
}
