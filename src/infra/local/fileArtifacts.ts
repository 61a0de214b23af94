/** Artifacts of runs kept in the data folder: ACH files and the bank's transmission log. */
import { appendFileSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { ArtifactStore } from '../lambda/bankGateway.js';
import { writeFileAtomic } from './atomicFile.js';

export function artifactsDir(home: string): string {
  return join(home, 'artifacts');
}

export function transmissionLogPath(home: string): string {
  return join(home, 'bank', 'transmissions.log');
}

export function createFileArtifacts(home: string): ArtifactStore {
  return {
    async put(runId, name, text) {
      const path = join(artifactsDir(home), runId, name);
      // Bank files hold account numbers: readable by the owner only.
      writeFileAtomic(path, text, 0o600);
      return path;
    },
    async remove(runId, name) {
      rmSync(join(artifactsDir(home), runId, name), { force: true });
    },
    async logTransmission(line) {
      const path = transmissionLogPath(home);
      mkdirSync(join(home, 'bank'), { recursive: true });
      appendFileSync(path, `${line}\n`, { mode: 0o600 });
    },
  };
}
