/** The payroll backend as one CloudFormation stack, declared from the backend specification. */
import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { BackendSpec } from '../backendSpec.js';
import { acknowledgeFindings } from './acknowledgements.js';
import { declareApi } from './api.js';
import { declareFunctions } from './functions.js';
import { declareAlarms } from './monitoring.js';
import { declareOutputs } from './outputs.js';
import { declareSchedules } from './schedules.js';
import { declareStateMachines } from './stateMachines.js';
import { declareStorage } from './storage.js';

export interface PayrollStackProps extends StackProps {
  readonly spec: BackendSpec;
  /** The folder of the Lambda bundle (dist/lambda), deployed as every function's code. */
  readonly bundleDir: string;
}

export class PayrollStack extends Stack {
  constructor(scope: Construct, id: string, props: PayrollStackProps) {
    super(scope, id, { ...props, stackName: props.spec.stackName });
    const { spec } = props;
    this.templateOptions.description = `payroll-ops backend (${spec.stackName}): pay-run saga, payday, off-cycle API`;
    const storage = declareStorage(this, spec);
    const functions = declareFunctions(this, spec, storage, props.bundleDir);
    const machines = declareStateMachines(this, spec, functions);
    const api = declareApi(this, spec, functions);
    const schedules = declareSchedules(this, spec, functions, machines);
    declareAlarms(this, spec, storage, machines);
    declareOutputs(this, spec, { storage, machines, api });
    acknowledgeFindings(this, spec, { storage, machines, api, functions, schedules });
  }
}
