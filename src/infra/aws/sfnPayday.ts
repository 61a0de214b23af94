/** The payday machine's executions over Step Functions (`schedule run-due`). */
import type { SFNClient } from '@aws-sdk/client-sfn';
import type { ExecutionStatus, PaydayExecution, PaydayExecutions } from '../../core/ports.js';
import { translateAwsError } from './awsErrors.js';
import { sfnSdk } from './sdk.js';

const { DescribeExecutionCommand, StartExecutionCommand } = sfnSdk;

export function createPaydayExecutions(sfn: SFNClient, stateMachineArn: string): PaydayExecutions {
  return {
    async start(name, input) {
      try {
        const out = await sfn.send(
          new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(input) }),
        );
        return { executionArn: out.executionArn ?? '' };
      } catch (error) {
        throw translateAwsError(`start payday execution ${name}`, error);
      }
    },
    async describe(executionArn): Promise<PaydayExecution> {
      try {
        const out = await sfn.send(new DescribeExecutionCommand({ executionArn }));
        return {
          status: out.status as ExecutionStatus,
          ...(out.output !== undefined ? { output: out.output } : {}),
          ...(out.error ? { error: out.error } : {}),
          ...(out.cause ? { cause: out.cause } : {}),
        };
      } catch (error) {
        throw translateAwsError(`describe payday execution ${executionArn}`, error);
      }
    },
  };
}
