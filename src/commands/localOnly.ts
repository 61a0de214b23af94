/**
 * Commands that only make sense on the embedded stack refuse any other target: with --target or
 * PAYROLL_OPS_TARGET naming a deployed stack, `local stop` or `local reset` must not act on this
 * machine as if the operator meant it. Light on purpose: `local` commands load it at start.
 */
import { BadInputError } from '../core/errors.js';
import { isTargetName, LOCAL_TARGET_NAME } from '../infra/targets.js';
import type { CommandContext } from './context.js';

export function requireLocalTarget(ctx: CommandContext, what: string): void {
  if (ctx.globals.target !== LOCAL_TARGET_NAME) {
    // The target may come from the environment rather than the command line.
    const fromEnv = ctx.env.target !== undefined && ctx.env.target !== LOCAL_TARGET_NAME;
    throw new BadInputError(
      'LOCAL_ONLY',
      `${what} is only available on the local target, not on ${isTargetName(ctx.globals.target) ? ctx.globals.target : JSON.stringify(ctx.globals.target)}; drop --target${fromEnv ? ' and unset PAYROLL_OPS_TARGET' : ''}.`,
    );
  }
}
