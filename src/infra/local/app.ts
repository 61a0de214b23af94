/**
 * The payroll backend as the local host runs it. A placeholder until the saga's handlers land:
 * the resources and handlers are filled in by the pay-run saga (src/infra/lambda).
 */
import type { LocalApp } from '../resources.js';

export function payrollApp(): LocalApp {
  return {
    tables: [],
    queues: [],
    lambdas: {},
    eventSourceMappings: [],
    stateMachines: [],
    schedules: [],
    api: { routes: [] },
  };
}
