/**
 * The artifact store contract, run against both stores: the data folder's files (local target)
 * and the S3 bucket (aws target; S3 itself stood in for by aws-sdk-client-mock keeping objects in
 * a map). What the bank gateway writes, verify must read back at the location the store answered,
 * through the same target's reader: so the two stores, and the two readers, cannot drift apart.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { createS3Artifacts, s3ArtifactReader } from '../../src/infra/aws/s3Artifacts.js';
import type { ArtifactStore } from '../../src/infra/lambda/bankGateway.js';
import { createFileArtifacts, transmissionLogPath } from '../../src/infra/local/fileArtifacts.js';

interface Subject {
  readonly store: ArtifactStore;
  readonly read: (location: string) => Promise<string>;
  /** Every transmission line logged so far, in order. */
  readonly transmissions: () => string[];
}

const roots: string[] = [];
afterAll(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

function fileSubject(): Subject {
  const home = mkdtempSync(join(tmpdir(), 'payroll-ops-artifacts-'));
  roots.push(home);
  return {
    store: createFileArtifacts(home),
    read: (location) => readFile(location, 'utf8'),
    transmissions: () => {
      try {
        return readFileSync(transmissionLogPath(home), 'utf8').trimEnd().split('\n');
      } catch {
        return [];
      }
    },
  };
}

const BUCKET = 'payroll-ops-prod-artifacts';
const s3 = mockClient(S3Client);

function s3Subject(): Subject {
  const objects = new Map<string, string>();
  s3.reset();
  s3.on(PutObjectCommand).callsFake((input: { Bucket: string; Key: string; Body: string }) => {
    objects.set(`${input.Bucket}/${input.Key}`, input.Body);
    return {};
  });
  s3.on(DeleteObjectCommand).callsFake((input: { Bucket: string; Key: string }) => {
    objects.delete(`${input.Bucket}/${input.Key}`);
    return {};
  });
  s3.on(GetObjectCommand).callsFake((input: { Bucket: string; Key: string }) => {
    const body = objects.get(`${input.Bucket}/${input.Key}`);
    if (body === undefined)
      throw Object.assign(new Error('The specified key does not exist.'), { name: 'NoSuchKey' });
    return { Body: { transformToString: async () => body } };
  });
  const client = new S3Client({ region: 'eu-west-1' });
  return {
    store: createS3Artifacts(client, BUCKET),
    read: s3ArtifactReader(client, BUCKET),
    transmissions: () =>
      [...objects]
        .filter(([key]) => key.startsWith(`${BUCKET}/bank/transmissions/`))
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([, body]) => body.trimEnd()),
  };
}

describe.each([
  ['files in the data folder', fileSubject],
  ['the S3 bucket', s3Subject],
])('the artifact store on %s', (_name, make) => {
  let subject: Subject;
  beforeEach(() => {
    subject = make();
  });

  it('gives back, at the location it answered, exactly what was written', async () => {
    const text = '101 091000019 1234567892603310000A094101BANK\n5200ACME\n';
    const where = await subject.store.put('acme-2026-03-regular', 'acme-2026-03-regular-credit.ach', text);
    expect(await subject.read(where)).toBe(text);
  });

  it('answers the same location for a repeated write (a redelivered message), with the last content', async () => {
    const first = await subject.store.put('r1', 'r1-credit.ach', 'one\n');
    const again = await subject.store.put('r1', 'r1-credit.ach', 'one\n');
    expect(again).toBe(first);
    expect(await subject.read(first)).toBe('one\n');
  });

  it('keeps runs apart', async () => {
    const a = await subject.store.put('r1', 'credit.ach', 'r1\n');
    const b = await subject.store.put('r2', 'credit.ach', 'r2\n');
    expect(a).not.toBe(b);
    expect([await subject.read(a), await subject.read(b)]).toEqual(['r1\n', 'r2\n']);
  });

  it('removes a file that never left, so it cannot be read back', async () => {
    const where = await subject.store.put('r1', 'r1-credit.ach', 'cancelled\n');
    await subject.store.remove('r1', 'r1-credit.ach');
    await expect(subject.read(where)).rejects.toThrow();
    await subject.store.remove('r1', 'never-written.ach');
  });

  it('logs every transmission line once, in time order', async () => {
    await subject.store.logTransmission('2026-03-31T15:00:00.000Z SENT r1 credit');
    await subject.store.logTransmission('2026-03-31T15:00:01.000Z SENT r2 credit');
    expect(subject.transmissions()).toEqual([
      '2026-03-31T15:00:00.000Z SENT r1 credit',
      '2026-03-31T15:00:01.000Z SENT r2 credit',
    ]);
  });
});
