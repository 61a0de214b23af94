/**
 * A synthesized CloudFormation template as the local host reads it: plain JSON, no aws-cdk-lib.
 * `npm run build` writes the local stack's template to dist/template/<stack>.template.json
 * (scripts/synthTemplate.ts); the host provisions from that file and `deploy` applies it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BadInputError, InfrastructureError } from '../../../core/errors.js';
import { LOCAL_STACK_NAME } from '../../backendNames.js';
import { packageRoot } from '../../packageRoot.js';

export interface CfnResource {
  readonly Type: string;
  readonly Properties?: Readonly<Record<string, unknown>>;
  /** Delete (the default), Retain, Snapshot... */
  readonly DeletionPolicy?: string;
  readonly Condition?: string;
}

export interface CfnOutput {
  readonly Value: unknown;
  readonly Description?: string;
}

export interface CfnParameter {
  readonly Type: string;
  readonly Default?: unknown;
}

export interface CfnTemplate {
  readonly Description?: string;
  readonly Resources: Readonly<Record<string, CfnResource>>;
  readonly Outputs?: Readonly<Record<string, CfnOutput>>;
  readonly Parameters?: Readonly<Record<string, CfnParameter>>;
  readonly Conditions?: Readonly<Record<string, unknown>>;
}

/** The folder of dist/ that holds the synthesized templates. */
export const TEMPLATE_DIR = 'template';

export const templateFileName = (stackName: string): string => `${stackName}.template.json`;

/** dist/template/payroll-ops.template.json of this installation: what the local host runs. */
export function builtTemplatePath(stackName: string = LOCAL_STACK_NAME): string {
  return join(packageRoot() ?? process.cwd(), 'dist', TEMPLATE_DIR, templateFileName(stackName));
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** The template in `text`; `source` names it in the one-line refusal of anything else. */
export function parseTemplate(text: string, source: string): CfnTemplate {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new BadInputError('TEMPLATE_UNREADABLE', `${source} is not JSON; give a synthesized template.`, {
      cause: error,
    });
  }
  return asTemplate(parsed, source);
}

/** `parsed` if it has the shape of a template; one line naming what is wrong otherwise. */
export function asTemplate(parsed: unknown, source: string): CfnTemplate {
  if (!isObject(parsed) || !isObject(parsed.Resources)) {
    throw new BadInputError(
      'TEMPLATE_UNREADABLE',
      `${source} has no Resources: give a CloudFormation template (deploy --dry-run --out DIR writes one).`,
    );
  }
  for (const [logicalId, resource] of Object.entries(parsed.Resources)) {
    if (!isObject(resource) || typeof resource.Type !== 'string') {
      throw new BadInputError('TEMPLATE_UNREADABLE', `${source}: resource ${logicalId} has no Type.`);
    }
  }
  return parsed as unknown as CfnTemplate;
}

/** Reads a template file; a missing build template says how to make it. */
export function readTemplate(path: string): CfnTemplate {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' && path === builtTemplatePath()) {
      throw new InfrastructureError(
        'TEMPLATE_MISSING',
        `The local stack's template ${path} is missing; run npm run build.`,
        { cause: error },
      );
    }
    throw new BadInputError('TEMPLATE_UNREADABLE', `Cannot read the template ${path}; check the path.`, {
      cause: error,
    });
  }
  return parseTemplate(text, path);
}
