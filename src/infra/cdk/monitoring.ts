/**
 * What an operator must hear about: a message parked in any DLQ, a pay run that failed (rolled
 * back or worse), and a run that ended COMPENSATION_FAILED — money that may not have come back,
 * which needs manual recovery. The last is counted from the state machines' own logs: both
 * machines end such a run in the Fail state whose error is `CompensationFailed`.
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { StateMachineName } from '../../core/saga/functions.js';
import type { BackendSpec } from '../backendSpec.js';
import type { DeclaredStateMachine } from './stateMachines.js';
import type { Storage } from './storage.js';

export const METRIC_NAMESPACE = 'payroll-ops';
export const COMPENSATION_FAILED_METRIC = 'RunsCompensationFailed';
/** The Fail state's error that ends a run COMPENSATION_FAILED (src/core/saga/definition.ts). */
const COMPENSATION_FAILED_ERROR = 'CompensationFailed';

export function declareAlarms(
  scope: Construct,
  spec: BackendSpec,
  storage: Storage,
  machines: ReadonlyMap<StateMachineName, DeclaredStateMachine>,
): readonly cloudwatch.Alarm[] {
  const alarms: cloudwatch.Alarm[] = [];
  for (const queueSpec of spec.queues) {
    const dlq = storage.queues.get(queueSpec.outbox)?.dlq;
    if (!dlq) continue;
    alarms.push(
      new cloudwatch.Alarm(scope, `${queueSpec.logicalId}DlqAlarm`, {
        alarmName: `${queueSpec.dlq.name}-not-empty`,
        alarmDescription: `Messages are parked in ${queueSpec.dlq.name}: see payroll-ops dlq list.`,
        metric: dlq.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1) }),
        threshold: 0,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
    );
  }
  const payRun = machines.get(StateMachineName.PayRun);
  if (payRun) {
    alarms.push(
      new cloudwatch.Alarm(scope, 'PayRunFailedAlarm', {
        alarmName: `${payRun.spec.name}-failed`,
        alarmDescription: 'A pay run failed and was rolled back (or could not be): see payroll-ops status.',
        metric: payRun.machine.metricFailed({ period: Duration.minutes(1), statistic: 'Sum' }),
        threshold: 0,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
    );
  }
  const metricName = `${COMPENSATION_FAILED_METRIC}-${spec.stackName}`;
  for (const { spec: machineSpec, logGroup } of machines.values()) {
    new logs.MetricFilter(scope, `${machineSpec.logicalId}CompensationFailedFilter`, {
      logGroup,
      metricNamespace: METRIC_NAMESPACE,
      metricName,
      filterPattern: logs.FilterPattern.all(
        logs.FilterPattern.stringValue('$.type', '=', 'ExecutionFailed'),
        logs.FilterPattern.stringValue('$.details.error', '=', COMPENSATION_FAILED_ERROR),
      ),
      metricValue: '1',
    });
  }
  alarms.push(
    new cloudwatch.Alarm(scope, 'CompensationFailedAlarm', {
      alarmName: `${spec.stackName}-compensation-failed`,
      alarmDescription: 'A run ended COMPENSATION_FAILED and needs manual recovery: see payroll-ops status.',
      metric: new cloudwatch.Metric({
        namespace: METRIC_NAMESPACE,
        metricName,
        statistic: 'Sum',
        period: Duration.minutes(1),
      }),
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    }),
  );
  return alarms;
}
