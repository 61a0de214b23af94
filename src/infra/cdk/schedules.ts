/**
 * EventBridge Scheduler schedules from the backend specification, each invoking its function with
 * its payload (the local host's scheduler fires the same list on a cron).
 */
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import type { Construct } from 'constructs';
import type { FunctionName } from '../../core/saga/functions.js';
import type { BackendSpec } from '../backendSpec.js';

export function declareSchedules(
  scope: Construct,
  spec: BackendSpec,
  functions: ReadonlyMap<FunctionName, lambda.IFunction>,
): readonly scheduler.Schedule[] {
  return spec.schedules.flatMap((schedule) => {
    const fn = functions.get(schedule.handler);
    if (!fn) return [];
    return [
      new scheduler.Schedule(scope, schedule.logicalId, {
        scheduleName: schedule.name,
        schedule: scheduler.ScheduleExpression.expression(schedule.expression),
        target: new targets.LambdaInvoke(fn, {
          input: scheduler.ScheduleTargetInput.fromObject(schedule.payload),
        }),
      }),
    ];
  });
}
