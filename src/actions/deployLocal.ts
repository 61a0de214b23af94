/**
 * `payroll-ops deploy` on the local target: the synthesized template (the build's, or
 * `--template FILE`) applied to the running local host — started first if none runs, which
 * applies the build's template on its own. The template is resolved here first, so one the local
 * stack cannot run is refused (exit 2) before any host is involved; the host then works out the
 * changes against what it runs, refuses any that would drop data (exit 1, nothing changed), makes
 * the rest and records its outputs as the local target, as an aws deploy records its stack's.
 */

import { resolve } from 'node:path';
import { type IIoHost, ioMessage } from '../core/ioMessages.js';
import { LOCAL_STACK_NAME } from '../infra/backendNames.js';
import { localCredentials } from '../infra/local/credentials.js';
import { ensureLocalHost } from '../infra/local/ensureHost.js';
import { HostControlTarget } from '../infra/local/hostControl.js';
import { callHostControl } from '../infra/local/hostControlClient.js';
import { LOCAL_SCOPE } from '../infra/local/hostedApp.js';
import { builtTemplatePath, readTemplate } from '../infra/local/template/cfnTemplate.js';
import type { LocalChange } from '../infra/local/template/planDiff.js';
import { templatePlan } from '../infra/local/template/templatePlan.js';
import { type LocalTargetRecord, localTargetOutputs, readLocalTarget } from '../infra/localTarget.js';
import { DeployMode } from './deployMode.js';

export const LocalDeployCode = {
  Applying: 'PAYROLL_DEPLOY_I5100',
  Change: 'PAYROLL_DEPLOY_I5502',
  Recorded: 'PAYROLL_DEPLOY_I5902',
} as const;

export interface LocalDeployRequest {
  readonly home: string;
  readonly mode: DeployMode;
  /** `--template FILE`: another synthesized template than the build's. */
  readonly templateFile?: string;
}

export type LocalDeployResult =
  | {
      readonly type: 'synthesized';
      readonly stackName: string;
      readonly templateFile: string;
      readonly resources: number;
    }
  | { readonly type: 'diffed-local'; readonly stackName: string; readonly changes: readonly LocalChange[] }
  | {
      readonly type: 'deployed-local';
      readonly target: LocalTargetRecord;
      readonly changes: readonly LocalChange[];
      readonly noOp: boolean;
      /** The host's AWS endpoint (its front), for the operator. */
      readonly endpoint: string;
    };

/** `add AWS::DynamoDB::GlobalTable payroll-ops-data (add index gsi2)` */
export function describeChange(change: LocalChange): string {
  const details = change.details.length ? ` (${change.details.join('; ')})` : '';
  return `${change.change} ${change.resourceType} ${change.name}${details}`;
}

export async function runLocalDeploy(request: LocalDeployRequest, io: IIoHost): Promise<LocalDeployResult> {
  // Recorded with the local target: a path that still means the same file from another folder.
  const templateFile =
    request.templateFile === undefined ? builtTemplatePath() : resolve(request.templateFile);
  const template = readTemplate(templateFile);
  // Resolved here too: a template the local stack cannot run is refused before a host is involved.
  const plan = templatePlan(template, LOCAL_SCOPE);
  if (request.mode === DeployMode.DryRun) {
    return {
      type: 'synthesized',
      stackName: plan.stackName,
      templateFile,
      resources: Object.keys(template.Resources).length,
    };
  }
  await io.notify(
    ioMessage(
      'info',
      LocalDeployCode.Applying,
      `${request.mode === 'diff' ? 'diffing' : 'deploying'} ${LOCAL_STACK_NAME} on the local host`,
      { templateFile },
      true,
    ),
  );
  const endpoints = await ensureLocalHost(request.home);
  const front = endpoints.stepfunctions;
  const target = request.mode === DeployMode.Diff ? HostControlTarget.Diff : HostControlTarget.Apply;
  const answer = await callHostControl(front, localCredentials(request.home), target, {
    template,
    templateFile,
  });
  if (request.mode === DeployMode.Diff) {
    return { type: 'diffed-local', stackName: answer.stackName, changes: answer.changes };
  }
  for (const change of answer.changes) {
    await io.notify(
      ioMessage('info', LocalDeployCode.Change, describeChange(change), {
        logicalId: change.logicalId,
        resourceType: change.resourceType,
        change: change.change,
      }),
    );
  }
  // The host recorded the outputs before it answered.
  localTargetOutputs(request.home);
  const recorded = readLocalTarget(request.home) as LocalTargetRecord;
  await io.notify(
    ioMessage('info', LocalDeployCode.Recorded, `target ${recorded.name} recorded`, {
      target: recorded.name,
    }),
  );
  return {
    type: 'deployed-local',
    target: recorded,
    changes: answer.changes,
    noOp: answer.changes.length === 0,
    endpoint: front,
  };
}
