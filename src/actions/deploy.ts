/**
 * `payroll-ops deploy` and `destroy` as use cases: resolve the target, check the operator's AWS
 * access first (STS, with a time limit), then synthesize, diff, deploy or destroy the stack
 * through toolkit-lib, asking for approval where approvalFor says so, and record the deployed
 * target. Everything the operator sees goes through the IoHost interface.
 */

import { BadInputError, PayrollOpsError } from '../core/errors.js';
import { type IIoHost, ioMessage } from '../core/ioMessages.js';
import { callerIdentity } from '../infra/aws/callerIdentity.js';
import { definitionHash, OutputKey } from '../infra/backendSpec.js';
import type { DeployEngine, EngineOptions, EngineTarget, StackChange } from '../infra/cdk/deployEngine.js';
import { type AwsTarget, removeTarget, writeTarget } from '../infra/targets.js';
import { approvalFor } from './deployApproval.js';
import { DeployMode } from './deployMode.js';
import { type ResolvedTarget, resolveTarget, StackTag, type TargetFlags } from './deployTarget.js';

export const DeployCode = {
  Identity: 'PAYROLL_DEPLOY_I0002',
  ApprovalNeeded: 'PAYROLL_DEPLOY_W5060',
  Approve: 'PAYROLL_DEPLOY_I5060',
  Recorded: 'PAYROLL_DEPLOY_I5902',
  Bootstrap: 'PAYROLL_DEPLOY_I9000',
  Destroy: 'PAYROLL_DEPLOY_I7010',
  Retained: 'PAYROLL_DEPLOY_I7902',
} as const;

export interface AwsSettings {
  readonly home: string;
  readonly bundleDir: string;
  readonly cliVersion: string;
  readonly awsSharedFiles: readonly string[];
  readonly preflightTimeoutMs?: number;
  readonly engine?: EngineOptions;
}

export interface DeployRequest extends TargetFlags, AwsSettings {
  readonly mode: DeployMode;
  /** `--dry-run --out DIR`: keep the cloud assembly there. */
  readonly outDir?: string;
  readonly bootstrap: boolean;
}

export type DeployResult =
  | {
      readonly type: 'synthesized';
      readonly stackName: string;
      readonly templateFile: string;
      readonly resources: number;
    }
  | {
      readonly type: 'diffed';
      readonly stackName: string;
      readonly changes: readonly StackChange[];
      readonly formatted: string;
    }
  | { readonly type: 'deployed'; readonly target: AwsTarget; readonly noOp: boolean };

async function engineFor(
  target: ResolvedTarget,
  account: string | undefined,
  settings: AwsSettings,
  io: IIoHost,
  outdir?: string,
): Promise<DeployEngine> {
  const { openDeployEngine } = await import('../infra/cdk/deployEngine.js');
  const engineTarget: EngineTarget = {
    stackName: target.stackName,
    region: target.region,
    bundleDir: settings.bundleDir,
    ...(account ? { account } : {}),
    ...(target.profile ? { profile: target.profile } : {}),
  };
  return openDeployEngine(engineTarget, io, { ...settings.engine, ...(outdir ? { outdir } : {}) });
}

/** The operator's account, checked before anything else touches AWS; a recorded target must match it. */
async function checkAccess(target: ResolvedTarget, settings: AwsSettings, io: IIoHost): Promise<string> {
  const identity = await callerIdentity(
    {
      region: target.region,
      sharedFiles: settings.awsSharedFiles,
      ...(target.profile ? { profile: target.profile } : {}),
    },
    settings.preflightTimeoutMs,
  );
  if (target.recorded && target.recorded.account !== identity.account) {
    throw new BadInputError(
      'TARGET_ACCOUNT_MISMATCH',
      `Target ${target.name} is in account ${target.recorded.account}, but these credentials are for ${identity.account}: use --profile for the right account.`,
    );
  }
  await io.notify(
    ioMessage(
      'info',
      DeployCode.Identity,
      `as ${identity.arn} in aws://${identity.account}/${target.region}`,
      {
        account: identity.account,
        arn: identity.arn,
        region: target.region,
      },
    ),
  );
  return identity.account;
}

/** toolkit-lib's diff without its own question: ours follows, with the reasons. */
function withoutQuestion(diffText: string): string {
  return diffText.replace(/\s*Stack includes [^\n]*Do you wish to deploy these changes\?\s*$/, '').trimEnd();
}

async function bootstrap(engine: DeployEngine, target: ResolvedTarget, account: string, io: IIoHost) {
  await io.requestResponse({
    ...ioMessage(
      'info',
      DeployCode.Bootstrap,
      `Bootstrapping the CDK in aws://${account}/${target.region} (the CDKToolkit stack: an S3 bucket, an ECR repository and deployment roles)`,
      { expected: account },
    ),
    defaultResponse: true,
  });
  await engine.bootstrap();
}

export async function runDeploy(request: DeployRequest, io: IIoHost): Promise<DeployResult> {
  const target = resolveTarget(request.home, request, 'deploy');
  if (request.mode === DeployMode.DryRun) {
    const engine = await engineFor(target, undefined, request, io, request.outDir);
    const synthesized = await engine.synth();
    return { type: 'synthesized', stackName: target.stackName, ...synthesized };
  }
  const account = await checkAccess(target, request, io);
  const engine = await engineFor(target, account, request, io);
  if (request.bootstrap) await bootstrap(engine, target, account, io);
  if (request.mode === DeployMode.Diff) {
    return { type: 'diffed', stackName: target.stackName, ...(await engine.diff()) };
  }
  // A declined or unanswerable approval: toolkit-lib deletes the change set and throws
  // DeployAborted; the operator gets this reason instead.
  let declined: PayrollOpsError | undefined;
  let deployed: Awaited<ReturnType<DeployEngine['deploy']>>;
  try {
    deployed = await engine.deploy({
      tags: { [StackTag.CliVersion]: request.cliVersion, [StackTag.Target]: target.name },
      approve: async (changes, diffText) => {
        const decision = approvalFor(changes);
        if (!decision.required) return true;
        await io.notify(
          ioMessage(
            'warn',
            DeployCode.ApprovalNeeded,
            `${withoutQuestion(diffText)}\n\nThis deploy needs approval: ${decision.reasons.join('; ')}.`,
            {
              reasons: decision.reasons,
            },
          ),
        );
        try {
          return await io.requestResponse({
            ...ioMessage('info', DeployCode.Approve, `Deploying to target ${target.name}`, {
              expected: target.name,
            }),
            defaultResponse: true,
          });
        } catch (error) {
          if (!PayrollOpsError.isPayrollOpsError(error)) throw error;
          declined = error;
          return false;
        }
      },
    });
  } catch (error) {
    throw declined ?? error;
  }
  const recorded: AwsTarget = {
    name: target.name,
    kind: 'aws',
    account,
    region: target.region,
    ...(target.profile ? { profile: target.profile } : {}),
    stackName: target.stackName,
    outputs: deployed.outputs,
    definitionHash: deployed.outputs[OutputKey.DefinitionHash] ?? definitionHash(),
    cliVersion: request.cliVersion,
    deployedAt: new Date().toISOString(),
  };
  writeTarget(request.home, recorded);
  await io.notify(
    ioMessage('info', DeployCode.Recorded, `target ${target.name} recorded`, { target: target.name }),
  );
  return { type: 'deployed', target: recorded, noOp: deployed.noOp };
}

export interface DestroyRequest extends AwsSettings {
  readonly target?: string;
}

/** Destroys the target's stack (tables and bucket are retained by their policy) and forgets the target. */
export async function runDestroy(request: DestroyRequest, io: IIoHost): Promise<AwsTarget> {
  const target = resolveTarget(
    request.home,
    { ...(request.target ? { target: request.target } : {}) },
    'destroy',
  );
  const recorded = target.recorded;
  if (!recorded) {
    throw new BadInputError(
      'UNKNOWN_TARGET',
      `Target ${target.name} is not recorded here: see payroll-ops target list, or import it with payroll-ops target add ${target.name} --region R.`,
    );
  }
  await io.requestResponse({
    ...ioMessage(
      'info',
      DeployCode.Destroy,
      `Destroying stack ${recorded.stackName} of target ${target.name} in aws://${recorded.account}/${recorded.region} (its tables and artifacts bucket are kept)`,
      { expected: target.name },
    ),
    defaultResponse: true,
  });
  const account = await checkAccess(target, request, io);
  const engine = await engineFor(target, account, request, io);
  await engine.destroy();
  removeTarget(request.home, target.name);
  const kept = [OutputKey.DataTableName, OutputKey.IdempotencyTableName, OutputKey.ArtifactsBucketName]
    .map((key) => recorded.outputs[key])
    .filter((name): name is string => name !== undefined);
  await io.notify(
    ioMessage(
      'warn',
      DeployCode.Retained,
      `kept, delete them yourself once no longer needed: ${kept.join(', ')}`,
      {
        kept,
      },
    ),
  );
  return recorded;
}
