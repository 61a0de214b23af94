/**
 * The stack through @aws-cdk/toolkit-lib, in process: synthesized from `buildApp` with
 * `fromAssemblyBuilder`, then diffed, deployed with a change set, destroyed or bootstrapped.
 * toolkit-lib and aws-cdk-lib are imported here on first use only, so no other command pays for
 * loading them. Its messages go to our IoHost (toolkitMessages.ts); its deploy confirmation is
 * answered by the caller's approval; its errors become ours.
 */

import type { DeployChanges } from '../../actions/deployApproval.js';
import { OperationFailedError, PayrollOpsError } from '../../core/errors.js';
import type { IIoHost } from '../../core/ioMessages.js';
import { mapToolkitMessage, plainText, ToolkitCode, type ToolkitMessage } from './toolkitMessages.js';

export interface EngineTarget {
  readonly stackName: string;
  readonly region: string;
  /** Absent for a dry run: an environment-agnostic account, no credentials needed. */
  readonly account?: string;
  readonly profile?: string;
  readonly bundleDir: string;
}

export interface EngineOptions {
  /** Keep the cloud assembly here (`deploy --dry-run --out DIR`). */
  readonly outdir?: string;
  /** Stack events polling, 2 s by default (tests shorten it). */
  readonly pollIntervalMs?: number;
}

/** One resource that differs between the deployed stack and this CLI's. */
export interface StackChange {
  readonly stack: string;
  readonly logicalId: string;
  readonly resourceType: string;
  readonly change: 'add' | 'update' | 'remove';
  /** CloudFormation's impact: WILL_CREATE, WILL_UPDATE, WILL_REPLACE, MAY_REPLACE, WILL_DESTROY, WILL_ORPHAN. */
  readonly impact: string;
}

export interface DiffOutcome {
  readonly changes: readonly StackChange[];
  /** toolkit-lib's formatted diff, for a terminal. */
  readonly formatted: string;
}

export interface DeployOutcome {
  readonly outputs: Readonly<Record<string, string>>;
  readonly stackArn: string;
  readonly noOp: boolean;
}

/** Whether the operator approves a change set (asked only when it needs approval). */
export type Approve = (changes: DeployChanges, diffText: string) => Promise<boolean>;

export interface DeployEngine {
  /** The template file of the stack in the cloud assembly. */
  synth(): Promise<{ readonly templateFile: string; readonly resources: number }>;
  diff(): Promise<DiffOutcome>;
  deploy(options: {
    readonly approve: Approve;
    readonly tags: Readonly<Record<string, string>>;
  }): Promise<DeployOutcome>;
  destroy(): Promise<void>;
  bootstrap(): Promise<void>;
}

/** An error whose message or cause's says the environment has no CDK bootstrap stack. */
export function isNotBootstrapped(error: unknown, depth = 0): boolean {
  if (error === null || typeof error !== 'object' || depth > 6) return false;
  const shape = error as { name?: string; message?: string; cause?: unknown };
  if (shape.name === 'BootstrapError') return true;
  if (/cdk-bootstrap|been bootstrapped|bootstrap stack|CDKToolkit/i.test(shape.message ?? '')) return true;
  return isNotBootstrapped(shape.cause, depth + 1);
}

function notBootstrapped(target: EngineTarget): OperationFailedError {
  return new OperationFailedError(
    'NOT_BOOTSTRAPPED',
    `aws://${target.account ?? '?'}/${target.region} is not bootstrapped for the CDK (no CDKToolkit stack): run the same deploy with --bootstrap.`,
  );
}

/** A toolkit failure as ours: one line (its first), the original as cause. */
export function toolkitFailure(code: string, what: string, error: unknown): PayrollOpsError {
  if (PayrollOpsError.isPayrollOpsError(error)) return error;
  const message = plainText(error instanceof Error ? error.message : String(error)).split('\n')[0];
  return new OperationFailedError(code, `${what}: ${message}`, { cause: error });
}

export async function openDeployEngine(
  target: EngineTarget,
  io: IIoHost,
  options: EngineOptions = {},
): Promise<DeployEngine> {
  const toolkitLib = await import('@aws-cdk/toolkit-lib');
  let approve: Approve | undefined;
  let lastDiff = '';
  let lastNoOp = false;
  const bridge = {
    async notify(message: ToolkitMessage) {
      if (message.code === ToolkitCode.StackDiff) {
        const data = message.data as { formattedDiff?: { diff?: string } } | undefined;
        lastDiff = data?.formattedDiff?.diff ?? message.message;
      }
      if (message.code === ToolkitCode.Deployed)
        lastNoOp = (message.data as { noOp?: boolean })?.noOp === true;
      await io.notify(mapToolkitMessage(message));
    },
    async requestResponse<T, U>(request: ToolkitMessage & { defaultResponse: U }): Promise<U> {
      if (request.code === ToolkitCode.ConfirmDeploy && approve) {
        const data = request.data as DeployChanges;
        return (await approve(
          { permissionChangeType: data.permissionChangeType, destructiveChanges: data.destructiveChanges },
          request.message,
        )) as U;
      }
      // Destroy and bootstrap are confirmed by the command before the toolkit is called.
      return request.defaultResponse as T & U;
    },
  };
  const toolkit = new toolkitLib.Toolkit({
    ioHost: bridge as never,
    color: false,
    emojis: false,
    sdkConfig: {
      baseCredentials: toolkitLib.BaseCredentials.awsCliCompatible({
        ...(target.profile ? { profile: target.profile } : {}),
        defaultRegion: target.region,
      }),
    },
  });
  const source = () =>
    toolkit.fromAssemblyBuilder(
      async (props) => {
        const { buildApp } = await import('./app.js');
        const app = buildApp({
          stackName: target.stackName,
          region: target.region,
          bundleDir: target.bundleDir,
          ...(target.account ? { account: target.account } : {}),
          ...(props.outdir ? { outdir: props.outdir } : {}),
          ...(props.context ? { context: props.context } : {}),
        });
        return app.synth();
      },
      {
        ...(options.outdir ? { outdir: options.outdir, disposeOutdir: false } : {}),
        // Everything the app needs is in the specification: no lookups, no default account.
        lookups: false,
        resolveDefaultEnvironment: false,
        contextStore: new toolkitLib.MemoryContext(),
      },
    );
  const stacks = { strategy: toolkitLib.StackSelectionStrategy.ALL_STACKS };
  const polling =
    options.pollIntervalMs === undefined ? {} : { stackEventPollingInterval: options.pollIntervalMs };

  return {
    async synth() {
      try {
        const assembly = await toolkit.synth(await source());
        try {
          const stack = assembly.cloudAssembly.getStackByName(target.stackName);
          return {
            templateFile: stack.templateFullPath,
            resources: Object.keys((stack.template as { Resources?: object }).Resources ?? {}).length,
          };
        } finally {
          // Releases the assembly's read lock (a lock file in the output folder otherwise).
          await assembly.dispose();
        }
      } catch (error) {
        throw toolkitFailure('SYNTH_FAILED', `Synthesizing ${target.stackName} failed`, error);
      }
    },
    async diff() {
      try {
        const diffs = await toolkit.diff(await source(), {
          stacks,
          method: toolkitLib.DiffMethod.TemplateOnly({ compareAgainstProcessedTemplate: true }),
        });
        const changes: StackChange[] = [];
        for (const [stack, diff] of Object.entries(diffs)) {
          diff.resources.forEachDifference((logicalId, change) => {
            changes.push({
              stack,
              logicalId,
              resourceType: change.newResourceType ?? change.oldResourceType ?? 'unknown',
              change: change.isAddition ? 'add' : change.isRemoval ? 'remove' : 'update',
              impact: String(change.changeImpact),
            });
          });
        }
        return { changes, formatted: lastDiff };
      } catch (error) {
        if (isNotBootstrapped(error)) throw notBootstrapped(target);
        throw toolkitFailure('DIFF_FAILED', `Diffing ${target.stackName} failed`, error);
      }
    },
    async deploy({ approve: approval, tags }) {
      approve = approval;
      try {
        const result = await toolkit.deploy(await source(), {
          stacks,
          deploymentMethod: { method: 'change-set' },
          tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
          ...polling,
        });
        const deployed = result.stacks[0];
        if (!deployed) throw new OperationFailedError('DEPLOY_FAILED', `toolkit-lib deployed no stack.`);
        return {
          outputs: deployed.outputs,
          stackArn: deployed.stackArn,
          noOp: lastNoOp,
        };
      } catch (error) {
        if (isNotBootstrapped(error)) throw notBootstrapped(target);
        throw toolkitFailure('DEPLOY_FAILED', `Deploying ${target.stackName} failed`, error);
      } finally {
        approve = undefined;
      }
    },
    async destroy() {
      try {
        await toolkit.destroy(await source(), { stacks, ...polling });
      } catch (error) {
        throw toolkitFailure('DESTROY_FAILED', `Destroying ${target.stackName} failed`, error);
      }
    },
    async bootstrap() {
      const environment = `aws://${target.account ?? 'unknown-account'}/${target.region}`;
      try {
        await toolkit.bootstrap(toolkitLib.BootstrapEnvironments.fromList([environment]));
      } catch (error) {
        throw toolkitFailure('BOOTSTRAP_FAILED', `Bootstrapping ${environment} failed`, error);
      }
    },
  };
}
