/**
 * Which app the host runs: the payroll app (provisioned from the synthesized template) by default,
 * or a module named by a specifier `path/to/module.js#exportName` (export defaults to `default`)
 * whose export is a LocalApp or TemplateApp, or a function of the LocalAppContext returning one.
 * Tests run the host with their own apps this way.
 */
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { BadInputError } from '../../core/errors.js';
import type { LocalApp, LocalAppContext, TemplateApp } from '../resources.js';
import { isTemplateApp } from './hostedApp.js';

export type AppRef = LocalApp | TemplateApp | string;

function isLocalApp(value: unknown): value is LocalApp {
  return (
    value !== null &&
    typeof value === 'object' &&
    Array.isArray((value as LocalApp).tables) &&
    typeof (value as LocalApp).lambdas === 'object'
  );
}

export async function loadApp(
  ref: AppRef | undefined,
  context: LocalAppContext,
): Promise<LocalApp | TemplateApp> {
  if (typeof ref === 'object') return ref;
  // Imported on demand: a host running a test app does not load the whole payroll backend.
  if (ref === undefined) return (await import('./payrollApp.js')).payrollApp(context);
  const hash = ref.lastIndexOf('#');
  const path = hash > 0 ? ref.slice(0, hash) : ref;
  const exportName = hash > 0 ? ref.slice(hash + 1) : 'default';
  const url = path.startsWith('file:') ? path : pathToFileURL(isAbsolute(path) ? path : resolve(path)).href;
  const module = (await import(url)) as Record<string, unknown>;
  const exported = module[exportName];
  const value =
    typeof exported === 'function' ? await (exported as (c: LocalAppContext) => unknown)(context) : exported;
  if (!isLocalApp(value) && !isTemplateApp(value)) {
    throw new BadInputError('BAD_LOCAL_APP', `${ref} does not export a local app as ${exportName}.`);
  }
  return value;
}
