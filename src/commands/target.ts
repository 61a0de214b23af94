/**
 * `payroll-ops target add|list|remove`: the deployed targets recorded in config.json. `add`
 * imports a stack from CloudFormation (its outputs); `remove` only forgets it here.
 */
import type { Command } from 'commander';
import { BadInputError } from '../core/errors.js';
import { readLocalTarget } from '../infra/localTarget.js';
import { LOCAL_TARGET_NAME, readTargets, removeTarget } from '../infra/targets.js';
import { contextFor } from './context.js';
import { renderOutputs, renderTargets } from './io/deployRender.js';
import { packageVersion } from './version.js';

interface AddFlags {
  readonly region?: string;
  readonly profile?: string;
  readonly stackName?: string;
}

export function registerTarget(program: Command): void {
  const target = program
    .command('target')
    .description('list, import or forget deployed AWS targets (config.json in the data folder)');
  target
    .command('add <name>')
    .description('import a deployed stack as a target, from its CloudFormation outputs')
    .option('--region <region>', 'AWS region of the stack (required)')
    .option('--profile <profile>', 'AWS profile for credentials')
    .option('--stack-name <name>', 'CloudFormation stack name (default: payroll-ops-<name>)')
    .addHelpText(
      'after',
      `
Examples:
  $ payroll-ops target add prod --region eu-west-1 --profile payroll`,
    )
    .action(async (name: string, flags: AddFlags, command: Command) => {
      const ctx = contextFor(command);
      // Loaded here only: the CloudFormation and STS clients.
      const { importTarget } = await import('../actions/importTarget.js');
      const imported = await importTarget({
        home: ctx.env.home,
        cliVersion: packageVersion(),
        awsSharedFiles: ctx.env.awsSharedFiles,
        target: name,
        ...(flags.region ? { region: flags.region } : {}),
        ...(flags.profile ? { profile: flags.profile } : {}),
        ...(flags.stackName ? { stackName: flags.stackName } : {}),
      });
      if (ctx.io.json) ctx.io.dataJson(imported);
      else ctx.io.data(renderOutputs(imported));
      ctx.io.success(
        `target ${imported.name} is stack ${imported.stackName} in aws://${imported.account}/${imported.region}`,
      );
    });
  target
    .command('list')
    .description('list the local target and every recorded AWS target')
    .action((_flags: Record<string, never>, command: Command) => {
      const ctx = contextFor(command);
      const targets = Object.values(readTargets(ctx.env.home)).sort((a, b) => a.name.localeCompare(b.name));
      const local = readLocalTarget(ctx.env.home);
      if (ctx.io.json)
        ctx.io.dataJson({ targets: [local ?? { name: LOCAL_TARGET_NAME, kind: 'local' }, ...targets] });
      else ctx.io.data(renderTargets(targets, local));
    });
  target
    .command('remove <name>')
    .description('forget a recorded target (its stack is left as it is; see destroy)')
    .action((name: string, _flags: Record<string, never>, command: Command) => {
      const ctx = contextFor(command);
      if (name === LOCAL_TARGET_NAME) {
        throw new BadInputError('LOCAL_TARGET', 'The local target is built in and cannot be removed.');
      }
      if (!removeTarget(ctx.env.home, name)) {
        throw new BadInputError(
          'UNKNOWN_TARGET',
          `Target ${name} is not recorded here: see payroll-ops target list.`,
        );
      }
      ctx.io.success(`target ${name} forgotten (its stack is untouched)`);
    });
}
