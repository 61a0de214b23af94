/**
 * EventBridge Scheduler schedules from the backend specification: each invokes its function with
 * its payload, or starts its state machine with its input (the local host's scheduler fires the
 * same list on a cron). Each schedule assumes its own role, which its target grants exactly the
 * one action on the one resource (lambda:InvokeFunction, states:StartExecution).
 */
import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import type { Construct } from 'constructs';
import type { FunctionName, StateMachineName } from '../../core/saga/functions.js';
import type { BackendSchedule, BackendSpec } from '../backendSpec.js';
import type { DeclaredStateMachine } from './stateMachines.js';

export interface DeclaredSchedule {
  readonly spec: BackendSchedule;
  readonly schedule: scheduler.Schedule;
  /** The role EventBridge Scheduler assumes to reach the target. */
  readonly role: iam.Role;
  /** The function it invokes, for a function target. */
  readonly invokes?: lambda.IFunction;
}

/** Scheduler may assume it only for schedules of this account (confused deputy). */
function schedulerRole(scope: Construct, schedule: BackendSchedule): iam.Role {
  return new iam.Role(scope, `${schedule.logicalId}Role`, {
    assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
      conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(scope).account } },
    }),
  });
}

function targetOf(
  schedule: BackendSchedule,
  role: iam.Role,
  functions: ReadonlyMap<FunctionName, lambda.IFunction>,
  machines: ReadonlyMap<StateMachineName, DeclaredStateMachine>,
): { readonly target: scheduler.IScheduleTarget; readonly invokes?: lambda.IFunction } | undefined {
  const { target } = schedule;
  switch (target.kind) {
    case 'function': {
      const fn = functions.get(target.handler);
      if (!fn) return undefined;
      const input = scheduler.ScheduleTargetInput.fromObject(target.payload);
      return { target: new targets.LambdaInvoke(fn, { input, role }), invokes: fn };
    }
    case 'state-machine': {
      const machine = machines.get(target.machine)?.machine;
      if (!machine) return undefined;
      // A failed StartExecution is retried a few times, not Scheduler's default 185: a payday
      // trigger that cannot start for an hour is an incident, and the next day's trigger catches up.
      const input = scheduler.ScheduleTargetInput.fromObject(target.input);
      return { target: new targets.StepFunctionsStartExecution(machine, { input, role, retryAttempts: 3 }) };
    }
  }
}

export function declareSchedules(
  scope: Construct,
  spec: BackendSpec,
  functions: ReadonlyMap<FunctionName, lambda.IFunction>,
  machines: ReadonlyMap<StateMachineName, DeclaredStateMachine>,
): readonly DeclaredSchedule[] {
  return spec.schedules.flatMap((schedule) => {
    const role = schedulerRole(scope, schedule);
    const resolved = targetOf(schedule, role, functions, machines);
    if (!resolved) return [];
    const declared = new scheduler.Schedule(scope, schedule.logicalId, {
      scheduleName: schedule.name,
      description: schedule.description,
      schedule: scheduler.ScheduleExpression.expression(schedule.expression),
      target: resolved.target,
    });
    return [
      {
        spec: schedule,
        schedule: declared,
        role,
        ...(resolved.invokes ? { invokes: resolved.invokes } : {}),
      },
    ];
  });
}
