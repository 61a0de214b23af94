/**
 * A synthesized template → what the local host runs (LocalPlan): tables with their keys, indexes
 * and TTL; queues with their redrive policies and visibility timeouts; functions with their
 * environment resolved; SQS triggers; state machines with their substitutions filled in;
 * schedules; REST API routes; and the outputs. Resource types on the ignore list are skipped,
 * any other type stops here with one line naming it.
 */
import { BadInputError, describeError, PayrollOpsError } from '../../../core/errors.js';
import { substitute } from '../../backendSpec.js';
import { type IndexSpec, KeyType, type ScheduleTarget } from '../../resources.js';
import { lambdaFunctionName } from '../stepfunctions/names.js';
import { apiRoutes } from './apiRoutes.js';
import type { CfnResource, CfnTemplate } from './cfnTemplate.js';
import { type ResolveScope, resolveText, resolveValue } from './intrinsics.js';
import {
  type LocalPlan,
  type PlannedFunction,
  type PlannedMapping,
  type PlannedQueue,
  type PlannedSchedule,
  type PlannedStateMachine,
  type PlannedTable,
  QueueAttribute,
  StateMachineType,
} from './localPlan.js';
import { checkPlan } from './planChecks.js';
import { IGNORED_TYPES, isHandledType, ResourceType, TemplateResources } from './resourceKinds.js';

/** One resource's property, resolved when read: references the host never reads need not resolve. */
export type Properties = (name: string) => unknown;

const refused = (message: string) => new BadInputError('TEMPLATE_UNSUPPORTED', message);

/**
 * `build()`, with anything but a one-line refusal of ours (a property of the wrong shape: a string
 * where a list belongs, a redrive policy that is not JSON) turned into one naming the resource.
 */
function readingResource<T>(logicalId: string, type: string, build: () => T): T {
  try {
    return build();
  } catch (error) {
    if (PayrollOpsError.isPayrollOpsError(error)) throw error;
    throw refused(
      `${logicalId}: its properties are not those of a ${type} (${describeError(error).split('\n')[0]}); give a synthesized template.`,
    );
  }
}

function propertiesOf(resources: TemplateResources, logicalId: string, resource: CfnResource): Properties {
  return (name) => resolveValue(resource.Properties?.[name], resources.context, `${logicalId}.${name}`);
}

const keyTypes = new Set<string>(Object.values(KeyType));

function keysOf(
  where: string,
  schema: unknown,
  definitions: ReadonlyMap<string, string>,
): Pick<IndexSpec, 'partitionKey' | 'sortKey'> {
  const elements = Array.isArray(schema) ? (schema as { AttributeName?: string; KeyType?: string }[]) : [];
  const key = (role: string) => {
    const name = elements.find((element) => element.KeyType === role)?.AttributeName;
    if (name === undefined) return undefined;
    const type = definitions.get(name) ?? KeyType.String;
    if (!keyTypes.has(type)) throw refused(`${where}: attribute ${name} has type ${type}; use S, N or B.`);
    return type === KeyType.String ? name : { name, type: type as KeyType };
  };
  const partitionKey = key('HASH');
  if (partitionKey === undefined) throw refused(`${where}: KeySchema has no HASH key.`);
  const sortKey = key('RANGE');
  return { partitionKey, ...(sortKey === undefined ? {} : { sortKey }) };
}

function table(
  resources: TemplateResources,
  resourceType: string,
  logicalId: string,
  props: Properties,
): PlannedTable {
  const definitions = new Map(
    (
      (props('AttributeDefinitions') as { AttributeName: string; AttributeType: string }[] | undefined) ?? []
    ).map((definition) => [definition.AttributeName, definition.AttributeType]),
  );
  const indexes =
    (props('GlobalSecondaryIndexes') as { IndexName: string; KeySchema: unknown }[] | undefined) ?? [];
  const ttl = props('TimeToLiveSpecification') as { AttributeName?: string; Enabled?: boolean } | undefined;
  return {
    logicalId,
    resourceType,
    name: resources.nameOf(logicalId),
    ...keysOf(logicalId, props('KeySchema'), definitions),
    gsis: indexes.map((index) => ({
      name: index.IndexName,
      ...keysOf(`${logicalId}.${index.IndexName}`, index.KeySchema, definitions),
    })),
    ...(ttl?.Enabled && ttl.AttributeName ? { timeToLiveAttribute: ttl.AttributeName } : {}),
  };
}

/** RedrivePolicy as the SQS attribute's text, the same whether the template gave JSON or an object. */
export function redrivePolicyText(policy: unknown): string {
  const value = (typeof policy === 'string' ? JSON.parse(policy) : policy) as {
    deadLetterTargetArn?: unknown;
    maxReceiveCount?: unknown;
  };
  return JSON.stringify({
    deadLetterTargetArn: String(value.deadLetterTargetArn),
    maxReceiveCount: Number(value.maxReceiveCount),
  });
}

function queue(resources: TemplateResources, logicalId: string, props: Properties): PlannedQueue {
  const name = resources.nameOf(logicalId);
  const attributes: Partial<Record<QueueAttribute, string>> = {};
  for (const attribute of Object.values(QueueAttribute)) {
    const value = props(attribute);
    if (value === undefined) continue;
    attributes[attribute] =
      attribute === QueueAttribute.RedrivePolicy ? redrivePolicyText(value) : String(value);
  }
  return {
    logicalId,
    name,
    url: resources.ref(logicalId, logicalId),
    arn: resources.arnOf(logicalId),
    fifo: attributes.FifoQueue === 'true',
    attributes,
  };
}

function lambdaFunction(resources: TemplateResources, logicalId: string, props: Properties): PlannedFunction {
  const variables =
    (props('Environment') as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {};
  return {
    logicalId,
    name: resources.nameOf(logicalId),
    arn: resources.arnOf(logicalId),
    environment: Object.fromEntries(
      Object.entries(variables).map(([name, value]) => [
        name,
        resolveText(value, resources.context, `${logicalId}.Environment.${name}`),
      ]),
    ),
    // CloudFormation's defaults.
    timeoutSeconds: Number(props('Timeout') ?? 3),
    memoryMb: Number(props('MemorySize') ?? 128),
  };
}

function mapping(
  logicalId: string,
  props: Properties,
  queues: ReadonlyMap<string, PlannedQueue>,
): PlannedMapping {
  const source = String(props('EventSourceArn'));
  const queue = queues.get(source);
  if (!queue) {
    throw refused(
      `${logicalId}: the event source ${source} is not a queue of this template; the local stack runs SQS triggers only.`,
    );
  }
  const scaling = props('ScalingConfig') as { MaximumConcurrency?: number } | undefined;
  const responseTypes = (props('FunctionResponseTypes') as string[] | undefined) ?? [];
  return {
    logicalId,
    queueName: queue.name,
    functionName: lambdaFunctionName(String(props('FunctionName'))),
    // Lambda's default for SQS.
    batchSize: Number(props('BatchSize') ?? 10),
    reportBatchItemFailures: responseTypes.includes('ReportBatchItemFailures'),
    ...(scaling?.MaximumConcurrency === undefined
      ? {}
      : { maximumConcurrency: Number(scaling.MaximumConcurrency) }),
    enabled: props('Enabled') !== false,
  };
}

function stateMachine(
  resources: TemplateResources,
  logicalId: string,
  props: Properties,
): PlannedStateMachine {
  if (props('DefinitionS3Location') !== undefined) {
    throw refused(`${logicalId}: a definition in S3 (DefinitionS3Location) is not read locally; inline it.`);
  }
  const definitionString = props('DefinitionString');
  const definition = props('Definition');
  const text =
    typeof definitionString === 'string'
      ? definitionString
      : definition !== undefined
        ? JSON.stringify(definition)
        : undefined;
  if (text === undefined) throw refused(`${logicalId}: the state machine has no definition.`);
  const substitutions = Object.fromEntries(
    Object.entries((props('DefinitionSubstitutions') ?? {}) as Record<string, unknown>).map(
      ([name, value]) => [name, String(value)],
    ),
  );
  return {
    logicalId,
    name: resources.nameOf(logicalId),
    arn: resources.arnOf(logicalId),
    type:
      props('StateMachineType') === StateMachineType.Express
        ? StateMachineType.Express
        : StateMachineType.Standard,
    definition: substitute(text, substitutions),
  };
}

const LAMBDA_ARN = /^arn:[^:]+:lambda:[^:]*:[^:]*:function:/;
const STATE_MACHINE_ARN = /^arn:[^:]+:states:[^:]*:[^:]*:stateMachine:[^:]+$/;

function schedule(resources: TemplateResources, logicalId: string, props: Properties): PlannedSchedule {
  const target = (props('Target') ?? {}) as { Arn?: unknown; Input?: unknown };
  const arn = String(target.Arn);
  const input = target.Input === undefined ? undefined : String(target.Input);
  let planned: ScheduleTarget;
  if (LAMBDA_ARN.test(arn)) {
    planned = { kind: 'lambda', functionName: lambdaFunctionName(arn), payload: JSON.parse(input ?? '{}') };
  } else if (STATE_MACHINE_ARN.test(arn)) {
    planned = { kind: 'state-machine', stateMachineArn: arn, input: input ?? '{}' };
  } else {
    throw refused(
      `${logicalId}: the schedule's target ${arn} is neither a function nor a state machine; the local scheduler runs only those.`,
    );
  }
  const timezone = props('ScheduleExpressionTimezone');
  return {
    logicalId,
    name: resources.nameOf(logicalId),
    expression: String(props('ScheduleExpression')),
    ...(typeof timezone === 'string' ? { timezone } : {}),
    target: planned,
    enabled: props('State') !== 'DISABLED',
  };
}

/** The plan of `template` on the local account; one line naming the first thing it cannot run. */
export function templatePlan(template: CfnTemplate, scope: ResolveScope): LocalPlan {
  if (template.Conditions && Object.keys(template.Conditions).length > 0) {
    throw refused(
      'The template has Conditions, which the local stack does not evaluate; synthesize it without.',
    );
  }
  const resources = new TemplateResources(template, scope);
  const byType = new Map<string, [string, CfnResource][]>();
  const ignored: Record<string, number> = {};
  for (const [logicalId, resource] of Object.entries(template.Resources)) {
    if (resource.Condition !== undefined) {
      throw refused(`${logicalId} has a Condition, which the local stack does not evaluate.`);
    }
    if (isHandledType(resource.Type)) {
      byType.set(resource.Type, [...(byType.get(resource.Type) ?? []), [logicalId, resource]]);
    } else if (Object.hasOwn(IGNORED_TYPES, resource.Type)) {
      ignored[resource.Type] = (ignored[resource.Type] ?? 0) + 1;
    } else {
      throw refused(
        `${logicalId} has the type ${resource.Type}, which the local stack neither runs nor ignores; remove it or teach src/infra/local/template/resourceKinds.ts about it.`,
      );
    }
  }
  const each = <T>(
    types: readonly ResourceType[],
    build: (logicalId: string, props: Properties, type: ResourceType) => T,
  ): T[] =>
    types.flatMap((type) =>
      (byType.get(type) ?? []).map(([logicalId, resource]) =>
        readingResource(logicalId, type, () =>
          build(logicalId, propertiesOf(resources, logicalId, resource), type),
        ),
      ),
    );
  const queues = each([ResourceType.Queue], (id, props) => queue(resources, id, props));
  const queuesByArn = new Map(queues.map((planned) => [planned.arn, planned]));
  const plan: LocalPlan = {
    stackName: scope.stackName,
    tables: each([ResourceType.Table, ResourceType.GlobalTable], (id, props, type) =>
      table(resources, type, id, props),
    ),
    queues,
    functions: each([ResourceType.Function], (id, props) => lambdaFunction(resources, id, props)),
    eventSourceMappings: each([ResourceType.EventSourceMapping], (id, props) =>
      mapping(id, props, queuesByArn),
    ),
    stateMachines: each([ResourceType.StateMachine], (id, props) => stateMachine(resources, id, props)),
    schedules: each([ResourceType.Schedule], (id, props) => schedule(resources, id, props)),
    routes: readingResource('The API', 'REST API', () =>
      apiRoutes(
        (byType.get(ResourceType.ApiResource) ?? []).map(([id, r]) => [id, propertiesOf(resources, id, r)]),
        (byType.get(ResourceType.ApiMethod) ?? []).map(([id, r]) => [id, propertiesOf(resources, id, r)]),
      ),
    ),
    outputs: Object.fromEntries(
      Object.entries(template.Outputs ?? {}).map(([key, output]) => [
        key,
        resolveText(output.Value, resources.context, `Outputs.${key}`),
      ]),
    ),
    ignored,
  };
  checkPlan(plan);
  return plan;
}
