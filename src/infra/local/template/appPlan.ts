/**
 * A hand-written LocalApp (the tests' small apps) as a plan, so the host provisions and diffs
 * every app one way. Its names are its own; it has no outputs and no template to deploy.
 */
import type { LocalApp } from '../../resources.js';
import type { ResolveScope } from './intrinsics.js';
import { type LocalPlan, type PlannedQueue, StateMachineType } from './localPlan.js';
import { localQueueUrl, ResourceType } from './resourceKinds.js';

/** The timeout the host gives a function of a hand-written app (the saga's Task states assume it). */
const APP_FUNCTION_TIMEOUT_SECONDS = 300;

export function appPlan(app: LocalApp, scope: ResolveScope): LocalPlan {
  const arn = (service: string, resource: string) =>
    `arn:${scope.partition}:${service}:${scope.region}:${scope.accountId}:${resource}`;
  const queue = (name: string, attributes: PlannedQueue['attributes'], fifo: boolean): PlannedQueue => ({
    logicalId: name,
    name,
    url: localQueueUrl(scope, name),
    arn: arn('sqs', name),
    fifo,
    attributes: { ...attributes, ...(fifo ? { FifoQueue: 'true' } : {}) },
  });
  return {
    stackName: scope.stackName,
    tables: app.tables.map((table) => ({
      ...table,
      logicalId: table.name,
      resourceType: ResourceType.Table,
      gsis: table.gsis ?? [],
    })),
    queues: app.queues.flatMap((spec) => {
      const fifo = spec.fifo === true || spec.name.endsWith('.fifo');
      const main = queue(spec.name, { VisibilityTimeout: String(spec.visibilityTimeoutSeconds) }, fifo);
      if (!spec.dlq) return [main];
      const dlq = queue(spec.dlq.name, {}, fifo);
      const redrive = JSON.stringify({
        deadLetterTargetArn: dlq.arn,
        maxReceiveCount: spec.dlq.maxReceiveCount,
      });
      return [dlq, { ...main, attributes: { ...main.attributes, RedrivePolicy: redrive } }];
    }),
    functions: Object.keys(app.lambdas).map((name) => ({
      logicalId: name,
      name,
      arn: arn('lambda', `function:${name}`),
      environment: {},
      timeoutSeconds: APP_FUNCTION_TIMEOUT_SECONDS,
      memoryMb: 1024,
    })),
    eventSourceMappings: app.eventSourceMappings.map((mapping) => ({
      ...mapping,
      logicalId: `${mapping.queueName}->${mapping.functionName}`,
      enabled: true,
    })),
    stateMachines: app.stateMachines.map((machine) => ({
      logicalId: machine.name,
      name: machine.name,
      arn: arn('states', `stateMachine:${machine.name}`),
      type: StateMachineType.Standard,
      definition: JSON.stringify(machine.definition),
    })),
    schedules: app.schedules.map((schedule) => ({ ...schedule, logicalId: schedule.name, enabled: true })),
    routes: (app.api?.routes ?? []).map((route) => ({
      ...route,
      logicalId: `${route.method} ${route.path}`,
    })),
    outputs: {},
    ignored: {},
  };
}
