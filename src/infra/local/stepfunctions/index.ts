export type { StepFunctionsService, StepFunctionsServiceOptions } from './stepFunctionsService.js';
export { createStepFunctionsService } from './stepFunctionsService.js';
export { ExecutionStatus } from './types.js';
