/**
 * A target resolved into what the CLI reaches: the physical names of one backend, from its stack's
 * recorded outputs — the template the local host applied, or a deployed stack's — so every command
 * takes the same path on both kinds, apart from endpoints, credentials and where artifacts live.
 */
import { BadInputError, InfrastructureError } from '../core/errors.js';
import { StateMachineName } from '../core/saga/functions.js';
import { OutboxQueue, OutputKey } from './backendSpec.js';
import type { BackendConfig } from './lambda/composition.js';
import {
  type AwsTarget,
  isTargetName,
  LOCAL_TARGET_NAME,
  readTarget,
  recordedTargetNames,
} from './targets.js';

/** Everything a command may name on one backend. */
export interface BackendNames extends BackendConfig {
  /** Known queue URLs by SQS name (a deployed stack's outputs); looked up when absent. */
  readonly queueUrls: Readonly<Record<string, string>>;
  /** The artifacts bucket of a deployed stack; the local target keeps files. */
  readonly artifactsBucket?: string;
  /** The hash of the state machine definitions the backend runs, when it says. */
  readonly definitionHash?: string;
}

export type ResolvedTarget =
  | { readonly kind: 'local'; readonly name: typeof LOCAL_TARGET_NAME }
  | { readonly kind: 'aws'; readonly name: string; readonly target: AwsTarget };

/** The target `name` names, or bad input naming it and how to create one. */
export function resolveTarget(home: string, name: string): ResolvedTarget {
  if (name === LOCAL_TARGET_NAME) return { kind: 'local', name: LOCAL_TARGET_NAME };
  if (!isTargetName(name)) {
    throw new BadInputError(
      'BAD_TARGET_NAME',
      `--target ${JSON.stringify(name)} is not a target name: use local or a deployed target's name (1–24 lower-case letters, digits and hyphens, e.g. prod); see payroll-ops target list.`,
      { details: { target: name } },
    );
  }
  const target = readTarget(home, name);
  if (!target) {
    const known = recordedTargetNames(home);
    throw new BadInputError(
      'UNKNOWN_TARGET',
      `Target ${name} is not known here${known.length > 0 ? ` (known: local, ${known.join(', ')})` : ''}; create it with payroll-ops deploy --target ${name} --region REGION, or import a deployed stack with payroll-ops target add ${name} --region REGION.`,
      { details: { target: name } },
    );
  }
  return { kind: 'aws', name, target };
}

const OUTBOX_QUEUES = Object.values(OutboxQueue);

/** An SQS queue's name is the last segment of its URL. */
export function queueNameOfUrl(url: string): string {
  return url.slice(url.lastIndexOf('/') + 1);
}

const QUEUE_OUTPUTS: Readonly<Record<OutboxQueue, { readonly queue: OutputKey; readonly dlq: OutputKey }>> = {
  'bank-gateway': { queue: OutputKey.BankGatewayQueueUrl, dlq: OutputKey.BankGatewayDlqUrl },
  'payslip-delivery': { queue: OutputKey.PayslipDeliveryQueueUrl, dlq: OutputKey.PayslipDeliveryDlqUrl },
};

const MACHINE_OUTPUTS: Readonly<Record<StateMachineName, OutputKey>> = {
  [StateMachineName.PayRun]: OutputKey.PayRunStateMachineArn,
  [StateMachineName.Rollback]: OutputKey.RollbackStateMachineArn,
  [StateMachineName.Payday]: OutputKey.PaydayStateMachineArn,
};

/**
 * A stack's names, from the outputs recorded for its target: a deployed stack's, or the local
 * target's (the template its host applied, localTarget.ts).
 */
export function namesFromOutputs(target: Pick<AwsTarget, 'name' | 'stackName' | 'outputs'>): BackendNames {
  const output = (key: OutputKey): string => {
    const value = target.outputs[key];
    if (typeof value !== 'string' || value === '') {
      throw new InfrastructureError(
        'TARGET_OUTPUT_MISSING',
        `Target ${target.name}'s stack ${target.stackName} has no output ${key}; redeploy it with this CLI (payroll-ops deploy --target ${target.name}) or import it again (payroll-ops target add ${target.name}).`,
      );
    }
    return value;
  };
  const queueUrls: Record<string, string> = {};
  const queues = {} as Record<OutboxQueue, string>;
  const dlqs = {} as Record<OutboxQueue, string>;
  for (const queue of OUTBOX_QUEUES) {
    const url = output(QUEUE_OUTPUTS[queue].queue);
    const dlqUrl = output(QUEUE_OUTPUTS[queue].dlq);
    queues[queue] = queueNameOfUrl(url);
    dlqs[queue] = queueNameOfUrl(dlqUrl);
    queueUrls[queues[queue]] = url;
    queueUrls[dlqs[queue]] = dlqUrl;
  }
  const stateMachineArns = Object.fromEntries(
    Object.entries(MACHINE_OUTPUTS)
      .filter(([, key]) => key !== undefined)
      .map(([machine, key]) => [machine, output(key)]),
  ) as BackendNames['stateMachineArns'];
  return {
    dataTable: output(OutputKey.DataTableName),
    idempotencyTable: output(OutputKey.IdempotencyTableName),
    queues,
    dlqs,
    queueUrls,
    stateMachineArns,
    artifactsBucket: output(OutputKey.ArtifactsBucketName),
    ...(target.outputs[OutputKey.DefinitionHash]
      ? { definitionHash: target.outputs[OutputKey.DefinitionHash] }
      : {}),
  };
}
