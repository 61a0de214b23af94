/**
 * The pay-run saga, the rollback saga and the payday machine as Amazon States Language, as data. The same objects
 * are deployed by CDK and run by the embedded stack, so they use only features that behave the
 * same in both: no JSONata, Assign, ItemReader or `.waitForTaskToken`. Waiting for the bank is a
 * Wait/Choice polling loop instead of a task token.
 */
import { DefinitionSetting, FunctionName, functionArnPlaceholder, settingPlaceholder } from './functions.js';
import { COMPENSABLE_STEPS, compensationOrder, FORWARD_STEPS, StepName } from './steps.js';

type State = Record<string, unknown>;
export interface StateMachineDefinition {
  readonly Comment: string;
  readonly StartAt: string;
  readonly TimeoutSeconds?: number;
  readonly States: Readonly<Record<string, State>>;
}

/** Errors worth retrying: our TransientError, Lambda's own service faults, and a concurrent duplicate in progress. */
export const TRANSIENT_ERRORS = [
  'TransientError',
  'IdempotencyAlreadyInProgressError',
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
] as const;

/**
 * How long the bank gateway has to transmit the credit file, counted from Disburse, before the run
 * fails with BANK_TIMEOUT and rolls back (the pending file is cancelled, so a late delivery sends
 * nothing). Fifteen minutes covers a 100k-employee file and every delivery the gateway's queue
 * makes before dead-lettering (3 receives × its 120 s visibility timeout).
 */
export const BANK_CONFIRMATION_DEADLINE_SECONDS = 900;
/** The wait between checks grows by half from 1 s up to this: prompt for a small run, cheap for a slow bank. */
export const MAX_BANK_WAIT_SECONDS = 30;
/** Employees per CalculatePay chunk: small enough that one chunk's roster snapshot fits a DynamoDB item. */
export const CHUNK_SIZE = 250;

/**
 * A step whose previous invocation died mid-way (a crashed host, a Lambda timeout) finds its
 * idempotency record in progress until that invocation's deadline (the 300 s function timeout).
 * Retrying for longer than that lets the retry take the record over instead of rolling back a run
 * whose step may well have made its effect — for CloseRun, a run that is already complete.
 */
const IN_PROGRESS_RETRY = {
  ErrorEquals: ['IdempotencyAlreadyInProgressError'],
  IntervalSeconds: 5,
  MaxAttempts: 10,
  BackoffRate: 1.5,
};

const forwardRetry = [
  IN_PROGRESS_RETRY,
  {
    ErrorEquals: TRANSIENT_ERRORS.filter((e) => e !== 'IdempotencyAlreadyInProgressError'),
    IntervalSeconds: 1,
    MaxAttempts: 3,
    BackoffRate: 2,
  },
];
/**
 * A compensation is retried on any error before it is recorded as failed: undoing must try hard.
 * Transient errors (a reversal the bank gateway has not sent yet, throttling) get a longer, gentler
 * schedule — about 45 s in all — so a large run's reversal is not declared failed while in transit.
 */
const compensationRetry = [
  { ErrorEquals: ['TransientError'], IntervalSeconds: 1, MaxAttempts: 10, BackoffRate: 1.3 },
  { ErrorEquals: ['States.ALL'], IntervalSeconds: 1, MaxAttempts: 2, BackoffRate: 2 },
];

function invoke(functionName: FunctionName, payload: Record<string, unknown>): State {
  return {
    Type: 'Task',
    Resource: 'arn:aws:states:::lambda:invoke',
    Parameters: { FunctionName: functionArnPlaceholder(functionName), Payload: payload },
    ResultSelector: { 'value.$': '$.Payload' },
    TimeoutSeconds: 300,
  };
}

const runRef = { 'runId.$': '$.runId' };

const compensateState = (step: StepName): string => `Compensate${step}`;
const recordFailureState = (step: StepName): string => `CompensationFailed${step}`;
const failState = (step: StepName): string => `Failed${step}`;

/**
 * Compensate<S> → the compensation of the step before S … → FinishRollback. On a failure:
 * CompensationFailed<S> → FinishRollback — the rollback halts, older steps are recorded NOT_RUN.
 */
function compensationStates(): Record<string, State> {
  const states: Record<string, State> = {};
  COMPENSABLE_STEPS.forEach((step, index) => {
    const next = index === 0 ? 'FinishRollback' : compensateState(COMPENSABLE_STEPS[index - 1] as StepName);
    states[compensateState(step)] = {
      ...invoke(FunctionName.Compensate, { ...runRef, step }),
      ResultPath: null,
      Retry: compensationRetry,
      Catch: [
        { ErrorEquals: ['States.ALL'], ResultPath: '$.compensationFailure', Next: recordFailureState(step) },
      ],
      Next: next,
    };
    states[recordFailureState(step)] = {
      ...invoke(FunctionName.RecordCompensationFailure, {
        ...runRef,
        step,
        'error.$': '$.compensationFailure.Error',
        'cause.$': '$.compensationFailure.Cause',
      }),
      ResultPath: null,
      Retry: forwardRetry,
      Next: 'FinishRollback',
    };
  });
  states.FinishRollback = {
    ...invoke(FunctionName.FinishRollback, runRef),
    ResultPath: '$.rollback',
    Retry: forwardRetry,
    Next: 'RollbackOutcome',
  };
  states.RollbackOutcome = {
    Type: 'Choice',
    Choices: [{ Variable: '$.rollback.value.status', StringEquals: 'ROLLED_BACK', Next: 'RolledBack' }],
    Default: 'CompensationIncomplete',
  };
  states.RolledBack = {
    Type: 'Fail',
    Error: 'RunRolledBack',
    Cause: 'Every completed step was compensated.',
  };
  states.CompensationIncomplete = {
    Type: 'Fail',
    Error: 'CompensationFailed',
    Cause: 'At least one compensation failed; the run needs manual recovery (see payroll-ops status).',
  };
  return states;
}

/** Failed<S>: records which step failed and why, marks the run ROLLING_BACK, then compensates from S down. */
function failureStates(): Record<string, State> {
  const states: Record<string, State> = {};
  for (const step of FORWARD_STEPS) {
    const firstCompensation = compensationOrder(step)[0] as StepName;
    states[failState(step)] = {
      ...invoke(FunctionName.BeginRollback, {
        ...runRef,
        failedStep: step,
        'error.$': '$.failure.Error',
        'cause.$': '$.failure.Cause',
      }),
      ResultPath: null,
      Retry: forwardRetry,
      Next: compensateState(firstCompensation),
    };
  }
  return states;
}

function forwardTask(step: StepName, functionName: FunctionName, next: string): State {
  return {
    ...invoke(functionName, runRef),
    ResultPath: `$.${step}`,
    Retry: forwardRetry,
    Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.failure', Next: failState(step) }],
    Next: next,
  };
}

/** Where the first state puts the target's settings; later states read them with paths. */
const SETTINGS_PATH = '$.settings';
const MAX_CONCURRENCY_FIELD = 'calculatePayMaxConcurrency';

/**
 * The target's settings as numbers in the state data. They arrive as substitutions (text), and a
 * number field such as MaxConcurrency cannot hold a placeholder and stay valid JSON, so the
 * placeholder sits in a string that States.StringToJson turns into a number; the Map then reads it
 * with MaxConcurrencyPath. One definition serves every target, local and AWS, and a failure here
 * (a placeholder left unfilled) ends the run before OpenRun has made any effect.
 */
const settingsState: State = {
  Type: 'Pass',
  Parameters: {
    [`${MAX_CONCURRENCY_FIELD}.$`]: `States.StringToJson('${settingPlaceholder(DefinitionSetting.CalculatePayMaxConcurrency)}')`,
  },
  ResultPath: SETTINGS_PATH,
  Next: StepName.OpenRun,
};

export const payRunDefinition: StateMachineDefinition = {
  Comment: 'payroll-ops pay run: a saga whose completed steps are compensated in reverse order on failure',
  StartAt: 'LoadSettings',
  TimeoutSeconds: 86_400,
  States: {
    LoadSettings: settingsState,
    [StepName.OpenRun]: {
      ...invoke(FunctionName.OpenRun, { ...runRef, 'request.$': '$' }),
      ResultPath: '$.OpenRun',
      Retry: forwardRetry,
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.failure', Next: failState(StepName.OpenRun) }],
      Next: StepName.CalculatePay,
    },
    [StepName.CalculatePay]: {
      Type: 'Map',
      ItemsPath: '$.OpenRun.value.chunks',
      ItemSelector: { 'runId.$': '$.runId', 'chunk.$': '$$.Map.Item.Value' },
      MaxConcurrencyPath: `${SETTINGS_PATH}.${MAX_CONCURRENCY_FIELD}`,
      ItemProcessor: {
        ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'EXPRESS' },
        StartAt: 'CalculateChunk',
        States: {
          CalculateChunk: {
            Type: 'Task',
            Resource: 'arn:aws:states:::lambda:invoke',
            Parameters: {
              FunctionName: functionArnPlaceholder(FunctionName.CalculatePayChunk),
              'Payload.$': '$',
            },
            ResultSelector: { 'employees.$': '$.Payload.employees' },
            TimeoutSeconds: 300,
            Retry: forwardRetry,
            End: true,
          },
        },
      },
      ResultPath: null,
      Catch: [
        { ErrorEquals: ['States.ALL'], ResultPath: '$.failure', Next: failState(StepName.CalculatePay) },
      ],
      Next: StepName.FundPayroll,
    },
    [StepName.FundPayroll]: forwardTask(StepName.FundPayroll, FunctionName.FundPayroll, StepName.PostLedger),
    [StepName.PostLedger]: forwardTask(StepName.PostLedger, FunctionName.PostLedger, StepName.Disburse),
    [StepName.Disburse]: forwardTask(StepName.Disburse, FunctionName.Disburse, 'WaitForBank'),
    WaitForBank: { Type: 'Wait', SecondsPath: '$.Disburse.value.waitSeconds', Next: 'CheckDisbursement' },
    CheckDisbursement: {
      ...invoke(FunctionName.CheckDisbursement, { ...runRef, 'checks.$': '$.Disburse.value.checks' }),
      ResultPath: '$.Disburse',
      Retry: forwardRetry,
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.failure', Next: failState(StepName.Disburse) }],
      Next: 'BankAccepted',
    },
    BankAccepted: {
      Type: 'Choice',
      Choices: [
        { Variable: '$.Disburse.value.status', StringEquals: 'TRANSMITTED', Next: StepName.PublishPayslips },
      ],
      Default: 'WaitForBank',
    },
    [StepName.PublishPayslips]: forwardTask(
      StepName.PublishPayslips,
      FunctionName.PublishPayslips,
      StepName.CloseRun,
    ),
    [StepName.CloseRun]: {
      ...invoke(FunctionName.CloseRun, runRef),
      ResultPath: '$.CloseRun',
      Retry: forwardRetry,
      // A run that cannot be closed compensates everything rather than stay half-open.
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.failure', Next: failState(StepName.CloseRun) }],
      Next: 'Completed',
    },
    Completed: { Type: 'Succeed' },
    ...failureStates(),
    ...compensationStates(),
  },
};

/**
 * The operator's rollback: the same compensation states as the saga's Catch path, entered at the
 * last step that has something to undo (`$.fromStep`, chosen by the rollback plan).
 */
export const rollbackDefinition: StateMachineDefinition = {
  Comment: 'payroll-ops rollback: compensations of a pay run on demand, in reverse order',
  StartAt: 'BeginOperatorRollback',
  TimeoutSeconds: 86_400,
  States: {
    BeginOperatorRollback: {
      ...invoke(FunctionName.BeginRollback, {
        ...runRef,
        'failedStep.$': '$.fromStep',
        error: 'OperatorRollback',
        'cause.$': '$.reason',
      }),
      ResultPath: null,
      Retry: forwardRetry,
      Next: 'EnterCompensation',
    },
    EnterCompensation: {
      Type: 'Choice',
      Choices: COMPENSABLE_STEPS.map((step) => ({
        Variable: '$.fromStep',
        StringEquals: step,
        Next: compensateState(step),
      })),
      Default: 'FinishRollback',
    },
    ...compensationStates(),
  },
};

/** Transient failures only: a start that failed for a reason of its own is reported, not repeated. */
const transientRetry = [
  {
    ErrorEquals: TRANSIENT_ERRORS.filter((e) => e !== 'IdempotencyAlreadyInProgressError'),
    IntervalSeconds: 1,
    MaxAttempts: 3,
    BackoffRate: 2,
  },
];

/**
 * Employers whose starts run at once. A start is a few reads and conditional writes (and a check
 * of the roster), and each started run then runs on its own: the limit keeps a payday of many
 * employers from bursting the data table, not the runs themselves.
 */
export const PAYDAY_MAX_CONCURRENCY = 10;
/** Seconds a start may take: it validates the whole roster (gross-to-net) before writing. */
const START_TIMEOUT_SECONDS = 120;

/**
 * The payday machine, triggered daily (EventBridge Scheduler on AWS, the host's scheduler
 * locally) or by `schedule run-due`, with `{ asOf }` (a date, or the scheduler's timestamp): lists
 * who is due, fans out over them — a distributed Map of EXPRESS children fed by ItemsPath — to
 * start each employer's regular run through the start action, and reports. A failed start is
 * caught inside its iteration and reported; it never stops the other employers. A second
 * trigger starts nothing again: the plan reads the runs already made, and the period lock
 * refuses a start that raced it.
 */
export const paydayDefinition: StateMachineDefinition = {
  Comment: 'payroll-ops payday: starts the regular run of every employer whose schedule is due on a day',
  StartAt: 'PlanPayday',
  TimeoutSeconds: 3_600,
  States: {
    PlanPayday: {
      ...invoke(FunctionName.PlanPayday, { 'asOf.$': '$.asOf' }),
      ResultPath: '$.plan',
      Retry: transientRetry,
      Next: 'StartDueRuns',
    },
    StartDueRuns: {
      Type: 'Map',
      ItemsPath: '$.plan.value.due',
      MaxConcurrency: PAYDAY_MAX_CONCURRENCY,
      ItemProcessor: {
        ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'EXPRESS' },
        StartAt: 'StartRegularRun',
        States: {
          StartRegularRun: {
            Type: 'Task',
            Resource: 'arn:aws:states:::lambda:invoke',
            Parameters: {
              FunctionName: functionArnPlaceholder(FunctionName.StartScheduledRun),
              'Payload.$': '$',
            },
            OutputPath: '$.Payload',
            TimeoutSeconds: START_TIMEOUT_SECONDS,
            Retry: transientRetry,
            Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.failure', Next: 'StartFailed' }],
            End: true,
          },
          // One employer's failure is its result: { employerId, error, cause }.
          StartFailed: {
            Type: 'Pass',
            Parameters: {
              'employerId.$': '$.employerId',
              'error.$': '$.failure.Error',
              'cause.$': '$.failure.Cause',
            },
            End: true,
          },
        },
      },
      ResultPath: '$.results',
      Next: 'ReportPayday',
    },
    ReportPayday: {
      ...invoke(FunctionName.ReportPayday, {
        'asOf.$': '$.plan.value.asOf',
        'skipped.$': '$.plan.value.skipped',
        'results.$': '$.results',
      }),
      Retry: transientRetry,
      // The execution's output is the report: { asOf, started, skipped, failed }.
      OutputPath: '$.value',
      End: true,
    },
  },
};
