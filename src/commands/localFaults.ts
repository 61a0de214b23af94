/** `payroll-ops local faults set|clear|show`: fault injection on the local target, never on AWS. */
import type { Command } from 'commander';
import {
  clearFaults,
  type FaultPlan,
  parseFaultAssignments,
  readFaults,
  writeFaults,
} from '../infra/local/faults.js';
import { ensurePrivateFolder } from '../infra/local/privateFolder.js';
import { type CommandContext, contextFor } from './context.js';
import { requireLocalTarget } from './localOnly.js';

function show(ctx: CommandContext, plan: FaultPlan): void {
  if (ctx.io.json) {
    ctx.io.dataJson({ faults: plan });
    return;
  }
  const entries = Object.entries(plan);
  if (entries.length === 0) ctx.io.info('No faults set.');
  for (const [target, mode] of entries) ctx.io.data(`${target}=${mode}`);
}

export function registerLocalFaults(program: Command): void {
  const local = program.commands.find((command) => command.name() === 'local');
  if (!local) return;
  const faults = local
    .command('faults')
    .description('inject faults into the local backend (local target only)');
  faults
    .command('set <assignments...>')
    .description(
      'set faults as STEP=MODE: fail-before|fail-after|fail-compensation|hang per step, bank=reject|timeout',
    )
    .addHelpText(
      'after',
      '\nExamples:\n  $ payroll-ops local faults set FundPayroll=fail-after\n  $ payroll-ops local faults set Disburse=fail-compensation bank=reject',
    )
    .action((assignments: string[], _raw: unknown, command: Command) => {
      const ctx = contextFor(command);
      requireLocalTarget(ctx, 'Fault injection');
      const plan = { ...readFaults(ctx.env.home), ...parseFaultAssignments(assignments) };
      ensurePrivateFolder(ctx.env.home, (message) => ctx.io.warn(message));
      writeFaults(ctx.env.home, plan);
      show(ctx, plan);
    });
  faults
    .command('clear')
    .description('remove every injected fault')
    .addHelpText('after', '\nExample:\n  $ payroll-ops local faults clear')
    .action((_raw: unknown, command: Command) => {
      const ctx = contextFor(command);
      requireLocalTarget(ctx, 'Fault injection');
      clearFaults(ctx.env.home);
      ctx.io.success('Faults cleared.');
    });
  faults
    .command('show')
    .description('print the faults in force')
    .addHelpText('after', '\nExample:\n  $ payroll-ops --output json local faults show')
    .action((_raw: unknown, command: Command) => {
      const ctx = contextFor(command);
      requireLocalTarget(ctx, 'Fault injection');
      show(ctx, readFaults(ctx.env.home));
    });
}
