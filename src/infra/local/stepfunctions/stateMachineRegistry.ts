import { randomUUID } from 'node:crypto';
import { validateDefinition } from './definition.js';
import { SfnApiError, SfnErrorType } from './errors.js';
import { type ArnScope, requireStateMachineArn, stateMachineArn, validateName } from './names.js';
import { page } from './paging.js';
import type { StepFunctionsStore } from './store.js';
import { type StateMachineRecord, StateMachineType } from './types.js';

type Body = Readonly<Record<string, unknown>>;

/** CreateStateMachine, UpdateStateMachine, DescribeStateMachine, ListStateMachines, DeleteStateMachine. */
export class StateMachineRegistry {
  private readonly machines = new Map<string, StateMachineRecord>();

  constructor(
    private readonly store: StepFunctionsStore,
    private readonly scope: ArnScope,
  ) {}

  async load(): Promise<void> {
    for (const record of await this.store.loadStateMachines()) this.machines.set(record.arn, record);
  }

  /** The machine, or StateMachineDoesNotExist as AWS answers. */
  get(arn: unknown): StateMachineRecord {
    const machine = this.machines.get(requireStateMachineArn(arn));
    if (!machine) {
      throw new SfnApiError(
        SfnErrorType.StateMachineDoesNotExist,
        `State Machine Does Not Exist: '${String(arn)}'`,
      );
    }
    return machine;
  }

  create(body: Body): { stateMachineArn: string; creationDate: Date } {
    const name = validateName(body.name, 'state machine');
    const type =
      body.type === StateMachineType.Express ? StateMachineType.Express : StateMachineType.Standard;
    const roleArn = typeof body.roleArn === 'string' ? body.roleArn : this.defaultRole();
    const arn = stateMachineArn(this.scope, name);
    const existing = this.machines.get(arn);
    if (existing) {
      // AWS: the same name with the same definition, type and role is idempotent.
      if (existing.definition === body.definition && existing.type === type && existing.roleArn === roleArn) {
        return { stateMachineArn: arn, creationDate: new Date(existing.creationDate) };
      }
      throw new SfnApiError(SfnErrorType.StateMachineAlreadyExists, `State Machine Already Exists: '${arn}'`);
    }
    validateDefinition(body.definition);
    const record: StateMachineRecord = {
      arn,
      name,
      type,
      definition: body.definition as string,
      roleArn,
      creationDate: Date.now(),
      revisionId: randomUUID(),
    };
    this.machines.set(arn, record);
    this.persist();
    return { stateMachineArn: arn, creationDate: new Date(record.creationDate) };
  }

  /** Executions already started keep the definition they started with, as on AWS. */
  update(body: Body): { updateDate: Date; revisionId: string } {
    const machine = this.get(body.stateMachineArn);
    if (body.definition === undefined && body.roleArn === undefined) {
      throw new SfnApiError(SfnErrorType.ValidationException, 'Either definition or roleArn must be given.');
    }
    if (body.definition !== undefined) validateDefinition(body.definition);
    const updated: StateMachineRecord = {
      ...machine,
      definition: typeof body.definition === 'string' ? body.definition : machine.definition,
      roleArn: typeof body.roleArn === 'string' ? body.roleArn : machine.roleArn,
      updateDate: Date.now(),
      revisionId: randomUUID(),
    };
    this.machines.set(machine.arn, updated);
    this.persist();
    return { updateDate: new Date(updated.updateDate!), revisionId: updated.revisionId };
  }

  describe(body: Body): Record<string, unknown> {
    const machine = this.get(body.stateMachineArn);
    return {
      stateMachineArn: machine.arn,
      name: machine.name,
      status: 'ACTIVE',
      definition: machine.definition,
      roleArn: machine.roleArn,
      type: machine.type,
      creationDate: new Date(machine.creationDate),
      revisionId: machine.revisionId,
      loggingConfiguration: { level: 'OFF', includeExecutionData: false },
      tracingConfiguration: { enabled: false },
    };
  }

  list(body: Body): Record<string, unknown> {
    const all = [...this.machines.values()].sort((a, b) => a.name.localeCompare(b.name));
    const { items, nextToken } = page(all, body.maxResults, body.nextToken);
    return {
      stateMachines: items.map((machine) => ({
        stateMachineArn: machine.arn,
        name: machine.name,
        type: machine.type,
        creationDate: new Date(machine.creationDate),
      })),
      nextToken,
    };
  }

  /** Executions of a deleted machine stay readable; the ones running finish with their own definition. */
  delete(body: Body): Record<string, never> {
    const arn = requireStateMachineArn(body.stateMachineArn);
    if (this.machines.delete(arn)) this.persist();
    return {};
  }

  count(): number {
    return this.machines.size;
  }

  private persist(): void {
    void this.store.saveStateMachines([...this.machines.values()]);
  }

  private defaultRole(): string {
    return `arn:aws:iam::${this.scope.accountId}:role/payroll-ops-local-stepfunctions`;
  }
}
