/**
 * The AWS SDK packages, loaded with `require`. They are CommonJS bundles; imported from an ES
 * module, Node first scans each bundle's source for its export names (cjs-module-lexer, about
 * 75 ms for these four, measured with --cpu-prof), a tax every CLI command paid at start.
 * Required, they load as the bundles they are. Import the classes you construct or test with
 * `instanceof` from here; types still come from the packages (`import type` costs nothing).
 */
import { createRequire } from 'node:module';
import type * as DynamoDB from '@aws-sdk/client-dynamodb';
import type * as StepFunctions from '@aws-sdk/client-sfn';
import type * as Sqs from '@aws-sdk/client-sqs';
import type * as Documents from '@aws-sdk/lib-dynamodb';

const require = createRequire(import.meta.url);

export const dynamodbSdk = require('@aws-sdk/client-dynamodb') as typeof DynamoDB;
export const documentsSdk = require('@aws-sdk/lib-dynamodb') as typeof Documents;
export const sqsSdk = require('@aws-sdk/client-sqs') as typeof Sqs;
export const sfnSdk = require('@aws-sdk/client-sfn') as typeof StepFunctions;
