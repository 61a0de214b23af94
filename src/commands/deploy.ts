/**
 * `payroll-ops deploy` and `payroll-ops destroy`: flags → options → the deploy action → render.
 * The action (and with it toolkit-lib and aws-cdk-lib) is imported only when one of these runs.
 * On the local target (the default) deploy applies the synthesized template to the local host
 * instead (actions/deployLocal.ts), with no CDK at all.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { BadInputError } from '../core/errors.js';
import { ensurePrivateFolder } from '../infra/local/privateFolder.js';
import { LOCAL_TARGET_NAME } from '../infra/targets.js';
import { type CommandContext, contextFor } from './context.js';
import { withInterruptNotice } from './interrupt.js';
import { diffJson, renderDiff, renderOutputs } from './io/deployRender.js';
import { renderLocalDiff, renderLocalOutputs } from './io/localDeployRender.js';
import { packageRoot, packageVersion } from './version.js';

interface DeployFlags {
  readonly template?: string;
  readonly region?: string;
  readonly profile?: string;
  readonly stackName?: string;
  readonly diff?: boolean;
  readonly dryRun?: boolean;
  readonly out?: string;
  readonly bootstrap?: boolean;
}

/** The Lambda bundle `npm run build` makes, beside the built CLI. */
export function lambdaBundleDir(): string {
  return join(packageRoot() ?? process.cwd(), 'dist', 'lambda');
}

function settings(ctx: CommandContext) {
  return {
    home: ctx.env.home,
    bundleDir: lambdaBundleDir(),
    cliVersion: packageVersion(),
    awsSharedFiles: ctx.env.awsSharedFiles,
  };
}

export function parseDeployFlags(flags: DeployFlags): 'deploy' | 'diff' | 'dry-run' {
  if (flags.diff && flags.dryRun) {
    throw new BadInputError(
      'BAD_FLAGS',
      '--diff and --dry-run do not go together: --dry-run needs no AWS account at all.',
    );
  }
  if (flags.out !== undefined && !flags.dryRun) {
    throw new BadInputError(
      'BAD_FLAGS',
      '--out DIR goes with --dry-run (it is where the synthesized template is written).',
    );
  }
  if (flags.out !== undefined) refuseOutThatIsNoFolder(flags.out);
  if (flags.bootstrap && flags.dryRun) {
    throw new BadInputError(
      'BAD_FLAGS',
      '--bootstrap changes the AWS account; it does not go with --dry-run.',
    );
  }
  return flags.dryRun ? 'dry-run' : flags.diff ? 'diff' : 'deploy';
}

/** `--out` names a folder, made if missing: a file (or an empty name) is refused before synthesis. */
function refuseOutThatIsNoFolder(out: string): void {
  if (out.trim() === '') {
    throw new BadInputError('BAD_OUT', '--out needs a folder name (e.g. --out cdk.out).');
  }
  const found = statSync(out, { throwIfNoEntry: false });
  if (found && !found.isDirectory()) {
    throw new BadInputError(
      'BAD_OUT',
      `--out ${out} is not a folder; name a folder for the cloud assembly (it is created if missing), e.g. --out cdk.out.`,
    );
  }
}

/** Flags that name AWS things, refused on the local target (the stack payroll-ops on this machine). */
export function parseLocalDeployFlags(flags: DeployFlags): 'deploy' | 'diff' | 'dry-run' {
  const awsOnly = (
    [
      ['--region', flags.region],
      ['--profile', flags.profile],
      ['--stack-name', flags.stackName],
      ['--out', flags.out],
      ['--bootstrap', flags.bootstrap],
    ] as const
  ).find(([, value]) => value !== undefined && value !== false);
  if (awsOnly) {
    throw new BadInputError(
      'BAD_FLAGS',
      `${awsOnly[0]} goes with an AWS target (--target NAME); the local target is the stack payroll-ops on this machine.`,
    );
  }
  return parseDeployFlags({ ...flags, out: undefined });
}

async function deployLocal(ctx: CommandContext, flags: DeployFlags): Promise<void> {
  const mode = parseLocalDeployFlags(flags);
  const { runLocalDeploy } = await import('../actions/deployLocal.js');
  if (mode !== 'dry-run') ensurePrivateFolder(ctx.env.home, (message) => ctx.io.warn(message));
  const result = await runLocalDeploy(
    { home: ctx.env.home, mode, ...(flags.template ? { templateFile: flags.template } : {}) },
    ctx.io,
  );
  ctx.io.endActivity();
  switch (result.type) {
    case 'synthesized':
      if (ctx.io.json) ctx.io.dataJson(result);
      else ctx.io.data(result.templateFile);
      ctx.io.success(
        `${result.stackName}: ${result.resources} resources, all of which the local stack runs or ignores`,
      );
      return;
    case 'diffed-local':
      if (ctx.io.json) ctx.io.dataJson(diffJson(result.changes));
      else ctx.io.data(renderLocalDiff(result.changes));
      return;
    case 'deployed-local':
      if (ctx.io.json) ctx.io.dataJson({ ...result.target, changes: result.changes });
      else ctx.io.data(renderLocalOutputs(result.target));
      ctx.io.success(
        `${result.noOp ? 'no changes' : `${result.changes.length} change(s) applied`}; target local is stack ${result.target.stackName} on the local host (${result.endpoint})`,
      );
      return;
  }
}

async function deploy(ctx: CommandContext, flags: DeployFlags): Promise<void> {
  if (ctx.globals.target === LOCAL_TARGET_NAME) return deployLocal(ctx, flags);
  if (flags.template !== undefined) {
    throw new BadInputError(
      'BAD_FLAGS',
      '--template goes with the local target; an AWS target is deployed from the CDK app of this CLI.',
    );
  }
  const mode = parseDeployFlags(flags);
  const { runDeploy } = await import('../actions/deploy.js');
  const target = ctx.globals.target;
  const run = () =>
    runDeploy(
      {
        ...settings(ctx),
        mode,
        target,
        bootstrap: flags.bootstrap === true,
        ...(flags.region ? { region: flags.region } : {}),
        ...(flags.profile ? { profile: flags.profile } : {}),
        ...(flags.stackName ? { stackName: flags.stackName } : {}),
        ...(flags.out ? { outDir: flags.out } : {}),
      },
      ctx.io,
    );
  const result =
    mode === 'deploy'
      ? await withInterruptNotice(
          `CloudFormation keeps deploying target ${target} on its own; check it with payroll-ops deploy --target ${target} --diff.`,
          run,
        )
      : await run();
  ctx.io.endActivity();
  switch (result.type) {
    case 'synthesized':
      if (ctx.io.json) ctx.io.dataJson(result);
      else ctx.io.data(result.templateFile);
      ctx.io.success(`synthesized ${result.stackName} (${result.resources} resources) with no AWS call`);
      return;
    case 'diffed':
      if (ctx.io.json) ctx.io.dataJson(diffJson(result.changes));
      else ctx.io.data(renderDiff(result.changes, result.formatted));
      return;
    case 'deployed':
      if (ctx.io.json) ctx.io.dataJson(result.target);
      else ctx.io.data(renderOutputs(result.target));
      ctx.io.success(
        `${result.noOp ? 'no changes; ' : ''}target ${result.target.name} is stack ${result.target.stackName} in aws://${result.target.account}/${result.target.region}`,
      );
      return;
  }
}

async function destroy(ctx: CommandContext): Promise<void> {
  const { runDestroy } = await import('../actions/deploy.js');
  const target = ctx.globals.target;
  const destroyed = await withInterruptNotice(
    `CloudFormation keeps deleting the stack of target ${target} on its own.`,
    () => runDestroy({ ...settings(ctx), target }, ctx.io),
  );
  ctx.io.endActivity();
  if (ctx.io.json) ctx.io.dataJson({ destroyed: destroyed.name, stackName: destroyed.stackName });
  ctx.io.success(`destroyed stack ${destroyed.stackName}; target ${destroyed.name} forgotten`);
}

export function registerDeploy(program: Command): void {
  program
    .command('deploy')
    .description(
      'deploy the backend: to AWS as a CloudFormation stack (CDK, in process), or to the local host (the default target)',
    )
    .option('--template <file>', "local target: apply this synthesized template instead of the build's")
    .option('--region <region>', 'AWS region of the target (required for a new target)')
    .option('--profile <profile>', 'AWS profile for credentials (default: the environment, AWS_PROFILE)')
    .option('--stack-name <name>', 'CloudFormation stack name (default: payroll-ops-<target>)')
    .option('--diff', 'print what would change in the deployed stack and change nothing')
    .option('--dry-run', 'synthesize the stack offline, with no credentials and no AWS call')
    .option('--out <dir>', 'with --dry-run: write the cloud assembly (<dir>/<stack>.template.json) here')
    .option('--bootstrap', 'bootstrap the CDK in the account and region first (asks to confirm)')
    .addHelpText(
      'after',
      `
Examples:
  $ payroll-ops deploy                      # the local host, from dist/template
  $ payroll-ops deploy --diff --output json
  $ payroll-ops deploy --target prod --region eu-west-1
  $ payroll-ops deploy --target prod --diff --output json
  $ payroll-ops deploy --target ci --region eu-west-1 --dry-run --out cdk.out`,
    )
    .action(async (flags: DeployFlags, command: Command) => {
      await deploy(contextFor(command), flags);
    });
}

export function registerDestroy(program: Command): void {
  program
    .command('destroy')
    .description("delete a target's stack (tables and the artifacts bucket are kept) and forget the target")
    .addHelpText(
      'after',
      `
Examples:
  $ payroll-ops destroy --target staging`,
    )
    .action(async (_flags: Record<string, never>, command: Command) => {
      await destroy(contextFor(command));
    });
}
