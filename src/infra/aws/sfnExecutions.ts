/** ExecutionPort over Step Functions: the run id is the execution name, so a duplicate start is refused by SFN too. */
import type { SFNClient } from '@aws-sdk/client-sfn';
import { OperationFailedError } from '../../core/errors.js';
import type { ExecutionPort, ExecutionStatus } from '../../core/ports.js';
import { StateMachineName } from '../../core/saga/functions.js';
import { translateAwsError } from './awsErrors.js';
import { sfnSdk } from './sdk.js';

const {
  DescribeExecutionCommand,
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  ExecutionNotRedrivable,
  RedriveExecutionCommand,
  StartExecutionCommand,
  StopExecutionCommand,
} = sfnSdk;

export function stateMachineArn(region: string, accountId: string, name: string): string {
  return `arn:aws:states:${region}:${accountId}:stateMachine:${name}`;
}

export function executionArnOf(stateMachine: string, name: string): string {
  return `${stateMachine.replace(':stateMachine:', ':execution:')}:${name}`;
}

/** `arnOf` maps each state machine (its role) to the target's ARN for it. */
export function createExecutionPort(
  sfn: SFNClient,
  arnOf: (machine: StateMachineName) => string,
): ExecutionPort {
  async function start(machine: StateMachineName, name: string, input: unknown) {
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
  async function describe(executionArn: string) {
    try {
      const out = await sfn.send(new DescribeExecutionCommand({ executionArn }));
      return {
        executionArn,
        status: out.status as ExecutionStatus,
        ...(out.error ? { error: out.error } : {}),
        ...(out.cause ? { cause: out.cause } : {}),
        redriveCount: out.redriveCount ?? 0,
      };
    } catch (error) {
      if (error instanceof ExecutionDoesNotExist) return undefined;
      throw translateAwsError(`describe execution ${executionArn}`, error);
    }
  }
  return {
    startPayRun: (name, input) => start(StateMachineName.PayRun, name, input),
    startRollback: (name, input) => start(StateMachineName.Rollback, name, input),
    describe,
    describePayRun: (name) => describe(executionArnOf(arnOf(StateMachineName.PayRun), name)),
    describeRollback: (name) => describe(executionArnOf(arnOf(StateMachineName.Rollback), name)),
    async stop(executionArn, cause) {
      try {
        await sfn.send(new StopExecutionCommand({ executionArn, error: 'OperatorStop', cause }));
      } catch (error) {
        throw translateAwsError(`stop execution ${executionArn}`, error);
      }
    },
    async redrive(executionArn) {
      try {
        await sfn.send(new RedriveExecutionCommand({ executionArn }));
      } catch (error) {
        if (error instanceof ExecutionNotRedrivable) {
          throw new OperationFailedError(
            'NOT_REDRIVABLE',
            `Execution ${executionArn} cannot be redriven: ${error.message}`,
            {
              cause: error,
            },
          );
        }
        throw translateAwsError(`redrive execution ${executionArn}`, error);
      }
    },
  };
}
