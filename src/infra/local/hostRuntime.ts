/**
 * The in-process half of a plan: the functions (Lambda), their SQS triggers (pollers), the
 * schedules (EventBridge Scheduler) and the API routes. A deploy swaps them while the host runs:
 * invocations look their handler up when they start, pollers and schedules restart only when
 * theirs changed, and an execution already running keeps going with the functions of its time.
 */
import type { SFNClient } from '@aws-sdk/client-sfn';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { sfnSdk } from '../aws/sdk.js';
import type { ApiRouteSpec, LambdaHandler } from '../resources.js';
import type { ActivityTracker } from './activity.js';
import type { HostedApp } from './hostedApp.js';
import { type LambdaInvoker, lambdaInvoker } from './lambdaRuntime.js';
import { type Pollers, startPollers } from './pollers.js';
import type { Provisioned } from './provision.js';
import { type Scheduler, startScheduler } from './scheduler.js';
import type { LocalPlan } from './template/localPlan.js';
import type { LocalChange } from './template/planDiff.js';
import { ResourceType } from './template/resourceKinds.js';

const { StartExecutionCommand } = sfnSdk;

export interface RuntimeDeps {
  readonly sqs: SQSClient;
  readonly sfn: SFNClient;
  readonly activity: ActivityTracker;
  readonly log: (line: string) => void;
  /** Schedule name → fire every this many seconds instead of its expression (tests). */
  readonly scheduleEverySeconds?: Readonly<Record<string, number>>;
}

/** The functions of a plan with their handlers, made before anything changes (a bad one refuses the plan). */
export type PreparedHandlers = ReadonlyMap<string, LambdaHandler>;

export function prepareHandlers(plan: LocalPlan, app: HostedApp): PreparedHandlers {
  const handlers = new Map<string, LambdaHandler>();
  for (const fn of plan.functions) {
    const handler = app.handlerFor(fn);
    if (handler) handlers.set(fn.name, handler);
  }
  return handlers;
}

export class HostRuntime {
  private handlers: PreparedHandlers = new Map();
  private routes: readonly ApiRouteSpec[] = [];
  private pollers: Pollers | undefined;
  private scheduler: Scheduler | undefined;
  readonly invoke: LambdaInvoker = lambdaInvoker((name) => this.handlers.get(name));

  constructor(private readonly deps: RuntimeDeps) {}

  /** The routes the API serves now. */
  currentRoutes = (): readonly ApiRouteSpec[] => this.routes;

  /** Runs `plan`'s in-process half; `changes` says which parts to restart (all, the first time). */
  async install(
    plan: LocalPlan,
    handlers: PreparedHandlers,
    provisioned: Provisioned,
    changes: readonly LocalChange[],
  ): Promise<void> {
    const changed = (type: string) => changes.some((change) => change.resourceType === type);
    // The new schedules are started before anything is swapped: should they fail to start, the
    // host keeps running the old plan whole, its schedules firing.
    const scheduler =
      !this.scheduler || changed(ResourceType.Schedule)
        ? startScheduler(
            plan.schedules.filter((schedule) => schedule.enabled),
            {
              ...this.deps,
              ...(this.deps.scheduleEverySeconds ? { everySeconds: this.deps.scheduleEverySeconds } : {}),
              invoke: this.invoke,
              // As EventBridge Scheduler does: a generated execution name, the target's input.
              startExecution: async (stateMachineArn, input) => {
                await this.deps.sfn.send(new StartExecutionCommand({ stateMachineArn, input }));
              },
            },
          )
        : undefined;
    this.handlers = handlers;
    this.routes = plan.routes;
    if (scheduler) {
      this.scheduler?.stop();
      this.scheduler = scheduler;
    }
    // Queues replaced or given new attributes are polled anew too.
    if (!this.pollers || changed(ResourceType.EventSourceMapping) || changed(ResourceType.Queue)) {
      await this.pollers?.stop();
      this.pollers = startPollers(
        plan.eventSourceMappings.filter((mapping) => mapping.enabled),
        { ...this.deps, queues: provisioned.queues, invoke: this.invoke },
      );
    }
  }

  async stop(): Promise<void> {
    this.scheduler?.stop();
    await this.pollers?.stop();
  }
}
