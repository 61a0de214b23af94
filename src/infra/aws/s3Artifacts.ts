/**
 * Artifacts of runs in the stack's S3 bucket (the local target keeps files, see
 * src/infra/local/fileArtifacts.ts): ACH files under `runs/<run id>/`, and the bank's transmission
 * log as one object per transmitted file, since S3 cannot append. Both keys are deterministic, so
 * a repeated write (a redelivered message) replaces an object with the same content.
 */
import { createHash } from 'node:crypto';
import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { BadInputError } from '../../core/errors.js';
import type { ArtifactStore } from '../lambda/bankGateway.js';
import { translateAwsError } from './awsErrors.js';

export const ARTIFACTS_PREFIX = 'runs/';
export const TRANSMISSIONS_PREFIX = 'bank/transmissions/';

export function artifactKey(runId: string, name: string): string {
  return `${ARTIFACTS_PREFIX}${runId}/${name}`;
}

/** `bank/transmissions/<time>-<hash of the line>.log`: listed in time order, one per transmission. */
export function transmissionKey(line: string): string {
  const time = line.split(' ', 1)[0] ?? '';
  const digest = createHash('sha256').update(line).digest('hex').slice(0, 16);
  return `${TRANSMISSIONS_PREFIX}${time}-${digest}.log`;
}

export function createS3Artifacts(s3: S3Client, bucket: string): ArtifactStore {
  const put = async (key: string, body: string): Promise<void> => {
    try {
      await s3.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: key,
          Body: body,
          ContentType: 'text/plain; charset=utf-8',
        }),
      );
    } catch (error) {
      throw translateAwsError(`S3 PutObject s3://${bucket}/${key}`, error);
    }
  };
  return {
    async put(runId, name, text) {
      const key = artifactKey(runId, name);
      await put(key, text);
      return `s3://${bucket}/${key}`;
    },
    async logTransmission(line) {
      await put(transmissionKey(line), `${line}\n`);
    },
    // A file cancelled while it was being written never left: it is removed (the bucket keeps
    // a version, as it keeps every overwritten one).
    async remove(runId, name) {
      const key = artifactKey(runId, name);
      try {
        await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
      } catch (error) {
        throw translateAwsError(`S3 DeleteObject s3://${bucket}/${key}`, error);
      }
    },
  };
}

/**
 * Reads back an artifact at the `s3://bucket/key` location a run recorded (verify), only from the
 * target's own bucket: a location is data in the table, and the operator's credentials are not
 * sent after whatever bucket a changed record names.
 */
export function s3ArtifactReader(s3: S3Client, bucket: string): (location: string) => Promise<string> {
  return async (location) => {
    const match = /^s3:\/\/([^/]+)\/(.+)$/.exec(location);
    if (!match || match[1] !== bucket) {
      throw new BadInputError(
        'BAD_ARTIFACT_LOCATION',
        `${location} is not an s3:// location in this target's bucket ${bucket}; the run record names a file this CLI will not read.`,
      );
    }
    const key = match[2] as string;
    try {
      const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      return (await out.Body?.transformToString('utf-8')) ?? '';
    } catch (error) {
      throw translateAwsError(`S3 GetObject ${location}`, error);
    }
  };
}
