/**
 * The off-cycle runs API: a REST API (WAF attaches to REST API stages, not HTTP APIs) whose routes
 * come from the backend specification, callable only with SigV4-signed requests (IAM auth),
 * validated before any function runs, throttled, access-logged, and behind a WAF web ACL (AWS
 * managed common rules and a per-IP rate limit).
 */
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import type { Construct } from 'constructs';
import type { FunctionName } from '../../core/saga/functions.js';
import type { BackendSpec } from '../backendSpec.js';
import type { OffCycleRequestField } from '../lambda/offCycleApi.js';
import { HttpMethod } from '../resources.js';
import { LOG_RETENTION } from './functions.js';

export interface DeclaredApi {
  readonly api: apigateway.RestApi;
  readonly webAcl: wafv2.CfnWebACL;
}

export const API_STAGE = 'v1';

/**
 * What each field of a `POST /runs` body must be: every field the handler takes, and only those
 * (the handler refuses any other too, and validates the values themselves — payments and hours
 * owed entry by entry, so the model only says they are lists).
 */
const START_RUN_FIELDS: Readonly<Record<OffCycleRequestField, apigateway.JsonSchema>> = {
  employerId: { type: apigateway.JsonSchemaType.STRING, minLength: 1, maxLength: 128 },
  period: { type: apigateway.JsonSchemaType.STRING, minLength: 1, maxLength: 64 },
  payDate: { type: apigateway.JsonSchemaType.STRING, pattern: '^\\d{4}-\\d{2}-\\d{2}$' },
  reason: { type: apigateway.JsonSchemaType.STRING, minLength: 1, maxLength: 1024 },
  requestedBy: { type: apigateway.JsonSchemaType.STRING, maxLength: 256 },
  payments: { type: apigateway.JsonSchemaType.ARRAY, items: { type: apigateway.JsonSchemaType.OBJECT } },
  timesheet: { type: apigateway.JsonSchemaType.ARRAY, items: { type: apigateway.JsonSchemaType.OBJECT } },
};

/** The body `POST /runs` must have. */
const START_RUN_SCHEMA: apigateway.JsonSchema = {
  schema: apigateway.JsonSchemaVersion.DRAFT4,
  type: apigateway.JsonSchemaType.OBJECT,
  required: ['employerId', 'period', 'reason'],
  properties: START_RUN_FIELDS,
  additionalProperties: false,
};

function visibility(metricName: string): wafv2.CfnWebACL.VisibilityConfigProperty {
  return { cloudWatchMetricsEnabled: true, metricName, sampledRequestsEnabled: true };
}

function webAcl(scope: Construct, spec: BackendSpec): wafv2.CfnWebACL {
  return new wafv2.CfnWebACL(scope, 'ApiWebAcl', {
    name: spec.api.name,
    scope: 'REGIONAL',
    defaultAction: { allow: {} },
    visibilityConfig: visibility(`${spec.api.name}-acl`),
    rules: [
      {
        name: 'AWSManagedRulesCommonRuleSet',
        priority: 0,
        overrideAction: { none: {} },
        statement: { managedRuleGroupStatement: { vendorName: 'AWS', name: 'AWSManagedRulesCommonRuleSet' } },
        visibilityConfig: visibility(`${spec.api.name}-common`),
      },
      {
        name: 'RateLimitPerIp',
        priority: 1,
        action: { block: {} },
        statement: {
          rateBasedStatement: { limit: spec.api.wafRequestsPerFiveMinutes, aggregateKeyType: 'IP' },
        },
        visibilityConfig: visibility(`${spec.api.name}-rate`),
      },
    ],
  });
}

export function declareApi(
  scope: Construct,
  spec: BackendSpec,
  functions: ReadonlyMap<FunctionName, lambda.IFunction>,
): DeclaredApi {
  const accessLogs = new logs.LogGroup(scope, 'ApiAccessLogs', { retention: LOG_RETENTION });
  const api = new apigateway.RestApi(scope, 'Api', {
    restApiName: spec.api.name,
    description: `payroll-ops off-cycle runs (${spec.stackName})`,
    endpointConfiguration: { types: [apigateway.EndpointType.REGIONAL] },
    cloudWatchRole: false,
    defaultMethodOptions: { authorizationType: apigateway.AuthorizationType.IAM },
    deployOptions: {
      stageName: API_STAGE,
      throttlingRateLimit: spec.api.throttle.rateLimit,
      throttlingBurstLimit: spec.api.throttle.burstLimit,
      accessLogDestination: new apigateway.LogGroupLogDestination(accessLogs),
      accessLogFormat: apigateway.AccessLogFormat.jsonWithStandardFields(),
      tracingEnabled: true,
      metricsEnabled: true,
    },
  });
  // The stack outputs the URL once, as ApiUrl, with the other names the CLI reads.
  api.node.tryRemoveChild('Endpoint');
  const validator = api.addRequestValidator('RequestValidator', {
    requestValidatorName: `${spec.api.name}-validator`,
    validateRequestBody: true,
    validateRequestParameters: true,
  });
  const startRunModel = api.addModel('StartRunModel', {
    contentType: 'application/json',
    modelName: 'StartOffCycleRun',
    schema: START_RUN_SCHEMA,
  });
  for (const route of spec.api.routes) {
    const handler = functions.get(route.handler);
    if (!handler) continue;
    const pathParameters = [...route.path.matchAll(/\{([A-Za-z0-9_]+)\}/g)].map((match) => match[1]);
    api.root.resourceForPath(route.path).addMethod(route.method, new apigateway.LambdaIntegration(handler), {
      requestValidator: validator,
      requestParameters: Object.fromEntries(
        pathParameters.map((name) => [`method.request.path.${name}`, true]),
      ),
      ...(route.method === HttpMethod.Post ? { requestModels: { 'application/json': startRunModel } } : {}),
    });
  }
  const acl = webAcl(scope, spec);
  new wafv2.CfnWebACLAssociation(scope, 'ApiWebAclAssociation', {
    resourceArn: api.deploymentStage.stageArn,
    webAclArn: acl.attrArn,
  });
  return { api, webAcl: acl };
}
