/**
 * Every command the CLI offers, in help order. Each command module exports one `register`
 * function that adds its command (with an example in its help) to the program; it is imported
 * only when that command runs, so `--version`, `--help` and light commands never load the AWS
 * SDK, the emulators or the payroll engine. The root help lists each command by the `term` and
 * `summary` kept here (test/unit/registry.test.ts checks they equal what the module registers).
 */
import type { Command } from 'commander';

export type RegisterCommand = (program: Command) => void;

export interface CommandEntry {
  readonly name: string;
  /** How the root help names it: the name, `[options]` if it has any, its arguments. */
  readonly term: string;
  /** Its description, as the root help shows it. */
  readonly summary: string;
  /** Imports the command's module(s); their register functions, in order. */
  readonly load: () => Promise<readonly RegisterCommand[]>;
}

export const COMMANDS: readonly CommandEntry[] = [
  {
    name: 'demo',
    term: 'demo [options]',
    summary: 'set up the example employer and roster (if absent), run the current month and watch it',
    load: async () => [(await import('./demo.js')).registerDemo],
  },
  {
    name: 'preview',
    term: 'preview [options]',
    summary: 'compute a pay run from a roster CSV and show every payslip; touches no backend',
    load: async () => [(await import('./preview.js')).registerPreview],
  },
  {
    name: 'employer',
    term: 'employer',
    summary: 'set up the employers whose payrolls run here',
    load: async () => [(await import('./employer.js')).registerEmployer],
  },
  {
    name: 'employees',
    term: 'employees',
    summary: "manage an employer's roster in the store",
    load: async () => [(await import('./employees.js')).registerEmployees],
  },
  {
    name: 'run',
    term: 'run [options]',
    summary: 'start a pay run for a period (a saga on the backend) and print its id',
    load: async () => [(await import('./run.js')).registerRun],
  },
  {
    name: 'schedule',
    term: 'schedule',
    summary: 'pay schedules of employers, and the payday that starts their due runs',
    load: async () => [(await import('./schedule.js')).registerSchedule],
  },
  {
    name: 'local',
    term: 'local',
    summary: 'manage the embedded local stack (DynamoDB, SQS, Step Functions emulators on 127.0.0.1)',
    load: async () => {
      const [local, faults, env] = await Promise.all([
        import('./local.js'),
        import('./localFaults.js'),
        import('./localEnv.js'),
      ]);
      return [local.registerLocal, faults.registerLocalFaults, env.registerLocalEnv];
    },
  },
  {
    name: 'status',
    term: 'status [options] [run]',
    summary: 'show recent pay runs, or one run: its steps, totals, compensations and artifacts',
    load: async () => [(await import('./status.js')).registerStatus],
  },
  {
    name: 'watch',
    term: 'watch [options] <run>',
    summary: 'follow a pay run live until it completes or rolls back (exit 0 only when COMPLETED)',
    load: async () => [(await import('./watch.js')).registerWatch],
  },
  {
    name: 'rollback',
    term: 'rollback [options] <run>',
    summary: 'undo a pay run: plan, confirm, then run its compensations (completed, stuck or failed runs)',
    load: async () => [(await import('./rollback.js')).registerRollback],
  },
  {
    name: 'redrive',
    term: 'redrive [options] <run>',
    summary: 'restart a failed pay run from the state that failed (RedriveExecution), then follow it',
    load: async () => [(await import('./redrive.js')).registerRedrive],
  },
  {
    name: 'idempotency',
    term: 'idempotency',
    summary: 'inspect and expire the idempotency records that guard each step (Powertools)',
    load: async () => [(await import('./idempotency.js')).registerIdempotency],
  },
  {
    name: 'dlq',
    term: 'dlq',
    summary: 'inspect and redrive the dead-letter queues of the bank gateway and payslip delivery',
    load: async () => [(await import('./dlq.js')).registerDlq],
  },
  {
    name: 'audit',
    term: 'audit [options]',
    summary: 'list operator actions that changed state: who, when, what, run and reason (newest first)',
    load: async () => [(await import('./audit.js')).registerAudit],
  },
  {
    name: 'verify',
    term: 'verify <run>',
    summary:
      'recompute a run and compare: payslips, totals, journals, ACH files, funding, rollback counterparts',
    load: async () => [(await import('./verify.js')).registerVerify],
  },
  {
    name: 'deploy',
    term: 'deploy [options]',
    summary:
      'deploy the backend: to AWS as a CloudFormation stack (CDK, in process), or to the local host (the default target)',
    load: async () => [(await import('./deploy.js')).registerDeploy],
  },
  {
    name: 'destroy',
    term: 'destroy',
    summary: "delete a target's stack (tables and the artifacts bucket are kept) and forget the target",
    load: async () => [(await import('./deploy.js')).registerDestroy],
  },
  {
    name: 'target',
    term: 'target',
    summary: 'list, import or forget deployed AWS targets (config.json in the data folder)',
    load: async () => [(await import('./target.js')).registerTarget],
  },
];
