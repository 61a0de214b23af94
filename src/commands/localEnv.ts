/**
 * `payroll-ops local env`: the shell lines that point awscli (and any AWS SDK) at the local stack
 * with the data folder's credentials: `eval "$(payroll-ops local env)"`, then plain
 * `aws dynamodb list-tables` (awscli ≥ 2.13 reads AWS_ENDPOINT_URL_<SERVICE>; older ones need
 * `--endpoint-url "$AWS_ENDPOINT_URL_DYNAMODB"`). Attaches to the running host or starts one.
 */
import type { Command } from 'commander';
import { LOCAL_REGION } from '../infra/aws/clients.js';
import { localCredentials } from '../infra/local/credentials.js';
import { ensureLocalHost, findRunningHost } from '../infra/local/ensureHost.js';
import { HostMode } from '../infra/local/hostRecord.js';
import { ensurePrivateFolder } from '../infra/local/privateFolder.js';
import { contextFor } from './context.js';
import { requireLocalTarget } from './localOnly.js';

/** Single quotes keep the shell from expanding anything; a quote inside is closed, escaped, reopened. */
const shellQuote = (value: string): string => `'${value.replaceAll("'", `'\\''`)}'`;

export function registerLocalEnv(program: Command): void {
  const local = program.commands.find((command) => command.name() === 'local');
  if (!local) return;
  local
    .command('env')
    .description(
      'print shell exports that point awscli and AWS SDKs at the local stack, with its credentials',
    )
    .addHelpText(
      'after',
      `
Examples:
  $ eval "$(payroll-ops local env)" && aws dynamodb list-tables
  $ payroll-ops --output json local env`,
    )
    .action(async (_raw: unknown, command: Command) => {
      const ctx = contextFor(command);
      requireLocalTarget(ctx, 'local env');
      const { home } = ctx.env;
      ensurePrivateFolder(home, (message) => ctx.io.warn(message));
      const endpoints = await ensureLocalHost(home);
      const { accessKeyId, secretAccessKey } = localCredentials(home);
      const variables = {
        AWS_ACCESS_KEY_ID: accessKeyId,
        AWS_SECRET_ACCESS_KEY: secretAccessKey,
        AWS_DEFAULT_REGION: LOCAL_REGION,
        AWS_REGION: LOCAL_REGION,
        AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamodb,
        AWS_ENDPOINT_URL_SQS: endpoints.sqs,
        AWS_ENDPOINT_URL_SFN: endpoints.stepfunctions,
      } as const;
      if (ctx.io.json) {
        ctx.io.dataJson(variables);
      } else {
        for (const [name, value] of Object.entries(variables))
          ctx.io.data(`export ${name}=${shellQuote(value)}`);
        // A session token from the operator's real AWS login would be sent along; it means nothing here.
        ctx.io.data('unset AWS_SESSION_TOKEN AWS_SECURITY_TOKEN');
      }
      const host = await findRunningHost(home);
      if (host?.mode === HostMode.OnDemand) {
        ctx.io.info(
          `The endpoints last as long as this host (pid ${host.pid}), which stops after a quiet period; ` +
            'keep one running with payroll-ops local start --detach.',
        );
      }
    });
}
