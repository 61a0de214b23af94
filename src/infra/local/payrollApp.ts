/**
 * The payroll backend as the local host runs it: whatever the synthesized template declares
 * (dist/template/payroll-ops.template.json, the stack `payroll-ops` as `deploy` would ship it),
 * each function running the handler its environment names with the names its environment gives —
 * as the Lambda entry does on AWS — plus the local-only fault injection around the handlers.
 */

import { BadInputError, describeError } from '../../core/errors.js';
import type { SagaPorts } from '../../core/ports.js';
import type { AchFileKind } from '../../core/saga/records.js';
import { type ArtifactStore, recordRejection, transmitAchFile } from '../lambda/bankGateway.js';
import { createPayrollBackend, type PayrollBackend } from '../lambda/composition.js';
import { LambdaEnv, type LambdaSettings, readLambdaEnvironment } from '../lambda/environment.js';
import { expireOrphanedInProgress } from '../lambda/idempotency.js';
import type { LambdaHandler, TemplateApp, TemplateFunction } from '../resources.js';
import { faultGuard, withFaults } from './faults.js';
import { createFileArtifacts } from './fileArtifacts.js';
import { lambdaContext } from './lambdaRuntime.js';
import { builtTemplatePath } from './template/cfnTemplate.js';

export interface PayrollAppContext {
  readonly home: string;
  /** The template to provision from; the build's (dist/template) by default. */
  readonly templateFile?: string;
}

/** The local bank's `return` fault: the file is transmitted and its first entry comes back with it. */
async function transmitReturningFirst(
  ports: SagaPorts,
  artifacts: ArtifactStore,
  message: { messageId: string; runId: string; kind: AchFileKind },
  code: string,
): Promise<void> {
  await transmitAchFile({ ...ports, artifacts, now: () => ports.clock.now() }, message, (entries) =>
    entries.slice(0, 1).map((entry) => ({ ...entry, code })),
  );
}

interface LocalBackend {
  readonly backend: PayrollBackend;
  readonly handlers: Readonly<Record<string, LambdaHandler>>;
}

/** A function's settings from its environment, or one line naming the function and what it lacks. */
function settingsOf(fn: TemplateFunction): LambdaSettings {
  try {
    return readLambdaEnvironment(fn.environment);
  } catch (error) {
    // The template's fault, not the host's: deploy --template refuses it (exit 2), nothing changed.
    throw new BadInputError(
      'LAMBDA_ENVIRONMENT',
      `Function ${fn.name} cannot run locally: ${describeError(error).replace(/\.$/, '')}; give it the environment payroll-ops synthesizes (its ${LambdaEnv.Handler} names the handler).`,
      { cause: error },
    );
  }
}

export function payrollApp(context: PayrollAppContext): TemplateApp {
  // The earliest deadline any invocation of this host can have: an in-progress idempotency record
  // expiring before it was left by an invocation of an earlier host that died (the data folder
  // has one owner at a time).
  const firstDeadline = Date.now() + lambdaContext('recover').getRemainingTimeInMillis();
  const artifacts = createFileArtifacts(context.home);
  // One backend (clients, adapters, handlers) per set of names: every function of a stack shares it.
  const backends = new Map<string, LocalBackend>();
  const backendFor = (config: LambdaSettings['config']): LocalBackend => {
    const key = JSON.stringify(config);
    let built = backends.get(key);
    if (!built) {
      const backend = createPayrollBackend({ config, artifacts, insideGuard: faultGuard(context.home) });
      const ports = backend.ports;
      const handlers = withFaults(context.home, backend.handlers, {
        reject: (message, reason) => recordRejection(ports, message, reason),
        transmitReturningFirst: (message, code) => transmitReturningFirst(ports, artifacts, message, code),
      });
      built = { backend, handlers };
      backends.set(key, built);
    }
    return built;
  };
  return {
    templateFile: context.templateFile ?? builtTemplatePath(),
    handlerFor(fn) {
      const settings = settingsOf(fn);
      // Built on first use: the host sets the Lambda environment (endpoints) before any invocation.
      return (event, ctx) => {
        const handler = backendFor(settings.config).handlers[settings.handler];
        if (!handler) throw new TypeError(`no handler registered for ${settings.handler}`);
        return handler(event, ctx);
      };
    },
    async recover(functions) {
      let reenqueued = 0;
      const configs = new Map(
        functions.map((fn) => [JSON.stringify(settingsOf(fn).config), settingsOf(fn).config]),
      );
      for (const config of configs.values()) {
        const { ports, idempotency } = backendFor(config).backend;
        // First, so the redriven steps and the re-enqueued messages can take over their records.
        await expireOrphanedInProgress(idempotency, firstDeadline);
        const pending = await ports.outbox.pending();
        for (const message of pending) await ports.outbox.publish(message);
        reenqueued += pending.length;
      }
      return { reenqueued };
    },
  };
}
