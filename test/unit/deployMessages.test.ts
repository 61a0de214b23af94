/** toolkit-lib's messages as the operator sees them, and when a deploy needs typed approval. */
import { describe, expect, it } from 'vitest';
import { approvalFor } from '../../src/actions/deployApproval.js';
import { mapToolkitMessage, ToolkitCode } from '../../src/infra/cdk/toolkitMessages.js';

describe('toolkit-lib messages', () => {
  it('makes stack activity the spinner text, with CloudFormation progress n/N', () => {
    const mapped = mapToolkitMessage({
      level: 'info',
      code: ToolkitCode.StackActivity,
      message: 'raw',
      data: {
        event: {
          LogicalResourceId: 'DataTable',
          ResourceType: 'AWS::DynamoDB::GlobalTable',
          ResourceStatus: 'CREATE_COMPLETE',
        },
        progress: { completed: 3, total: 12, formatted: ' 3/12' },
      },
    });
    expect(mapped).toMatchObject({
      level: 'info',
      code: ToolkitCode.StackActivity,
      progress: true,
      message: '3/12 CREATE_COMPLETE AWS::DynamoDB::GlobalTable DataTable',
      data: { progress: '3/12', status: 'CREATE_COMPLETE', logicalId: 'DataTable' },
    });
  });

  it('makes a failed resource a warning line with CloudFormation reason', () => {
    const mapped = mapToolkitMessage({
      level: 'info',
      code: ToolkitCode.StackActivity,
      message: 'raw',
      data: {
        event: {
          LogicalResourceId: 'BankGatewayQueue',
          ResourceType: 'AWS::SQS::Queue',
          ResourceStatus: 'CREATE_FAILED',
          ResourceStatusReason: 'Resource limit exceeded',
        },
        progress: { completed: 4, formatted: '4/12' },
      },
    });
    expect(mapped.level).toBe('warn');
    expect(mapped.progress).not.toBe(true);
    expect(mapped.message).toBe(
      '4/12 CREATE_FAILED AWS::SQS::Queue BankGatewayQueue: Resource limit exceeded',
    );
  });

  it.each([
    [
      ToolkitCode.DeployProgress,
      '\u001b[1mpayroll-ops-prod\u001b[22m: deploying... [1/1]',
      'payroll-ops-prod: deploying... [1/1]',
    ],
    [ToolkitCode.MonitorStart, 'x', 'CloudFormation is working on the stack'],
    [ToolkitCode.SynthTime, 'x', 'synthesized the stack in 1.5 s'],
  ])('shows %s as progress, without colour codes', (code, message, expected) => {
    const mapped = mapToolkitMessage({ level: 'info', code, message, data: { duration: 1500 } });
    expect(mapped).toMatchObject({ progress: true, message: expected });
  });

  it('reports a no-op deploy as such', () => {
    expect(
      mapToolkitMessage({
        level: 'result',
        code: ToolkitCode.Deployed,
        message: '✅  x (no changes)',
        data: { noOp: true },
      }),
    ).toMatchObject({ message: 'no changes to deploy', data: { noOp: true } });
  });

  it('passes warnings and errors on, and keeps the rest for --debug', () => {
    expect(
      mapToolkitMessage({ level: 'warn', code: 'CDK_TOOLKIT_W0100', message: '⚠️ careful' }),
    ).toMatchObject({
      level: 'warn',
      message: 'careful',
    });
    expect(mapToolkitMessage({ level: 'info', code: 'CDK_TOOLKIT_I0000', message: 'chatter' }).level).toBe(
      'debug',
    );
    expect(mapToolkitMessage({ level: 'info', message: 'no code' }).code).toBe('CDK_TOOLKIT_I0000');
  });
});

describe('deploy approval', () => {
  it('deploys without asking when nothing broadens and nothing stateful is lost', () => {
    expect(
      approvalFor({
        permissionChangeType: 'non-broadening',
        destructiveChanges: [
          { logicalId: 'OpenRunFunction', resourceType: 'AWS::Lambda::Function', impact: 'WILL_REPLACE' },
        ],
      }),
    ).toEqual({ required: false });
  });

  it('asks when IAM or security groups broaden', () => {
    expect(approvalFor({ permissionChangeType: 'broadening', destructiveChanges: [] })).toEqual({
      required: true,
      reasons: ['it broadens IAM or security-group permissions'],
    });
  });

  it.each([
    ['AWS::DynamoDB::GlobalTable', 'WILL_REPLACE', 'it replaces AWS::DynamoDB::GlobalTable Resource'],
    ['AWS::S3::Bucket', 'WILL_DESTROY', 'it deletes AWS::S3::Bucket Resource'],
    ['AWS::SQS::Queue', 'MAY_REPLACE', 'it may replace AWS::SQS::Queue Resource'],
    [
      'AWS::StepFunctions::StateMachine',
      'WILL_ORPHAN',
      'it orphans AWS::StepFunctions::StateMachine Resource',
    ],
  ])('asks before a change to %s that %s', (resourceType, impact, reason) => {
    expect(
      approvalFor({
        permissionChangeType: 'none',
        destructiveChanges: [{ logicalId: 'Resource', resourceType, impact }],
      }),
    ).toEqual({ required: true, reasons: [reason] });
  });
});
