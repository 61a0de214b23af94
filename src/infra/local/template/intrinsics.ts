/**
 * CloudFormation's intrinsic functions, evaluated the way CloudFormation would on the local
 * account: `Ref`, `Fn::GetAtt`, `Fn::Join`, `Fn::Sub`, `Fn::Select`, `Fn::Split` and the pseudo
 * parameters. Only the values the host reads are resolved (a function's environment, a state
 * machine's substitutions, an output), so references among IAM policies and alarms never have to
 * mean anything locally. Anything else (conditions, imports, mappings) is refused in one line.
 */
import { BadInputError } from '../../../core/errors.js';
import type { CfnParameter } from './cfnTemplate.js';

/** Where the template is applied: what the pseudo parameters say. */
export interface ResolveScope {
  readonly region: string;
  readonly accountId: string;
  readonly stackName: string;
  readonly partition: string;
  readonly urlSuffix: string;
}

/** The physical values of the template's resources (resourceKinds.ts). */
export interface ResourceValues {
  ref(logicalId: string, where: string): string;
  getAtt(logicalId: string, attribute: string, where: string): string;
}

export interface ResolveContext {
  readonly scope: ResolveScope;
  readonly resources: ResourceValues;
  readonly parameters: Readonly<Record<string, CfnParameter>>;
}

/** `{ "Ref": "AWS::NoValue" }`: the property is left out, as CloudFormation does. */
const NO_VALUE = Symbol('AWS::NoValue');

/**
 * No resolved value is longer than a template may be (cfnTemplate.ts): only a chain of joins that
 * double a name at each step gets there (2^40 characters from 40 resources), and it is refused
 * instead of filling the memory.
 */
export const MAX_RESOLVED_LENGTH = 1024 * 1024;

const tooLong = (where: string, what: string) =>
  new BadInputError(
    'TEMPLATE_UNSUPPORTED',
    `${where}: ${what} makes a value of more than 1 MiB, which no synthesized template does; give a synthesized template.`,
  );

const bounded = (value: string, where: string, what: string): string => {
  if (value.length > MAX_RESOLVED_LENGTH) throw tooLong(where, what);
  return value;
};

const unsupported = (where: string, what: string) =>
  new BadInputError(
    'TEMPLATE_UNSUPPORTED',
    `${where}: ${what} is not supported by the local stack; synthesize the template without it.`,
  );

export function pseudoParameter(name: string, scope: ResolveScope): unknown {
  switch (name) {
    case 'AWS::Region':
      return scope.region;
    case 'AWS::AccountId':
      return scope.accountId;
    case 'AWS::StackName':
      return scope.stackName;
    case 'AWS::Partition':
      return scope.partition;
    case 'AWS::URLSuffix':
      return scope.urlSuffix;
    case 'AWS::StackId':
      return `arn:${scope.partition}:cloudformation:${scope.region}:${scope.accountId}:stack/${scope.stackName}/local`;
    case 'AWS::NotificationARNs':
      return [];
    case 'AWS::NoValue':
      return NO_VALUE;
    default:
      return undefined;
  }
}

function ref(name: unknown, context: ResolveContext, where: string): unknown {
  if (typeof name !== 'string') throw unsupported(where, 'a Ref to something other than a name');
  const pseudo = pseudoParameter(name, context.scope);
  if (pseudo !== undefined) return pseudo;
  const parameter = Object.hasOwn(context.parameters, name) ? context.parameters[name] : undefined;
  if (parameter) {
    if (parameter.Default === undefined || parameter.Type.startsWith('AWS::SSM::'))
      throw unsupported(where, `the parameter ${name} (no local value)`);
    return parameter.Default;
  }
  return context.resources.ref(name, where);
}

function getAtt(args: unknown, context: ResolveContext, where: string): string {
  const parts =
    typeof args === 'string'
      ? [args.slice(0, args.indexOf('.')), args.slice(args.indexOf('.') + 1)]
      : Array.isArray(args)
        ? args.map((part) => resolveValue(part, context, where))
        : [];
  const [logicalId, attribute] = parts;
  if (typeof logicalId !== 'string' || typeof attribute !== 'string' || logicalId === '') {
    throw unsupported(where, `Fn::GetAtt ${JSON.stringify(args)}`);
  }
  return context.resources.getAtt(logicalId, attribute, where);
}

const text = (value: unknown, where: string, what: string): string => {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw unsupported(where, `${what} of ${JSON.stringify(value)?.slice(0, 60)}`);
};

function list(value: unknown, context: ResolveContext, where: string, what: string): unknown[] {
  const resolved = resolveValue(value, context, where);
  if (!Array.isArray(resolved)) throw unsupported(where, `${what} over something other than a list`);
  return resolved;
}

/** `${Name}`, `${Logical.Attr}`, `${!Literal}`: variables first, then pseudo parameters and resources. */
function sub(args: unknown, context: ResolveContext, where: string): string {
  const [template, variables] = Array.isArray(args) ? args : [args, {}];
  if (typeof template !== 'string' || variables === null || typeof variables !== 'object') {
    throw unsupported(where, `Fn::Sub ${JSON.stringify(args)?.slice(0, 60)}`);
  }
  const own = variables as Record<string, unknown>;
  return template.replace(/\$\{([^}]*)\}/g, (_match, name: string) => {
    if (name.startsWith('!')) return `\${${name.slice(1)}}`;
    if (Object.hasOwn(own, name)) return text(resolveValue(own[name], context, where), where, `\${${name}}`);
    const dot = name.indexOf('.');
    if (dot > 0 && !name.startsWith('AWS::')) {
      return context.resources.getAtt(name.slice(0, dot), name.slice(dot + 1), where);
    }
    return text(ref(name, context, where), where, `\${${name}}`);
  });
}

function intrinsic(name: string, args: unknown, context: ResolveContext, where: string): unknown {
  switch (name) {
    case 'Ref':
      return ref(args, context, where);
    case 'Fn::GetAtt':
      return getAtt(args, context, where);
    case 'Fn::Join': {
      if (!Array.isArray(args) || typeof args[0] !== 'string') throw unsupported(where, 'this Fn::Join');
      const [delimiter, values] = args as [string, unknown];
      const parts = list(values, context, where, 'Fn::Join').map((value) => text(value, where, 'Fn::Join'));
      const length = parts.reduce((sum, part) => sum + part.length + delimiter.length, 0);
      if (length > MAX_RESOLVED_LENGTH) throw tooLong(where, 'Fn::Join');
      return parts.join(delimiter);
    }
    case 'Fn::Sub':
      return bounded(sub(args, context, where), where, 'Fn::Sub');
    case 'Fn::Select': {
      if (!Array.isArray(args)) throw unsupported(where, 'this Fn::Select');
      const index = Number(resolveValue(args[0], context, where));
      const values = list(args[1], context, where, 'Fn::Select');
      if (!Number.isInteger(index) || index < 0 || index >= values.length)
        throw unsupported(where, `Fn::Select index ${String(args[0])}`);
      return values[index];
    }
    case 'Fn::Split': {
      if (!Array.isArray(args) || typeof args[0] !== 'string') throw unsupported(where, 'this Fn::Split');
      return text(resolveValue(args[1], context, where), where, 'Fn::Split').split(args[0]);
    }
    default:
      throw unsupported(where, name);
  }
}

const isIntrinsic = (key: string) => key === 'Ref' || key.startsWith('Fn::');

/** `value` with every intrinsic evaluated; `where` names the property in errors (`Fn.Environment`). */
export function resolveValue(value: unknown, context: ResolveContext, where: string): unknown {
  if (Array.isArray(value)) {
    return value.map((item) => resolveValue(item, context, where)).filter((item) => item !== NO_VALUE);
  }
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value);
  if (entries.length === 1 && isIntrinsic(entries[0]![0])) {
    const [name, args] = entries[0]!;
    return intrinsic(name, args, context, where);
  }
  const resolved: Record<string, unknown> = {};
  for (const [key, item] of entries) {
    const result = resolveValue(item, context, `${where}.${key}`);
    if (result !== NO_VALUE) resolved[key] = result;
  }
  return resolved;
}

/** A value that must come out as text (a name, an ARN, an environment variable). */
export function resolveText(value: unknown, context: ResolveContext, where: string): string {
  return text(resolveValue(value, context, where), where, 'a value');
}
