/**
 * The host's stack: the plan it runs, and applying a new one — at start (the template of this
 * installation) and on `deploy` (the template the CLI sends). One apply at a time. Every change is
 * worked out first; if one would drop data, nothing is changed at all.
 */
import { BadInputError, OperationFailedError } from '../../core/errors.js';
import type { HostedApp } from './hostedApp.js';
import { type HostRuntime, prepareHandlers } from './hostRuntime.js';
import { applyToEmulators, type EmulatorClients, observe, type Provisioned } from './provision.js';
import { validateDefinition } from './stepfunctions/definition.js';
import type { LocalPlan } from './template/localPlan.js';
import { diffPlan, EMPTY_PLAN, type LocalChange } from './template/planDiff.js';
import { ResourceType } from './template/resourceKinds.js';

export interface StackApplier {
  /** The plan the host runs (empty before the first apply). */
  current(): LocalPlan;
  provisioned(): Provisioned;
  /** What applying `plan` to the running host would change, without changing anything. */
  diff(plan: LocalPlan): Promise<readonly LocalChange[]>;
  /**
   * Applies `plan`, read from `source` (a template file); the changes made (none: it was already
   * running). `starting`: no one else uses the emulators yet, so tables may be rebuilt.
   */
  apply(plan: LocalPlan, source: string, starting?: boolean): Promise<readonly LocalChange[]>;
}

export interface StackApplierDeps {
  /** The data folder: journals of table rebuilds live there. */
  readonly home: string;
  readonly clients: EmulatorClients;
  readonly runtime: HostRuntime;
  readonly app: HostedApp;
  /** Told after each apply, with the plan now running and its source (the host records its outputs). */
  readonly onApplied?: (plan: LocalPlan, source: string) => void;
}

/** One line: the first change refused (why, and the way out), and how many more. */
export function refuseDataLoss(changes: readonly LocalChange[]): void {
  const refused = changes.filter((change) => change.refused !== undefined);
  if (refused.length === 0) return;
  const more = refused.length > 1 ? ` (and ${refused.length - 1} more refused change(s))` : '';
  throw new OperationFailedError(
    'LOCAL_DEPLOY_REFUSED',
    `Refused, nothing changed: ${refused[0]!.refused}${more}.`,
    {
      details: {
        refused: refused.map((change) => ({ logicalId: change.logicalId, reason: change.refused })),
      },
    },
  );
}

/**
 * The definitions a plan creates or changes, validated as CreateStateMachine will validate them
 * (the result is kept, so that costs nothing more): one the emulator would refuse is refused
 * before anything is changed, in one line, instead of halfway through the apply.
 */
export function checkDefinitions(plan: LocalPlan, changes: readonly LocalChange[]): void {
  for (const change of changes) {
    if (change.resourceType !== ResourceType.StateMachine || change.change === 'remove') continue;
    const machine = plan.stateMachines.find((candidate) => candidate.name === change.name);
    if (!machine) continue;
    try {
      validateDefinition(machine.definition);
    } catch (error) {
      const reason = (error instanceof Error ? error.message : String(error))
        .split('\n')
        .map((line) => line.trim())
        .filter((line) => line !== '')
        .join('; ')
        .replace(/:;/g, ':');
      throw new BadInputError(
        'TEMPLATE_BAD_DEFINITION',
        `${machine.logicalId}: ${reason.replace(/\.?$/, '')}; fix the state machine's definition.`,
      );
    }
  }
}

export function createStackApplier(deps: StackApplierDeps): StackApplier {
  let current: LocalPlan = EMPTY_PLAN;
  let provisioned: Provisioned = { queues: new Map(), stateMachines: new Map() };
  let tail: Promise<unknown> = Promise.resolve();
  const serially = <T>(work: () => Promise<T>): Promise<T> => {
    const run = tail.then(work);
    tail = run.catch(() => undefined);
    return run;
  };
  const changesTo = async (plan: LocalPlan, rebuildTables: boolean) => {
    const observed = await observe(deps.clients, [current, plan]);
    return { observed, changes: diffPlan(observed, current, plan, { rebuildTables }) };
  };
  return {
    current: () => current,
    provisioned: () => provisioned,
    diff: (plan) => serially(async () => (await changesTo(plan, false)).changes),
    apply: (plan, source, starting = false) =>
      serially(async () => {
        const { observed, changes } = await changesTo(plan, starting);
        refuseDataLoss(changes);
        checkDefinitions(plan, changes);
        const handlers = prepareHandlers(plan, deps.app);
        provisioned = await applyToEmulators(deps.clients, observed, changes, plan, deps.home);
        await deps.runtime.install(plan, handlers, provisioned, changes);
        current = plan;
        deps.onApplied?.(plan, source);
        return changes;
      }),
  };
}
