/**
 * TEST DOUBLE: the CloudFormation half of the control-plane stand-in (awsControlPlane.ts). Stacks
 * and change sets in memory; a change set's changes are the resource differences between the
 * stack's template and the new one; executing it "creates" every resource at once, with the
 * events CloudFormation would report. Outputs are resolved from the template with fake physical
 * ids. Not a model of CloudFormation beyond what toolkit-lib's deploy, diff and destroy read.
 */
import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { queryError, queryResponse } from './queryProtocol.js';

const NAMESPACE = 'http://cloudformation.amazonaws.com/doc/2010-05-15/';
const REGION = 'eu-west-1';

type Template = {
  Resources?: Record<string, { Type: string; Properties?: Record<string, unknown> }>;
  Outputs?: Record<string, { Value: unknown; Description?: string }>;
};

interface StackEvent {
  readonly EventId: string;
  readonly StackId: string;
  readonly StackName: string;
  readonly LogicalResourceId: string;
  readonly ResourceType: string;
  readonly ResourceStatus: string;
  readonly ResourceStatusReason?: string;
  readonly Timestamp: Date;
}

interface ChangeSet {
  readonly id: string;
  readonly name: string;
  readonly type: string;
  readonly template: Template;
  readonly templateBody: string;
  readonly tags: Record<string, string>;
  readonly changes: unknown[];
}

export interface StackRecord {
  readonly name: string;
  readonly id: string;
  status: string;
  template?: Template;
  templateBody?: string;
  outputs: Record<string, string>;
  tags: Record<string, string>;
  events: StackEvent[];
  changeSets: Map<string, ChangeSet>;
  createdAt: Date;
  updatedAt?: Date;
}

export interface FaultPlan {
  /** The first resource whose logical id starts with this fails to create or update; the stack rolls back. */
  failResource?: string;
  /** Keep executions IN_PROGRESS this long before they finish. */
  executionMs?: number;
}

const NAME_PROPERTIES = ['TableName', 'QueueName', 'FunctionName', 'StateMachineName', 'BucketName', 'Name'];

export class CloudFormationStandIn {
  readonly stacks = new Map<string, StackRecord>();
  /** Deleted stacks stay visible by id (ARN), as DELETE_COMPLETE, and are gone by name. */
  private readonly deleted = new Map<string, StackRecord>();
  readonly faults: FaultPlan = {};
  /** Change sets executed, by stack: what actually changed. */
  readonly executed: { stack: string; type: string }[] = [];
  /** Called when a stack's change set has been executed completely. */
  onComplete: (stack: StackRecord) => void = () => {};
  // Events of one execution get distinct, increasing timestamps, as CloudFormation's do.
  private clock = 0;

  constructor(
    private readonly account: string,
    private readonly fetchTemplate: (url: string) => string | undefined,
  ) {}

  /** A stack as if it had been deployed before (for `target add`, and for drift in tests). */
  seed(name: string, template: Template, tags: Record<string, string> = {}): StackRecord {
    const stack: StackRecord = {
      name,
      id: `arn:aws:cloudformation:${REGION}:${this.account}:stack/${name}/${randomUUID()}`,
      status: 'CREATE_COMPLETE',
      template,
      templateBody: JSON.stringify(template),
      outputs: {},
      tags,
      events: [],
      changeSets: new Map(),
      createdAt: new Date(),
    };
    stack.outputs = this.outputsOf(stack, template);
    this.stacks.set(name, stack);
    return stack;
  }

  /** Answers one call; true once answered. */
  handle(form: URLSearchParams, res: ServerResponse): boolean {
    const action = form.get('Action') ?? '';
    const nameOrId = form.get('StackName') ?? '';
    const name = this.stackNameOf(nameOrId);
    const stack = this.stacks.get(name) ?? this.deleted.get(nameOrId);
    const missing = () => queryError(res, 400, 'ValidationError', `Stack with id ${name} does not exist`);
    switch (action) {
      case 'DescribeStacks':
        if (!stack) return missing();
        return queryResponse(res, action, NAMESPACE, { Stacks: [this.describe(stack)] });
      case 'GetTemplate':
        if (!stack) return missing();
        return queryResponse(res, action, NAMESPACE, { TemplateBody: stack.templateBody ?? '{}' });
      case 'GetTemplateSummary':
        return queryResponse(res, action, NAMESPACE, { Parameters: [], Capabilities: [] });
      case 'CreateChangeSet':
        return this.createChangeSet(form, name, res);
      case 'DescribeChangeSet': {
        const changeSet = stack?.changeSets.get(this.changeSetNameOf(form.get('ChangeSetName') ?? ''));
        if (!stack || !changeSet)
          return queryError(res, 400, 'ChangeSetNotFound', 'ChangeSet does not exist');
        const empty = changeSet.changes.length === 0;
        return queryResponse(res, action, NAMESPACE, {
          ChangeSetName: changeSet.name,
          ChangeSetId: changeSet.id,
          StackId: stack.id,
          StackName: stack.name,
          Status: empty ? 'FAILED' : 'CREATE_COMPLETE',
          ...(empty
            ? {
                StatusReason:
                  "The submitted information didn't contain changes. Submit different information to create a change set.",
              }
            : {}),
          ExecutionStatus: empty ? 'UNAVAILABLE' : 'AVAILABLE',
          Changes: changeSet.changes,
          Capabilities: [],
          Parameters: [],
          Tags: Object.entries(changeSet.tags).map(([Key, Value]) => ({ Key, Value })),
        });
      }
      case 'DeleteChangeSet': {
        stack?.changeSets.delete(this.changeSetNameOf(form.get('ChangeSetName') ?? ''));
        return queryResponse(res, action, NAMESPACE, {});
      }
      case 'ExecuteChangeSet': {
        const changeSet = stack?.changeSets.get(this.changeSetNameOf(form.get('ChangeSetName') ?? ''));
        if (!stack || !changeSet)
          return queryError(res, 400, 'ChangeSetNotFound', 'ChangeSet does not exist');
        this.execute(stack, changeSet);
        return queryResponse(res, action, NAMESPACE, {});
      }
      case 'DescribeStackEvents':
        if (!stack) return missing();
        // Newest first, as CloudFormation pages them.
        return queryResponse(res, action, NAMESPACE, { StackEvents: [...stack.events].reverse() });
      case 'DeleteStack':
        if (stack) this.delete(stack);
        return queryResponse(res, action, NAMESPACE, {});
      case 'UpdateTerminationProtection':
        return queryResponse(res, action, NAMESPACE, { StackId: stack?.id });
      case 'ListStackResources':
        return queryResponse(res, action, NAMESPACE, { StackResourceSummaries: [] });
      default:
        return queryError(res, 400, 'InvalidAction', `The stand-in has no CloudFormation ${action}.`);
    }
  }

  private stackNameOf(nameOrId: string): string {
    const fromArn = /:stack\/([^/]+)\//.exec(nameOrId);
    return fromArn?.[1] ?? nameOrId;
  }

  private changeSetNameOf(nameOrId: string): string {
    const fromArn = /:changeSet\/([^/]+)\//.exec(nameOrId);
    return fromArn?.[1] ?? nameOrId;
  }

  private describe(stack: StackRecord) {
    return {
      StackId: stack.id,
      StackName: stack.name,
      StackStatus: stack.status,
      CreationTime: stack.createdAt,
      ...(stack.updatedAt ? { LastUpdatedTime: stack.updatedAt } : {}),
      Outputs: Object.entries(stack.outputs).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue })),
      Tags: Object.entries(stack.tags).map(([Key, Value]) => ({ Key, Value })),
      Capabilities: [],
      Parameters: [],
      EnableTerminationProtection: false,
    };
  }

  private createChangeSet(form: URLSearchParams, name: string, res: ServerResponse): boolean {
    const body = form.get('TemplateBody') ?? this.fetchTemplate(form.get('TemplateURL') ?? '');
    if (body === undefined)
      return queryError(res, 400, 'ValidationError', 'TemplateURL must reference an uploaded object');
    // The bootstrap template is YAML: its resources are not modelled, only its outputs (below).
    const template = body.trimStart().startsWith('{') ? (JSON.parse(body) as Template) : {};
    let stack = this.stacks.get(name);
    const type = form.get('ChangeSetType') ?? 'UPDATE';
    if (type === 'CREATE') {
      if (stack && stack.status !== 'REVIEW_IN_PROGRESS' && stack.status !== 'DELETE_COMPLETE') {
        return queryError(res, 400, 'AlreadyExistsException', `Stack [${name}] already exists`);
      }
      stack = this.seed(name, {});
      stack.status = 'REVIEW_IN_PROGRESS';
      stack.template = undefined;
      stack.templateBody = undefined;
      stack.outputs = {};
    } else if (!stack) {
      return queryError(res, 400, 'ValidationError', `Stack [${name}] does not exist`);
    }
    const tags: Record<string, string> = {};
    for (let i = 1; form.has(`Tags.member.${i}.Key`); i++) {
      tags[form.get(`Tags.member.${i}.Key`) ?? ''] = form.get(`Tags.member.${i}.Value`) ?? '';
    }
    const changeSet: ChangeSet = {
      id: `arn:aws:cloudformation:${REGION}:${this.account}:changeSet/${form.get('ChangeSetName')}/${randomUUID()}`,
      name: form.get('ChangeSetName') ?? 'cdk-deploy-change-set',
      type,
      template,
      templateBody: body,
      tags,
      changes: this.changesBetween(stack.template ?? {}, template),
    };
    // Creating a stack is a change even when its resources are not modelled (the YAML bootstrap).
    if (type === 'CREATE' && changeSet.changes.length === 0) {
      changeSet.changes.push({
        Type: 'Resource',
        ResourceChange: {
          Action: 'Add',
          LogicalResourceId: 'Stack',
          ResourceType: 'AWS::CloudFormation::Stack',
        },
      });
    }
    stack.changeSets.set(changeSet.name, changeSet);
    return queryResponse(res, 'CreateChangeSet', NAMESPACE, { Id: changeSet.id, StackId: stack.id });
  }

  private changesBetween(before: Template, after: Template): unknown[] {
    const old = before.Resources ?? {};
    const next = after.Resources ?? {};
    const changes: unknown[] = [];
    for (const [id, resource] of Object.entries(next)) {
      const was = old[id];
      if (!was) {
        changes.push({
          Type: 'Resource',
          ResourceChange: { Action: 'Add', LogicalResourceId: id, ResourceType: resource.Type },
        });
      } else if (JSON.stringify(was) !== JSON.stringify(resource)) {
        const renamed = NAME_PROPERTIES.some(
          (p) => JSON.stringify(was.Properties?.[p]) !== JSON.stringify(resource.Properties?.[p]),
        );
        changes.push({
          Type: 'Resource',
          ResourceChange: {
            Action: 'Modify',
            LogicalResourceId: id,
            PhysicalResourceId: `${id}-physical`,
            ResourceType: resource.Type,
            Replacement: renamed ? 'True' : 'False',
            Scope: ['Properties'],
            Details: [],
          },
        });
      }
    }
    for (const [id, resource] of Object.entries(old)) {
      if (!next[id]) {
        changes.push({
          Type: 'Resource',
          ResourceChange: { Action: 'Remove', LogicalResourceId: id, ResourceType: resource.Type },
        });
      }
    }
    // Outputs or tags alone still make a change set with changes to execute.
    if (changes.length === 0 && JSON.stringify(before.Outputs) !== JSON.stringify(after.Outputs)) {
      changes.push({
        Type: 'Resource',
        ResourceChange: {
          Action: 'Modify',
          LogicalResourceId: 'Outputs',
          ResourceType: 'AWS::CloudFormation::Stack',
        },
      });
    }
    return changes;
  }

  private event(stack: StackRecord, logicalId: string, type: string, status: string, reason?: string) {
    stack.events.push({
      EventId: randomUUID(),
      StackId: stack.id,
      StackName: stack.name,
      LogicalResourceId: logicalId,
      ResourceType: type,
      ResourceStatus: status,
      ...(reason ? { ResourceStatusReason: reason } : {}),
      Timestamp: new Date(Math.max(Date.now(), this.clock + 1)),
    });
    this.clock = Math.max(Date.now(), this.clock + 1);
  }

  private execute(stack: StackRecord, changeSet: ChangeSet) {
    const creating = changeSet.type === 'CREATE';
    const verb = creating ? 'CREATE' : 'UPDATE';
    stack.changeSets.clear();
    stack.status = `${verb}_IN_PROGRESS`;
    this.event(stack, stack.name, 'AWS::CloudFormation::Stack', stack.status, 'User Initiated');
    const finish = () => {
      for (const [id, resource] of Object.entries(changeSet.template.Resources ?? {})) {
        this.event(stack, id, resource.Type, `${verb}_IN_PROGRESS`);
        if (this.faults.failResource !== undefined && id.startsWith(this.faults.failResource)) {
          this.event(
            stack,
            id,
            resource.Type,
            `${verb}_FAILED`,
            'Resource handler returned message: "stand-in refused it"',
          );
          stack.status = creating ? 'ROLLBACK_COMPLETE' : 'UPDATE_ROLLBACK_COMPLETE';
          this.event(stack, stack.name, 'AWS::CloudFormation::Stack', stack.status);
          this.executed.push({ stack: stack.name, type: `${verb}_FAILED` });
          return;
        }
        this.event(stack, id, resource.Type, `${verb}_COMPLETE`);
      }
      stack.template = changeSet.template;
      stack.templateBody = changeSet.templateBody;
      stack.tags = changeSet.tags;
      stack.outputs =
        stack.name === 'CDKToolkit' ? this.bootstrapOutputs() : this.outputsOf(stack, changeSet.template);
      stack.updatedAt = creating ? undefined : new Date();
      stack.status = `${verb}_COMPLETE`;
      this.event(stack, stack.name, 'AWS::CloudFormation::Stack', stack.status);
      this.executed.push({ stack: stack.name, type: verb });
      this.onComplete(stack);
    };
    if (this.faults.executionMs) setTimeout(finish, this.faults.executionMs);
    else finish();
  }

  private delete(stack: StackRecord) {
    stack.status = 'DELETE_IN_PROGRESS';
    this.event(stack, stack.name, 'AWS::CloudFormation::Stack', stack.status);
    for (const [id, resource] of Object.entries(stack.template?.Resources ?? {})) {
      // Retained resources (tables, buckets) outlive the stack.
      const retained = (resource as { DeletionPolicy?: string }).DeletionPolicy === 'Retain';
      this.event(stack, id, resource.Type, retained ? 'DELETE_SKIPPED' : 'DELETE_COMPLETE');
    }
    stack.status = 'DELETE_COMPLETE';
    this.event(stack, stack.name, 'AWS::CloudFormation::Stack', stack.status);
    this.stacks.delete(stack.name);
    this.deleted.set(stack.id, stack);
  }

  /** What toolkit-lib reads back from the bootstrap stack it deployed. */
  private bootstrapOutputs(): Record<string, string> {
    const bucket = `cdk-hnb659fds-assets-${this.account}-${REGION}`;
    return {
      BucketName: bucket,
      BucketDomainName: `${bucket}.s3.${REGION}.amazonaws.com`,
      BootstrapVersion: '30',
    };
  }

  /** Outputs with fake physical ids: a resource's own name where it has one. */
  private outputsOf(stack: StackRecord, template: Template): Record<string, string> {
    const resources = template.Resources ?? {};
    const physical = (id: string): string => {
      const resource = resources[id];
      const named = NAME_PROPERTIES.map((p) => resource?.Properties?.[p]).find((v) => typeof v === 'string');
      const name = (named as string | undefined) ?? `${stack.name}-${id}`.toLowerCase();
      switch (resource?.Type) {
        case 'AWS::SQS::Queue':
          return `https://sqs.${REGION}.amazonaws.com/${this.account}/${name}`;
        case 'AWS::StepFunctions::StateMachine':
          return `arn:aws:states:${REGION}:${this.account}:stateMachine:${name}`;
        case 'AWS::ApiGateway::RestApi':
          return 'a1b2c3d4e5';
        default:
          return name;
      }
    };
    const resolve = (value: unknown): string => {
      if (typeof value === 'string') return value;
      const fn = value as Record<string, unknown>;
      if (typeof fn.Ref === 'string') {
        if (fn.Ref === 'AWS::Region') return REGION;
        if (fn.Ref === 'AWS::AccountId') return this.account;
        if (fn.Ref === 'AWS::URLSuffix') return 'amazonaws.com';
        if (fn.Ref === 'AWS::Partition') return 'aws';
        return physical(fn.Ref);
      }
      if (Array.isArray(fn['Fn::GetAtt'])) return `${physical(String(fn['Fn::GetAtt'][0]))}`;
      if (Array.isArray(fn['Fn::Join'])) {
        const [separator, parts] = fn['Fn::Join'] as [string, unknown[]];
        return parts.map(resolve).join(separator);
      }
      return JSON.stringify(value);
    };
    return Object.fromEntries(
      Object.entries(template.Outputs ?? {}).map(([key, output]) => [key, resolve(output.Value)]),
    );
  }
}
