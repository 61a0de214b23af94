/** ExecutionPort over Step Functions: the run id is the execution name, so a duplicate start is refused by SFN too. */
import { ExecutionAlreadyExists, type SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { OperationFailedError } from '../../core/errors.js';
import type { ExecutionPort } from '../../core/ports.js';
import { StateMachineName } from '../../core/saga/functions.js';
import { translateAwsError } from './awsErrors.js';

export function stateMachineArn(region: string, accountId: string, name: string): string {
  return `arn:aws:states:${region}:${accountId}:stateMachine:${name}`;
}

export function executionArnOf(stateMachine: string, name: string): string {
  return `${stateMachine.replace(':stateMachine:', ':execution:')}:${name}`;
}

export function createExecutionPort(sfn: SFNClient, arnOf: (name: string) => string): ExecutionPort {
  async function start(machine: string, name: string, input: unknown) {
    try {
      const out = await sfn.send(
        new StartExecutionCommand({ stateMachineArn: arnOf(machine), name, input: JSON.stringify(input) }),
      );
      return { executionArn: out.executionArn ?? executionArnOf(arnOf(machine), name) };
    } catch (error) {
      if (error instanceof ExecutionAlreadyExists) {
        throw new OperationFailedError('RUN_EXISTS', `An execution named ${name} already exists.`, {
          cause: error,
        });
      }
      throw translateAwsError(`start execution ${name}`, error);
    }
  }
  return {
    startPayRun: (name, input) => start(StateMachineName.PayRun, name, input),
    startRollback: (name, input) => start(StateMachineName.Rollback, name, input),
  };
}
