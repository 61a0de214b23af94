/**
 * The app a host runs, whichever way it was written, as one shape: a plan to apply at start, the
 * handler of each of its functions, its recovery, and — for a template-driven app (the payroll
 * app) — how a template becomes a plan, which is what `deploy` on the local target needs.
 */
import type { AwsClients } from '../aws/clients.js';
import { LOCAL_ACCOUNT_ID, LOCAL_REGION } from '../aws/clients.js';
import { LOCAL_STACK_NAME } from '../backendNames.js';
import type { LambdaHandler, LocalApp, TemplateApp } from '../resources.js';
import { appPlan } from './template/appPlan.js';
import { type CfnTemplate, readTemplate } from './template/cfnTemplate.js';
import type { ResolveScope } from './template/intrinsics.js';
import type { LocalPlan, PlannedFunction } from './template/localPlan.js';
import { templatePlan } from './template/templatePlan.js';

/** The local account as the template's pseudo parameters see it. */
export const LOCAL_SCOPE: ResolveScope = {
  region: LOCAL_REGION,
  accountId: LOCAL_ACCOUNT_ID,
  stackName: LOCAL_STACK_NAME,
  partition: 'aws',
  urlSuffix: 'amazonaws.com',
};

export interface HostedApp {
  /** What the host applies at start (a template app: its template file, read now). */
  startPlan(): LocalPlan;
  handlerFor(fn: PlannedFunction): LambdaHandler | undefined;
  /** A template's plan; absent for a hand-written app, which has no template to deploy. */
  readonly planOf?: (template: CfnTemplate) => LocalPlan;
  /** The template file the host applies at start (a template app's). */
  readonly templateFile?: string;
  recover(clients: AwsClients, plan: LocalPlan): Promise<{ readonly reenqueued: number }>;
}

export function isTemplateApp(value: unknown): value is TemplateApp {
  return (
    value !== null &&
    typeof value === 'object' &&
    typeof (value as TemplateApp).templateFile === 'string' &&
    typeof (value as TemplateApp).handlerFor === 'function'
  );
}

export function hostedApp(app: LocalApp | TemplateApp): HostedApp {
  if (isTemplateApp(app)) {
    const planOf = (template: CfnTemplate) => templatePlan(template, LOCAL_SCOPE);
    return {
      startPlan: () => planOf(readTemplate(app.templateFile)),
      handlerFor: (fn) => app.handlerFor(fn),
      planOf,
      templateFile: app.templateFile,
      recover: async (_clients, plan) => (app.recover ? app.recover(plan.functions) : { reenqueued: 0 }),
    };
  }
  return {
    startPlan: () => appPlan(app, LOCAL_SCOPE),
    handlerFor: (fn) => app.lambdas[fn.name],
    recover: async (clients) => (app.recover ? app.recover(clients) : { reenqueued: 0 }),
  };
}
