/** The stack's outputs, one per entry of the specification: every name the CLI needs. */
import { CfnOutput } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { StateMachineName } from '../../core/saga/functions.js';
import { type BackendSpec, definitionHash, type OutputValue } from '../backendSpec.js';
import type { DeclaredApi } from './api.js';
import type { DeclaredStateMachine } from './stateMachines.js';
import type { Storage } from './storage.js';

export interface OutputSources {
  readonly storage: Storage;
  readonly machines: ReadonlyMap<StateMachineName, DeclaredStateMachine>;
  readonly api: DeclaredApi;
}

function resolveOutput(value: OutputValue, sources: OutputSources): string {
  switch (value.kind) {
    case 'table-name':
      return (value.table === 'data' ? sources.storage.dataTable : sources.storage.idempotencyTable)
        .tableName;
    case 'bucket-name':
      return sources.storage.artifacts.bucketName;
    case 'queue-url': {
      const pair = sources.storage.queues.get(value.queue);
      return (value.dlq ? pair?.dlq : pair?.queue)?.queueUrl ?? '';
    }
    case 'state-machine-arn':
      return sources.machines.get(value.machine)?.machine.stateMachineArn ?? '';
    case 'api-url':
      return sources.api.api.url;
    case 'definition-hash':
      return definitionHash();
  }
}

export function declareOutputs(scope: Construct, spec: BackendSpec, sources: OutputSources): void {
  for (const output of spec.outputs) {
    new CfnOutput(scope, output.key, {
      description: output.description,
      value: resolveOutput(output.value, sources),
    });
  }
}
