/**
 * When a deploy needs the operator's typed approval: it broadens IAM or security-group
 * permissions, or it replaces, deletes or orphans a resource that holds state (pay-run records,
 * ACH files, queued messages, running executions). Anything else deploys without asking, as
 * toolkit-lib's "broadening" policy would, plus the stateful rule it lacks.
 */

/** What toolkit-lib tells about a change set before it is executed (its deploy confirmation). */
export interface DeployChanges {
  readonly permissionChangeType: 'none' | 'broadening' | 'non-broadening';
  readonly destructiveChanges: readonly {
    readonly logicalId: string;
    readonly resourceType?: string;
    /** WILL_REPLACE, MAY_REPLACE, WILL_DESTROY or WILL_ORPHAN. */
    readonly impact: string;
  }[];
}

export type ApprovalDecision =
  | { readonly required: false }
  | { readonly required: true; readonly reasons: readonly string[] };

/** Resource types whose replacement or removal loses data or work in flight. */
export const STATEFUL_RESOURCE_TYPES: ReadonlySet<string> = new Set([
  'AWS::DynamoDB::Table',
  'AWS::DynamoDB::GlobalTable',
  'AWS::S3::Bucket',
  'AWS::SQS::Queue',
  'AWS::StepFunctions::StateMachine',
  'AWS::Logs::LogGroup',
  'AWS::KMS::Key',
]);

const IMPACT_WORDS: Readonly<Record<string, string>> = {
  WILL_REPLACE: 'replaces',
  MAY_REPLACE: 'may replace',
  WILL_DESTROY: 'deletes',
  WILL_ORPHAN: 'orphans',
};

export function approvalFor(changes: DeployChanges): ApprovalDecision {
  const reasons: string[] = [];
  if (changes.permissionChangeType === 'broadening') {
    reasons.push('it broadens IAM or security-group permissions');
  }
  for (const change of changes.destructiveChanges) {
    if (change.resourceType === undefined || !STATEFUL_RESOURCE_TYPES.has(change.resourceType)) continue;
    const verb = IMPACT_WORDS[change.impact] ?? change.impact.toLowerCase();
    reasons.push(`it ${verb} ${change.resourceType} ${change.logicalId}`);
  }
  return reasons.length > 0 ? { required: true, reasons } : { required: false };
}
