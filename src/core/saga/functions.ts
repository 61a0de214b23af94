/**
 * The Lambda functions and state machines of the backend, by role. A value is the suffix of the
 * physical name, which the backend specification prefixes with the stack name
 * (`payroll-ops-open-run` for the local stack `payroll-ops`), so two stacks never collide; it is
 * also the key a handler is registered under. The state machine definitions never name a
 * function: they hold a placeholder per function, which CDK fills in with `definitionSubstitutions`
 * and the local host with its own functions, so the definition is the same object for both.
 */
export const FunctionName = {
  OpenRun: 'open-run',
  CalculatePayChunk: 'calculate-pay-chunk',
  FundPayroll: 'fund-payroll',
  PostLedger: 'post-ledger',
  Disburse: 'disburse',
  CheckDisbursement: 'check-disbursement',
  PublishPayslips: 'publish-payslips',
  CloseRun: 'close-run',
  BeginRollback: 'begin-rollback',
  Compensate: 'compensate',
  RecordCompensationFailure: 'record-compensation-failure',
  FinishRollback: 'finish-rollback',
  BankGateway: 'bank-gateway',
  PayslipDelivery: 'payslip-delivery',
  OffCycleApi: 'off-cycle-api',
  /** The payday machine: who is due, start one employer's run, the report. */
  PlanPayday: 'plan-payday',
  StartScheduledRun: 'start-scheduled-run',
  ReportPayday: 'report-payday',
  /** On a schedule: moves dead letters back to their queues a bounded number of times. */
  RedriveDeadLetters: 'redrive-dead-letters',
} as const;
export type FunctionName = (typeof FunctionName)[keyof typeof FunctionName];

export const StateMachineName = {
  PayRun: 'pay-run',
  Rollback: 'rollback',
  /** Daily: starts the regular run of every employer whose schedule is due. */
  Payday: 'payday',
} as const;
export type StateMachineName = (typeof StateMachineName)[keyof typeof StateMachineName];

type FunctionKey = keyof typeof FunctionName;
const KEY_OF_FUNCTION = new Map<FunctionName, FunctionKey>(
  (Object.entries(FunctionName) as [FunctionKey, FunctionName][]).map(([key, name]) => [name, key]),
);

/** The substitution variable a definition uses for a function's ARN, e.g. `OpenRunFunctionArn`. */
export function functionArnVariable(name: FunctionName): string {
  return `${KEY_OF_FUNCTION.get(name) ?? name}FunctionArn`;
}

/** The placeholder for a function in a definition: `${OpenRunFunctionArn}`. */
export function functionArnPlaceholder(name: FunctionName): string {
  return `\${${functionArnVariable(name)}}`;
}

/**
 * Settings that differ per target and reach the state machine as substitutions too: the pay run
 * reads them into `$.settings` in its first state (see definition.ts).
 */
export const DefinitionSetting = {
  /** Chunks of CalculatePay in flight at once (small locally, sized for throughput on AWS). */
  CalculatePayMaxConcurrency: 'CalculatePayMaxConcurrency',
} as const;
export type DefinitionSetting = (typeof DefinitionSetting)[keyof typeof DefinitionSetting];

export function settingPlaceholder(setting: DefinitionSetting): string {
  return `\${${setting}}`;
}
