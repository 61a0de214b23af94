/** The stack as `deploy` builds it, synthesized once per test file, and lookups into its template. */
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { buildApp } from '../../../src/infra/cdk/app.js';
import { REPO_ROOT } from '../../support/cli.js';

/**
 * The bundle `npm run build` (or test/globalSetup.ts) made. Templates only reference it as an
 * asset, so a run of unit tests before any build gets a stand-in file instead of failing.
 */
export const BUNDLE_DIR = existsSync(join(REPO_ROOT, 'dist', 'lambda', 'index.mjs'))
  ? join(REPO_ROOT, 'dist', 'lambda')
  : stubBundle();

function stubBundle(): string {
  const dir = mkdtempSync(join(tmpdir(), 'payroll-ops-stub-bundle-'));
  writeFileSync(join(dir, 'index.mjs'), 'export const handler = async () => null;\n');
  return dir;
}

export type Resource = { readonly Type: string; readonly Properties: Record<string, unknown> } & Record<
  string,
  unknown
>;

export interface Synthesized {
  readonly app: App;
  readonly stack: Stack;
  readonly template: Template;
  readonly resources: Readonly<Record<string, Resource>>;
  /** [logical id, resource] of every resource of `type`. */
  ofType(type: string): [string, Resource][];
  /** The logical id of the resource with `property` equal to `value`. */
  idOf(type: string, property: string, value: unknown): string;
}

export function stackOf(app: App, stackName: string): Stack {
  return app.node.findChild(stackName) as Stack;
}

export function synthesize(options: Partial<Parameters<typeof buildApp>[0]> = {}): Synthesized {
  const stackName = options.stackName ?? 'payroll-ops-test';
  const app = buildApp({
    stackName,
    region: 'eu-west-1',
    bundleDir: BUNDLE_DIR,
    builtinValidation: false,
    ...options,
  });
  const stack = stackOf(app, stackName);
  // Template.fromStack reports a dependency cycle, which app.synth() lets through.
  const template = Template.fromStack(stack);
  const resources = template.toJSON().Resources as Record<string, Resource>;
  const ofType = (type: string) => Object.entries(resources).filter(([, resource]) => resource.Type === type);
  return {
    app,
    stack,
    template,
    resources,
    ofType,
    idOf(type, property, value) {
      const found = ofType(type).find(([, resource]) => resource.Properties[property] === value);
      if (!found) throw new Error(`no ${type} with ${property} = ${String(value)}`);
      return found[0];
    },
  };
}

/** `{ "Fn::GetAtt": [id, "Arn"] }` or `{ Ref: id }` → id. */
export function referencedId(value: unknown): string | undefined {
  const shape = value as { Ref?: string; 'Fn::GetAtt'?: [string, string] } | undefined;
  return shape?.Ref ?? shape?.['Fn::GetAtt']?.[0];
}

export interface Statement {
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Resource: unknown;
}

/** Every statement of every inline policy, with the roles it is attached to. */
export function statementsOf(synth: Synthesized): { roles: string[]; statement: Statement }[] {
  return synth.ofType('AWS::IAM::Policy').flatMap(([, policy]) => {
    const roles = ((policy.Properties.Roles as unknown[]) ?? []).map((role) => referencedId(role) ?? '');
    const document = policy.Properties.PolicyDocument as { Statement: Statement[] };
    return document.Statement.map((statement) => ({ roles, statement }));
  });
}

export const actionsOf = (statement: Statement): string[] =>
  Array.isArray(statement.Action) ? statement.Action : [statement.Action];

export const resourcesOf = (statement: Statement): unknown[] =>
  Array.isArray(statement.Resource) ? statement.Resource : [statement.Resource];
