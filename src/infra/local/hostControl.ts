/**
 * The host's control service, behind the front like the emulators (signed with the data folder's
 * credentials, signing name `payroll-ops`): `deploy` on the local target sends the template it
 * applies, and the host answers with the changes — worked out (DiffTemplate) or made
 * (ApplyTemplate) — and the outputs. JSON in, JSON out, errors as `{ __type, kind, message }`.
 */
import type { ServerResponse } from 'node:http';
import { BadInputError, describeError, PayrollOpsError } from '../../core/errors.js';
import type { Emulator, ForwardedRequest } from './emulators.js';
import type { HostedApp } from './hostedApp.js';
import type { StackApplier } from './stackApplier.js';
import { asTemplate, MAX_TEMPLATE_BYTES } from './template/cfnTemplate.js';
import type { LocalChange } from './template/planDiff.js';

export const HostControlTarget = {
  Diff: 'PayrollOpsHost.DiffTemplate',
  Apply: 'PayrollOpsHost.ApplyTemplate',
} as const;
export type HostControlTarget = (typeof HostControlTarget)[keyof typeof HostControlTarget];

export interface HostControlRequest {
  readonly template: unknown;
  /** Where the CLI read it: recorded with the local target. */
  readonly templateFile: string;
}

export interface HostControlAnswer {
  readonly stackName: string;
  readonly changes: readonly LocalChange[];
  readonly outputs: Readonly<Record<string, string>>;
}

function answer(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/x-amz-json-1.0',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

export function hostControl(applier: StackApplier, app: HostedApp): Emulator {
  const serve = async (request: ForwardedRequest): Promise<HostControlAnswer> => {
    const target = request.headers['x-amz-target'];
    if (target !== HostControlTarget.Diff && target !== HostControlTarget.Apply) {
      throw new BadInputError('UnknownOperationException', `This host has no operation ${String(target)}.`);
    }
    if (!app.planOf) {
      throw new BadInputError(
        'LOCAL_APP_NOT_DEPLOYABLE',
        'This host runs an app written out by hand, not a template; there is nothing to deploy to it.',
      );
    }
    // A template larger than CloudFormation takes, with room for the file name around it.
    if (request.body.length > MAX_TEMPLATE_BYTES + 64 * 1024) {
      throw new BadInputError(
        'TEMPLATE_TOO_LARGE',
        "The template is larger than 1 MiB, CloudFormation's limit.",
      );
    }
    let body: Partial<HostControlRequest>;
    try {
      body = JSON.parse(request.body.toString('utf8')) as Partial<HostControlRequest>;
    } catch {
      throw new BadInputError('SerializationException', 'The request body is not JSON.');
    }
    if (body === null || typeof body !== 'object' || typeof body.templateFile !== 'string') {
      throw new BadInputError('ValidationException', 'The request names no templateFile.');
    }
    const plan = app.planOf(asTemplate(body.template, body.templateFile));
    const source = body.templateFile;
    const changes =
      target === HostControlTarget.Apply ? await applier.apply(plan, source) : await applier.diff(plan);
    return { stackName: plan.stackName, changes, outputs: plan.outputs };
  };
  return {
    handle: async (request, res) => {
      try {
        answer(res, 200, await serve(request));
      } catch (error) {
        if (PayrollOpsError.isPayrollOpsError(error)) {
          answer(res, 400, {
            __type: error.code,
            kind: error.kind,
            message: error.message,
            details: error.details,
          });
        } else {
          // One line, as every message the CLI repeats.
          answer(res, 500, {
            __type: 'InternalFailure',
            message: describeError(error).split('\n')[0],
          });
        }
      }
    },
    close: async () => {},
  };
}
