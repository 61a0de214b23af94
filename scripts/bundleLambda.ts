/**
 * `npm run build` step 2: the Lambda bundle, made with esbuild's JS API, offline and
 * deterministic (same sources, same bytes, so an unchanged backend is not redeployed). One entry,
 * src/infra/lambda/index.ts, into dist/lambda/index.mjs; `@aws-sdk/*` stays external because the
 * Node.js Lambda runtime provides SDK v3. The stack deploys that folder as every function's code.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Metafile } from 'esbuild';

export const LAMBDA_ENTRY = 'src/infra/lambda/index.ts';
export const LAMBDA_BUNDLE_FILE = 'index.mjs';

export interface LambdaBundle {
  readonly file: string;
  readonly bytes: number;
  /** Every module in the bundle, relative to the repository. */
  readonly inputs: readonly string[];
  readonly metafile: Metafile;
}

export async function bundleLambda(root: string, outdir: string): Promise<LambdaBundle> {
  rmSync(outdir, { recursive: true, force: true });
  mkdirSync(outdir, { recursive: true });
  const file = join(outdir, LAMBDA_BUNDLE_FILE);
  const result = await build({
    absWorkingDir: root,
    entryPoints: [LAMBDA_ENTRY],
    outfile: file,
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'esm',
    external: ['@aws-sdk/*'],
    // CommonJS dependencies (the X-Ray SDK under Powertools Tracer) call require() in an ES module.
    banner: {
      js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
    },
    minify: true,
    // The saga's Retry/Catch match errors by name; keep class and function names.
    keepNames: true,
    legalComments: 'none',
    metafile: true,
    logLevel: 'warning',
  });
  const output = Object.values(result.metafile.outputs)[0];
  return {
    file,
    bytes: output?.bytes ?? 0,
    inputs: Object.keys(result.metafile.inputs),
    metafile: result.metafile,
  };
}

const here = dirname(fileURLToPath(import.meta.url));
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  // dist/scripts/bundleLambda.js → the repository root is two folders up.
  const root = resolve(here, '..', '..');
  const bundle = await bundleLambda(root, join(root, 'dist', 'lambda'));
  process.stdout.write(`lambda bundle: ${bundle.file} ${(bundle.bytes / 1024).toFixed(0)} KB\n`);
}
