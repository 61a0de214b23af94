/**
 * TEST DOUBLE of the AWS control plane — NOT an emulator of AWS. A minimal stand-in, on
 * 127.0.0.1, of exactly the STS, SSM, S3 and CloudFormation calls toolkit-lib makes to deploy,
 * diff and destroy one stack (as measured in ../shared/DEPLOY.md), reached through
 * AWS_ENDPOINT_URL. It keeps stacks, change sets, events and uploaded objects in memory, creates
 * every resource at once (no resource is real), and can be told to be unbootstrapped, to fail a
 * resource, to take its time, or never to answer. Requests are routed by the service named in
 * their SigV4 credential scope; anything it does not know is answered with an error naming it.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CloudFormationStandIn } from './cloudFormationStandIn.js';
import { queryError, queryResponse, xmlOf } from './queryProtocol.js';

export const STAND_IN_ACCOUNT = '123456789012';
export const STAND_IN_CALLER = `arn:aws:iam::${STAND_IN_ACCOUNT}:user/operator`;
export const BOOTSTRAP_VERSION_PARAMETER = '/cdk-bootstrap/hnb659fds/version';

export interface StandInOptions {
  /** Answer nothing at all (the endpoint that accepts and hangs). */
  readonly hang?: boolean;
  /** Without the bootstrap version parameter, toolkit-lib refuses to deploy. */
  readonly bootstrapped?: boolean;
}

export interface Call {
  readonly service: string;
  readonly action: string;
}

export interface ControlPlane {
  readonly url: string;
  readonly cloudFormation: CloudFormationStandIn;
  /** Every call, in order (service and action). */
  readonly calls: readonly Call[];
  readonly objects: ReadonlyMap<string, Buffer>;
  setBootstrapped(bootstrapped: boolean): void;
  close(): Promise<void>;
}

function serviceOf(req: IncomingMessage): string {
  const scope = /Credential=[^/]+\/\d+\/[^/]+\/([^/]+)\//.exec(req.headers.authorization ?? '');
  return scope?.[1] ?? 'unknown';
}

/** An S3 body sent with aws-chunked encoding (checksums in trailers), decoded. */
function decodeChunked(body: Buffer, req: IncomingMessage): Buffer {
  const encoding = `${req.headers['content-encoding'] ?? ''} ${req.headers['x-amz-content-sha256'] ?? ''}`;
  if (!/aws-chunked|STREAMING-/.test(encoding)) return body;
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const lineEnd = body.indexOf('\r\n', at);
    if (lineEnd < 0) break;
    const size = Number.parseInt(body.subarray(at, lineEnd).toString().split(';')[0] ?? '0', 16);
    if (!size) break;
    parts.push(body.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
  return Buffer.concat(parts);
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export async function startControlPlane(options: StandInOptions = {}): Promise<ControlPlane> {
  const calls: Call[] = [];
  const objects = new Map<string, Buffer>();
  const parameters = new Map<string, string>();
  const setBootstrapped = (on: boolean) => {
    if (on) parameters.set(BOOTSTRAP_VERSION_PARAMETER, '30');
    else parameters.delete(BOOTSTRAP_VERSION_PARAMETER);
  };
  setBootstrapped(options.bootstrapped !== false);
  // toolkit-lib's bootstrap deploys the CDKToolkit stack, whose SSM parameter says its version.
  const cloudFormation = new CloudFormationStandIn(STAND_IN_ACCOUNT, (url) => {
    const path = new URL(url).pathname.replace(/^\//, '');
    return objects.get(path)?.toString('utf8');
  });
  cloudFormation.onComplete = (stack) => {
    if (stack.name === 'CDKToolkit') setBootstrapped(true);
  };
  const hanging = new Set<ServerResponse>();

  async function handle(req: IncomingMessage, res: ServerResponse) {
    if (options.hang) {
      hanging.add(res);
      return;
    }
    const body = await readBody(req);
    const service = serviceOf(req);
    const url = new URL(req.url ?? '/', 'http://stand-in');
    switch (service) {
      case 'sts': {
        const form = new URLSearchParams(body.toString());
        const action = form.get('Action') ?? '';
        calls.push({ service, action });
        const namespace = 'https://sts.amazonaws.com/doc/2011-06-15/';
        if (action === 'GetCallerIdentity') {
          queryResponse(res, action, namespace, {
            Arn: STAND_IN_CALLER,
            UserId: 'AIDAOPERATOR',
            Account: STAND_IN_ACCOUNT,
          });
        } else if (action === 'AssumeRole') {
          queryResponse(res, action, namespace, {
            Credentials: {
              AccessKeyId: 'ASIASTANDIN',
              SecretAccessKey: 'stand-in',
              SessionToken: 'stand-in',
              Expiration: new Date(Date.now() + 3_600_000),
            },
            AssumedRoleUser: { Arn: `${form.get('RoleArn')}/session`, AssumedRoleId: 'AROA:session' },
          });
        } else queryError(res, 400, 'InvalidAction', `The stand-in has no STS ${action}.`);
        return;
      }
      case 'ssm': {
        const action = String(req.headers['x-amz-target'] ?? '').split('.')[1] ?? '';
        calls.push({ service, action });
        const input = JSON.parse(body.toString() || '{}') as { Name?: string };
        const value = input.Name ? parameters.get(input.Name) : undefined;
        res.writeHead(value === undefined ? 400 : 200, { 'content-type': 'application/x-amz-json-1.1' });
        res.end(
          JSON.stringify(
            value === undefined
              ? { __type: 'ParameterNotFound', message: `Parameter ${input.Name} not found.` }
              : { Parameter: { Name: input.Name, Type: 'String', Value: value, Version: 1 } },
          ),
        );
        return;
      }
      case 's3': {
        const [bucket = '', ...rest] = url.pathname.replace(/^\//, '').split('/');
        const key = decodeURIComponent(rest.join('/'));
        const action =
          req.method === 'PUT'
            ? 'PutObject'
            : url.searchParams.has('location')
              ? 'GetBucketLocation'
              : key
                ? `${req.method}Object`
                : 'ListObjectsV2';
        calls.push({ service, action });
        if (action === 'PutObject') {
          objects.set(`${bucket}/${key}`, decodeChunked(body, req));
          res.writeHead(200, { etag: `"${randomUUID()}"` });
          res.end();
        } else if (action === 'GetBucketLocation') {
          res.writeHead(200, { 'content-type': 'application/xml' });
          res.end(
            '<LocationConstraint xmlns="http://s3.amazonaws.com/doc/2006-03-01/">eu-west-1</LocationConstraint>',
          );
        } else if (action === 'ListObjectsV2') {
          const prefix = url.searchParams.get('prefix') ?? '';
          const keys = [...objects.keys()].filter((k) => k.startsWith(`${bucket}/${prefix}`));
          res.writeHead(200, { 'content-type': 'application/xml' });
          res.end(
            `<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>${bucket}</Name><Prefix>${xmlOf(prefix)}</Prefix>` +
              `<KeyCount>${keys.length}</KeyCount><MaxKeys>1000</MaxKeys><IsTruncated>false</IsTruncated>` +
              keys
                .map(
                  (k) => `<Contents><Key>${xmlOf(k.slice(bucket.length + 1))}</Key><Size>1</Size></Contents>`,
                )
                .join('') +
              '</ListBucketResult>',
          );
        } else {
          const object = objects.get(`${bucket}/${key}`);
          res.writeHead(object ? 200 : 404, { 'content-length': String(object?.length ?? 0) });
          res.end(req.method === 'HEAD' ? undefined : object);
        }
        return;
      }
      case 'cloudformation': {
        const form = new URLSearchParams(body.toString());
        calls.push({ service, action: form.get('Action') ?? '' });
        cloudFormation.handle(form, res);
        return;
      }
      default:
        calls.push({ service, action: `${req.method} ${url.pathname}` });
        queryError(res, 400, 'UnknownService', `The stand-in does not serve ${service}.`);
    }
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) queryError(res, 500, 'InternalFailure', String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    cloudFormation,
    calls,
    objects,
    setBootstrapped,
    async close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The environment of a process that should reach the stand-in with static credentials. */
export function standInEnvironment(plane: ControlPlane): Record<string, string> {
  return {
    AWS_ENDPOINT_URL: plane.url,
    AWS_ACCESS_KEY_ID: 'AKIASTANDIN',
    AWS_SECRET_ACCESS_KEY: 'stand-in',
    AWS_EC2_METADATA_DISABLED: 'true',
  };
}
