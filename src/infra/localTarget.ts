/**
 * The local target as config.json records it, beside the aws targets: the stack the local host
 * applied (its name, account, region) and its outputs, resolved. The host writes it every time it
 * applies a template (at start and on `deploy`), so a command reads the local target's names
 * exactly as it reads an aws target's: from the outputs (namesFromOutputs, backendTarget.ts).
 */
import { InfrastructureError } from '../core/errors.js';
import { OutputKey } from './backendOutputs.js';
import { LOCAL_TARGET_NAME, readConfig, updateConfig } from './targets.js';

export interface LocalTargetRecord {
  readonly name: typeof LOCAL_TARGET_NAME;
  readonly kind: 'local';
  readonly account: string;
  readonly region: string;
  readonly stackName: string;
  /** The applied template's outputs, resolved for the local account: every physical name. */
  readonly outputs: Readonly<Record<string, string>>;
  readonly definitionHash: string;
  /** The template file applied (the build's, or the one `deploy --template` gave). */
  readonly templateFile: string;
  readonly appliedAt: string;
}

/** The key of config.json that holds it (aws targets are under `targets`). */
const LOCAL_KEY = 'local';

export function writeLocalTarget(
  home: string,
  applied: Omit<LocalTargetRecord, 'name' | 'kind' | 'definitionHash' | 'appliedAt'>,
): LocalTargetRecord {
  const record: LocalTargetRecord = {
    name: LOCAL_TARGET_NAME,
    kind: 'local',
    ...applied,
    definitionHash: applied.outputs[OutputKey.DefinitionHash] ?? '',
    appliedAt: new Date().toISOString(),
  };
  updateConfig(home, (config) => ({ ...config, [LOCAL_KEY]: record }));
  return record;
}

export function readLocalTarget(home: string): LocalTargetRecord | undefined {
  const record = readConfig(home)[LOCAL_KEY] as LocalTargetRecord | undefined;
  return record?.kind === 'local' ? record : undefined;
}

/**
 * The local target as the running host last applied it. Call after ensureLocalHost — a host
 * records it before it serves its first request.
 */
export function localTarget(home: string): LocalTargetRecord {
  const record = readLocalTarget(home);
  if (!record) {
    throw new InfrastructureError(
      'LOCAL_TARGET_UNRECORDED',
      'The local host has not recorded its stack in config.json; restart it with payroll-ops local stop, then any command.',
    );
  }
  return record;
}

/** The local target's outputs: every physical name, as the running host applied them. */
export function localTargetOutputs(home: string): Readonly<Record<string, string>> {
  return localTarget(home).outputs;
}
