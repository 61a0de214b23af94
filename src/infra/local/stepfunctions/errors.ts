import { BadInputError } from '../../../core/errors.js';

/** The AWS error names the Step Functions API answers with (HTTP 400, `__type`). */
export const SfnErrorType = {
  StateMachineDoesNotExist: 'StateMachineDoesNotExist',
  StateMachineAlreadyExists: 'StateMachineAlreadyExists',
  ExecutionDoesNotExist: 'ExecutionDoesNotExist',
  ExecutionAlreadyExists: 'ExecutionAlreadyExists',
  ExecutionNotRedrivable: 'ExecutionNotRedrivable',
  InvalidDefinition: 'InvalidDefinition',
  InvalidName: 'InvalidName',
  InvalidArn: 'InvalidArn',
  InvalidExecutionInput: 'InvalidExecutionInput',
  InvalidToken: 'InvalidToken',
  ValidationException: 'ValidationException',
  UnknownOperation: 'UnknownOperationException',
  Serialization: 'SerializationException',
} as const;
export type SfnErrorType = (typeof SfnErrorType)[keyof typeof SfnErrorType];

/** A request refused with an AWS error name; the protocol layer turns it into `{__type, message}`. */
export class SfnApiError extends BadInputError {
  readonly awsType: SfnErrorType;

  constructor(awsType: SfnErrorType, message: string) {
    super(`SFN_${awsType}`, message);
    this.name = 'SfnApiError';
    this.awsType = awsType;
  }

  static isSfnApiError(value: unknown): value is SfnApiError {
    return value instanceof SfnApiError;
  }
}
