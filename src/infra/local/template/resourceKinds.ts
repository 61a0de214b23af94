/**
 * The resource types the local stack knows: those it runs (tables, queues, functions and their
 * SQS triggers, state machines, schedules, REST API routes), what `Ref` and `Fn::GetAtt` give for
 * each on the local account, and the types it deliberately ignores, each with the reason. A type
 * in neither list stops provisioning with one line naming it: nothing is skipped silently.
 */
import { BadInputError } from '../../../core/errors.js';
import type { CfnTemplate } from './cfnTemplate.js';
import { type ResolveContext, type ResolveScope, type ResourceValues, resolveText } from './intrinsics.js';

export const ResourceType = {
  Table: 'AWS::DynamoDB::Table',
  GlobalTable: 'AWS::DynamoDB::GlobalTable',
  Queue: 'AWS::SQS::Queue',
  Function: 'AWS::Lambda::Function',
  EventSourceMapping: 'AWS::Lambda::EventSourceMapping',
  StateMachine: 'AWS::StepFunctions::StateMachine',
  Schedule: 'AWS::Scheduler::Schedule',
  RestApi: 'AWS::ApiGateway::RestApi',
  ApiResource: 'AWS::ApiGateway::Resource',
  ApiMethod: 'AWS::ApiGateway::Method',
} as const;
export type ResourceType = (typeof ResourceType)[keyof typeof ResourceType];

/** Types with no local counterpart, and why leaving them out changes nothing a run can observe. */
export const IGNORED_TYPES: Readonly<Record<string, string>> = {
  'AWS::IAM::Role': 'no IAM locally: the data folder credentials are the one principal',
  'AWS::IAM::Policy': 'no IAM locally',
  'AWS::IAM::ManagedPolicy': 'no IAM locally',
  'AWS::Lambda::Permission': 'no resource policies locally: the host invokes its own functions',
  'AWS::Logs::LogGroup': 'the host writes one log, host.log in the data folder',
  'AWS::Logs::MetricFilter': 'no CloudWatch locally',
  'AWS::Logs::ResourcePolicy': 'no CloudWatch locally',
  'AWS::CloudWatch::Alarm': 'no CloudWatch locally: the operator sees DLQs and failures with the CLI',
  'AWS::CloudWatch::Dashboard': 'no CloudWatch locally',
  'AWS::S3::Bucket': 'the local target keeps artifacts as files in the data folder',
  'AWS::S3::BucketPolicy': 'the local target keeps artifacts as files in the data folder',
  'AWS::SQS::QueuePolicy': 'no resource policies locally: every client signs as the folder owner',
  'AWS::KMS::Key': 'no encryption at rest locally beyond the private data folder',
  'AWS::KMS::Alias': 'no encryption at rest locally beyond the private data folder',
  'AWS::WAFv2::WebACL': 'the local API is on 127.0.0.1 behind a bearer token',
  'AWS::WAFv2::WebACLAssociation': 'the local API is on 127.0.0.1 behind a bearer token',
  'AWS::ApiGateway::Deployment': 'the local API serves the routes as soon as they are applied',
  'AWS::ApiGateway::Stage': 'the local API has one stage, at its root',
  'AWS::ApiGateway::Account': 'no CloudWatch locally',
  'AWS::ApiGateway::RequestValidator': 'the handlers validate every request themselves',
  'AWS::ApiGateway::Model': 'the handlers validate every request themselves',
  'AWS::Scheduler::ScheduleGroup': 'groups only namespace schedules; local schedule names are unique',
  'AWS::CDK::Metadata': 'CDK usage metadata',
};

export function isHandledType(type: string): type is ResourceType {
  return (Object.values(ResourceType) as string[]).includes(type);
}

/** The local stand-in of SQS names its queues by URL on this host name, whatever port the host got. */
export const localQueueUrl = (scope: ResolveScope, name: string): string =>
  `http://sqs.${scope.region}.localhost/${scope.accountId}/${name}`;

const arn = (scope: ResolveScope, service: string, resource: string, global = false) =>
  `arn:${scope.partition}:${service}:${global ? '' : scope.region}:${global ? '' : scope.accountId}:${resource}`;

/** The property that names a resource of each type (CloudFormation generates one when absent). */
const NAME_PROPERTY: Readonly<Record<string, string>> = {
  [ResourceType.Table]: 'TableName',
  [ResourceType.GlobalTable]: 'TableName',
  [ResourceType.Queue]: 'QueueName',
  [ResourceType.Function]: 'FunctionName',
  [ResourceType.StateMachine]: 'StateMachineName',
  [ResourceType.Schedule]: 'Name',
  [ResourceType.RestApi]: 'Name',
  'AWS::S3::Bucket': 'BucketName',
  'AWS::IAM::Role': 'RoleName',
  'AWS::Logs::LogGroup': 'LogGroupName',
  'AWS::ApiGateway::Stage': 'StageName',
  'AWS::KMS::Alias': 'AliasName',
};

/** `Ref` and `Fn::GetAtt` over one template on the local account. */
export class TemplateResources implements ResourceValues {
  readonly context: ResolveContext;
  private readonly resolving = new Set<string>();
  /** Each name resolved once: a name built from others' names is not worked out again and again. */
  private readonly names = new Map<string, string>();

  constructor(
    private readonly template: CfnTemplate,
    readonly scope: ResolveScope,
  ) {
    this.context = { scope, resources: this, parameters: template.Parameters ?? {} };
  }

  /** The physical name: its name property, or `<stack>-<logical id>` as CloudFormation would make one. */
  nameOf(logicalId: string): string {
    const known = this.names.get(logicalId);
    if (known !== undefined) return known;
    const name = this.resolveName(logicalId);
    this.names.set(logicalId, name);
    return name;
  }

  private resolveName(logicalId: string): string {
    const resource = this.resource(logicalId, logicalId);
    const property = NAME_PROPERTY[resource.Type];
    const given = property ? resource.Properties?.[property] : undefined;
    if (given === undefined) {
      const generated = `${this.scope.stackName}-${logicalId}`;
      if (resource.Type === ResourceType.Queue && resource.Properties?.FifoQueue === true)
        return `${generated}.fifo`;
      return resource.Type === 'AWS::S3::Bucket' ? generated.toLowerCase() : generated;
    }
    if (this.resolving.has(logicalId)) {
      throw new BadInputError('TEMPLATE_UNSUPPORTED', `${logicalId}: its name refers to itself.`);
    }
    this.resolving.add(logicalId);
    try {
      return resolveText(given, this.context, `${logicalId}.${property}`);
    } finally {
      this.resolving.delete(logicalId);
    }
  }

  arnOf(logicalId: string): string {
    const type = this.resource(logicalId, logicalId).Type;
    const name = this.nameOf(logicalId);
    switch (type) {
      case ResourceType.Table:
      case ResourceType.GlobalTable:
        return arn(this.scope, 'dynamodb', `table/${name}`);
      case ResourceType.Queue:
        return arn(this.scope, 'sqs', name);
      case ResourceType.Function:
        return arn(this.scope, 'lambda', `function:${name}`);
      case ResourceType.StateMachine:
        return arn(this.scope, 'states', `stateMachine:${name}`);
      case ResourceType.Schedule:
        return arn(this.scope, 'scheduler', `schedule/default/${name}`);
      case 'AWS::S3::Bucket':
        return arn(this.scope, 's3', name, true);
      case 'AWS::IAM::Role':
        return `arn:${this.scope.partition}:iam::${this.scope.accountId}:role/${name}`;
      case 'AWS::Logs::LogGroup':
        return arn(this.scope, 'logs', `log-group:${name}:*`);
      default:
        return arn(this.scope, type.split('::')[1]?.toLowerCase() ?? 'unknown', name);
    }
  }

  ref(logicalId: string, where: string): string {
    const type = this.resource(logicalId, where).Type;
    switch (type) {
      case ResourceType.Queue:
        return localQueueUrl(this.scope, this.nameOf(logicalId));
      case ResourceType.StateMachine:
        return this.arnOf(logicalId);
      case ResourceType.RestApi:
      case ResourceType.ApiResource:
      case ResourceType.EventSourceMapping:
        // Ids CloudFormation would generate; the local ones are the logical ids.
        return logicalId;
      default:
        return this.nameOf(logicalId);
    }
  }

  getAtt(logicalId: string, attribute: string, where: string): string {
    const type = this.resource(logicalId, where).Type;
    if (attribute === 'Arn' && type !== ResourceType.ApiResource) return this.arnOf(logicalId);
    const value = this.attribute(type, logicalId, attribute);
    if (value === undefined) {
      throw new BadInputError(
        'TEMPLATE_UNSUPPORTED',
        `${where}: Fn::GetAtt ${logicalId}.${attribute} (${type}) has no local value; refer to its Arn or Ref instead.`,
      );
    }
    return value;
  }

  private attribute(type: string, logicalId: string, attribute: string): string | undefined {
    switch (`${type}.${attribute}`) {
      case `${ResourceType.Queue}.QueueName`:
      case `${ResourceType.StateMachine}.Name`:
        return this.nameOf(logicalId);
      case `${ResourceType.Queue}.QueueUrl`:
        return localQueueUrl(this.scope, this.nameOf(logicalId));
      case `${ResourceType.Table}.StreamArn`:
      case `${ResourceType.GlobalTable}.StreamArn`:
        return `${this.arnOf(logicalId)}/stream/local`;
      case `${ResourceType.RestApi}.RootResourceId`:
        return rootResourceId(logicalId);
      case `${ResourceType.RestApi}.RestApiId`:
        return logicalId;
      default:
        return undefined;
    }
  }

  private resource(logicalId: string, where: string) {
    const resource = Object.hasOwn(this.template.Resources, logicalId)
      ? this.template.Resources[logicalId]
      : undefined;
    if (!resource) {
      throw new BadInputError(
        'TEMPLATE_UNSUPPORTED',
        `${where}: refers to ${logicalId}, which is not a resource or parameter of the template.`,
      );
    }
    return resource;
  }
}

/** The root resource of a REST API: the `/` its top-level resources hang from. */
export const rootResourceId = (apiLogicalId: string): string => `${apiLogicalId}/`;
