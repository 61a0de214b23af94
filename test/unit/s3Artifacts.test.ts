import {
  DeleteObjectCommand,
  GetObjectCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { BadInputError, InfrastructureError, TransientError } from '../../src/core/errors.js';
import { createS3Artifacts, s3ArtifactReader, transmissionKey } from '../../src/infra/aws/s3Artifacts.js';

const s3 = mockClient(S3Client);
const client = new S3Client({ region: 'eu-west-1' });

afterEach(() => s3.reset());

describe('S3 artifact store', () => {
  it('writes an ACH file under its run and answers where it is', async () => {
    s3.on(PutObjectCommand).resolves({});
    const store = createS3Artifacts(client, 'payroll-artifacts');
    const where = await store.put('acme-2026-03-regular', 'acme-2026-03-regular-credit.ach', '101 ...\n');
    expect(where).toBe('s3://payroll-artifacts/runs/acme-2026-03-regular/acme-2026-03-regular-credit.ach');
    const [call] = s3.commandCalls(PutObjectCommand);
    expect(call?.args[0].input).toMatchObject({
      Bucket: 'payroll-artifacts',
      Key: 'runs/acme-2026-03-regular/acme-2026-03-regular-credit.ach',
      Body: '101 ...\n',
    });
  });

  it('removes an ACH file that never left, by the key it was written under', async () => {
    s3.on(DeleteObjectCommand).resolves({});
    const store = createS3Artifacts(client, 'payroll-artifacts');
    await store.remove('acme-2026-03-regular', 'acme-2026-03-regular-credit.ach');
    expect(s3.commandCalls(DeleteObjectCommand).map((call) => call.args[0].input)).toEqual([
      { Bucket: 'payroll-artifacts', Key: 'runs/acme-2026-03-regular/acme-2026-03-regular-credit.ach' },
    ]);
  });

  it('keeps each transmission as its own object, the same key for the same line', async () => {
    s3.on(PutObjectCommand).resolves({});
    const store = createS3Artifacts(client, 'payroll-artifacts');
    const line = '2026-03-31T10:00:00.000Z acme-2026-03-regular CREDIT entries=12 total=4500000 s3://x';
    await store.logTransmission(line);
    await store.logTransmission(line);
    await store.logTransmission(line.replace('CREDIT', 'REVERSAL'));
    const keys = s3.commandCalls(PutObjectCommand).map((call) => call.args[0].input.Key);
    expect(keys[0]).toBe(transmissionKey(line));
    expect(keys[0]).toMatch(/^bank\/transmissions\/2026-03-31T10:00:00\.000Z-[0-9a-f]{16}\.log$/);
    expect(keys[1]).toBe(keys[0]);
    expect(keys[2]).not.toBe(keys[0]);
    expect(s3.commandCalls(PutObjectCommand)[0]?.args[0].input.Body).toBe(`${line}\n`);
  });

  it('turns throttling into a retryable error and a refusal into an infrastructure error', async () => {
    const store = createS3Artifacts(client, 'payroll-artifacts');
    s3.on(PutObjectCommand).rejects(
      new S3ServiceException({ name: 'SlowDown', $fault: 'server', $metadata: { httpStatusCode: 503 } }),
    );
    await expect(store.put('r', 'f.ach', 'x')).rejects.toBeInstanceOf(TransientError);
    s3.reset();
    s3.on(PutObjectCommand).rejects(
      new S3ServiceException({ name: 'AccessDenied', $fault: 'client', $metadata: { httpStatusCode: 403 } }),
    );
    const refused = store.put('r', 'f.ach', 'x');
    await expect(refused).rejects.toBeInstanceOf(InfrastructureError);
    await expect(refused).rejects.not.toBeInstanceOf(TransientError);
    await expect(refused).rejects.toThrow(/AccessDenied/);
  });
});

describe('reading an ACH file back (verify)', () => {
  it('reads only from the target bucket, never from one a changed run record names', async () => {
    s3.on(GetObjectCommand).resolves({
      Body: { transformToString: async () => '101 ...\n' } as never,
    });
    const read = s3ArtifactReader(client, 'payroll-artifacts');
    expect(await read('s3://payroll-artifacts/runs/r1/r1-credit.ach')).toBe('101 ...\n');
    expect(s3.commandCalls(GetObjectCommand).map((call) => call.args[0].input)).toEqual([
      { Bucket: 'payroll-artifacts', Key: 'runs/r1/r1-credit.ach' },
    ]);
    for (const elsewhere of [
      's3://someone-elses-bucket/secrets.txt',
      '/etc/passwd',
      's3://payroll-artifacts',
    ]) {
      await expect(read(elsewhere)).rejects.toThrow(BadInputError);
    }
    expect(s3.commandCalls(GetObjectCommand)).toHaveLength(1);
  });
});
