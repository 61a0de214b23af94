/**
 * A synthesized CloudFormation template as the local host reads it: plain JSON, no aws-cdk-lib.
 * `npm run build` writes the local stack's template to dist/template/<stack>.template.json
 * (scripts/synthTemplate.ts); the host provisions from that file and `deploy` applies it.
 */
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
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

/** CloudFormation's own limit on a template (uploaded through S3): a larger one deploys nowhere. */
export const MAX_TEMPLATE_BYTES = 1024 * 1024;
/** Far deeper than any synthesized template nests (payroll-ops': 13 levels); the walks stay bounded. */
export const MAX_TEMPLATE_DEPTH = 64;

/** How deeply `value` nests, walked without recursion; stops counting past `limit`. */
function nestingDepth(value: unknown, limit: number): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [item, depth] = stack.pop()!;
    if (item === null || typeof item !== 'object') continue;
    deepest = Math.max(deepest, depth + 1);
    if (deepest > limit) return deepest;
    for (const child of Object.values(item)) stack.push([child, depth + 1]);
  }
  return deepest;
}

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
  if (nestingDepth(parsed, MAX_TEMPLATE_DEPTH) > MAX_TEMPLATE_DEPTH) {
    throw new BadInputError(
      'TEMPLATE_TOO_DEEP',
      `${source} nests more than ${MAX_TEMPLATE_DEPTH} levels deep, which no synthesized template does; give a synthesized template.`,
    );
  }
  if (parsed.Outputs !== undefined && !isObject(parsed.Outputs)) {
    throw new BadInputError('TEMPLATE_UNREADABLE', `${source}: Outputs is not a map of outputs.`);
  }
  for (const [key, output] of Object.entries(parsed.Outputs ?? {})) {
    if (!isObject(output) || !('Value' in output)) {
      throw new BadInputError('TEMPLATE_UNREADABLE', `${source}: output ${key} has no Value.`);
    }
  }
  if (parsed.Parameters !== undefined && !isObject(parsed.Parameters)) {
    throw new BadInputError('TEMPLATE_UNREADABLE', `${source}: Parameters is not a map of parameters.`);
  }
  for (const [name, parameter] of Object.entries(parsed.Parameters ?? {})) {
    if (!isObject(parameter) || typeof parameter.Type !== 'string') {
      throw new BadInputError('TEMPLATE_UNREADABLE', `${source}: parameter ${name} has no Type.`);
    }
  }
  for (const [logicalId, resource] of Object.entries(parsed.Resources)) {
    if (!isObject(resource) || typeof resource.Type !== 'string') {
      throw new BadInputError('TEMPLATE_UNREADABLE', `${source}: resource ${logicalId} has no Type.`);
    }
    if (resource.Properties !== undefined && !isObject(resource.Properties)) {
      throw new BadInputError(
        'TEMPLATE_UNREADABLE',
        `${source}: resource ${logicalId} has Properties that are not a map.`,
      );
    }
  }
  return parsed as unknown as CfnTemplate;
}

/**
 * A template file's text: a regular file (not a device, a pipe or a folder) of at most
 * MAX_TEMPLATE_BYTES, read no further than that whatever the file claims.
 */
function readTemplateText(path: string): string {
  const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) {
      throw new BadInputError(
        'TEMPLATE_UNREADABLE',
        `${path} is not a file; give a synthesized template file.`,
      );
    }
    const tooLarge = () =>
      new BadInputError(
        'TEMPLATE_TOO_LARGE',
        `${path} is larger than ${MAX_TEMPLATE_BYTES / 1024 / 1024} MiB, CloudFormation's limit for a template; give a synthesized template.`,
      );
    if (stat.size > MAX_TEMPLATE_BYTES) throw tooLarge();
    const buffer = Buffer.alloc(MAX_TEMPLATE_BYTES + 1);
    let length = 0;
    for (;;) {
      const read = readSync(fd, buffer, length, buffer.length - length, null);
      if (read === 0) break;
      length += read;
      if (length > MAX_TEMPLATE_BYTES) throw tooLarge();
    }
    return buffer.subarray(0, length).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

/** Reads a template file; a missing build template says how to make it. */
export function readTemplate(path: string): CfnTemplate {
  let text: string;
  try {
    text = readTemplateText(path);
  } catch (error) {
    if (error instanceof BadInputError) throw error;
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
