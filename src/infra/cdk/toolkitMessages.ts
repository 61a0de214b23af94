/**
 * toolkit-lib's messages in our terms: which ones the operator sees, as progress (the spinner's
 * text), lines or results, with small JSON-safe data for `--output jsonl`; the rest only with
 * `--debug`. Codes are kept, so toolkit-lib's documentation of each applies.
 */
import { type IoMessage, type IoMessageLevel, ioMessage } from '../../core/ioMessages.js';

/** The fields of toolkit-lib's IoMessage this mapping reads. */
export interface ToolkitMessage {
  readonly level: IoMessageLevel;
  readonly code?: string;
  readonly message: string;
  readonly data?: unknown;
}

interface StackEvent {
  readonly LogicalResourceId?: string;
  readonly ResourceType?: string;
  readonly ResourceStatus?: string;
  readonly ResourceStatusReason?: string;
}

export const ToolkitCode = {
  SynthTime: 'CDK_TOOLKIT_I1000',
  StackDiff: 'CDK_TOOLKIT_I4002',
  DeployTime: 'CDK_TOOLKIT_I5000',
  ConfirmRollback: 'CDK_TOOLKIT_I5050',
  ConfirmDeploy: 'CDK_TOOLKIT_I5060',
  DeployProgress: 'CDK_TOOLKIT_I5100',
  AssetPublishing: 'CDK_ASSETS_I5270',
  AssetPublished: 'CDK_ASSETS_I5275',
  MonitorStart: 'CDK_TOOLKIT_I5501',
  StackActivity: 'CDK_TOOLKIT_I5502',
  MonitorEnd: 'CDK_TOOLKIT_I5503',
  Deployed: 'CDK_TOOLKIT_I5900',
  DeployInfo: 'CDK_TOOLKIT_I5901',
  ConfirmDestroy: 'CDK_TOOLKIT_I7010',
  DestroyProgress: 'CDK_TOOLKIT_I7100',
  Destroyed: 'CDK_TOOLKIT_I7900',
  BootstrapProgress: 'CDK_TOOLKIT_I9100',
  Bootstrapped: 'CDK_TOOLKIT_I9900',
} as const;

/** toolkit-lib colours and decorates its text; we print plain lines and let our host style them. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI escape sequences are what is removed.
const ANSI = /\u001b\[[0-9;]*m/g;
export const plainText = (text: string) =>
  text
    .replace(ANSI, '')
    .replace(/^(?:✅|✨|❌|⚠️|\s)+/u, '')
    .trim();

const seconds = (data: unknown) => {
  const duration = (data as { duration?: number } | undefined)?.duration;
  return typeof duration === 'number' ? `${(duration / 1000).toFixed(1)} s` : '';
};

function stackActivity(message: ToolkitMessage): IoMessage {
  const data = message.data as { event?: StackEvent; progress?: { formatted?: string } } | undefined;
  const event = data?.event ?? {};
  const progress = (data?.progress?.formatted ?? '').trim();
  const status = event.ResourceStatus ?? '';
  const line = [progress, status, event.ResourceType, event.LogicalResourceId].filter(Boolean).join(' ');
  const facts = {
    progress,
    status,
    resourceType: event.ResourceType,
    logicalId: event.LogicalResourceId,
    ...(event.ResourceStatusReason ? { reason: event.ResourceStatusReason } : {}),
  };
  if (status.endsWith('_FAILED')) {
    return ioMessage(
      'warn',
      message.code ?? '',
      `${line}: ${event.ResourceStatusReason ?? 'no reason given'}`,
      facts,
    );
  }
  return ioMessage('info', message.code ?? '', line, facts, true);
}

/** Our message for a toolkit message; debug level for what an operator need not see. */
export function mapToolkitMessage(message: ToolkitMessage): IoMessage {
  const code = message.code ?? 'CDK_TOOLKIT_I0000';
  const text = plainText(message.message);
  switch (code) {
    case ToolkitCode.SynthTime:
      return ioMessage('info', code, `synthesized the stack in ${seconds(message.data)}`, undefined, true);
    case ToolkitCode.AssetPublishing:
    case ToolkitCode.AssetPublished:
      return ioMessage('info', code, `assets: ${text}`, undefined, true);
    case ToolkitCode.DeployProgress:
      return ioMessage('info', code, text, undefined, true);
    case ToolkitCode.MonitorStart:
      return ioMessage('info', code, `CloudFormation is working on the stack`, undefined, true);
    case ToolkitCode.StackActivity:
      return stackActivity(message);
    case ToolkitCode.MonitorEnd:
      return ioMessage('debug', code, text);
    case ToolkitCode.Deployed: {
      const noOp = (message.data as { noOp?: boolean } | undefined)?.noOp === true;
      return ioMessage('info', code, noOp ? 'no changes to deploy' : 'stack deployed', { noOp }, true);
    }
    case ToolkitCode.DeployTime:
      return ioMessage('debug', code, `deployed in ${seconds(message.data)}`);
    case ToolkitCode.DestroyProgress:
    case ToolkitCode.BootstrapProgress:
      return ioMessage('info', code, text, undefined, true);
    case ToolkitCode.Destroyed:
    case ToolkitCode.Bootstrapped:
      return ioMessage('info', code, text, undefined, true);
    default:
      // Errors and warnings reach the operator; toolkit-lib's chatter only with --debug.
      if (message.level === 'error' || message.level === 'warn') return ioMessage(message.level, code, text);
      return ioMessage('debug', code, text);
  }
}
