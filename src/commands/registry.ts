/**
 * Every command the CLI offers, in help order. Each module exports one `register` function that
 * adds its command (with an example in its help) to the program.
 */
import type { Command } from 'commander';
import { registerAudit } from './audit.js';
import { registerDemo } from './demo.js';
import { registerDeploy } from './deploy.js';
import { registerDlq } from './dlq.js';
import { registerEmployees } from './employees.js';
import { registerEmployer } from './employer.js';
import { registerIdempotency } from './idempotency.js';
import { registerLocal } from './local.js';
import { registerLocalFaults } from './localFaults.js';
import { registerPreview } from './preview.js';
import { registerRedrive } from './redrive.js';
import { registerRollback } from './rollback.js';
import { registerRun } from './run.js';
import { registerStatus } from './status.js';
import { registerTarget } from './target.js';
import { registerVerify } from './verify.js';
import { registerWatch } from './watch.js';

export type RegisterCommand = (program: Command) => void;

export const COMMANDS: readonly RegisterCommand[] = [
  registerDemo,
  registerPreview,
  registerEmployer,
  registerEmployees,
  registerRun,
  registerLocal,
  registerLocalFaults,
  registerStatus,
  registerWatch,
  registerRollback,
  registerRedrive,
  registerIdempotency,
  registerDlq,
  registerAudit,
  registerVerify,
  registerDeploy,
  registerTarget,
];
