/**
 * The Lambda bundles are real: one evaluator is bundled with the stack's esbuild options (local esbuild, no
 * Docker) and the result is loaded by plain Node as Lambda would load it: an ESM file whose CommonJS dependencies
 * (the AWS SDK) find `require` through the banner, with its source map.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { App, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { afterAll, describe, expect, it } from 'vitest';
import { BUNDLING } from './tripline-construct.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const outdir = mkdtempSync(join(tmpdir(), 'tripline-bundle-'));
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

describe('Lambda bundle', () => {
  it('bundles an evaluator to ESM that Node loads, with a source map', () => {
    const app = new App({ outdir });
    const stack = new Stack(app, 'Bundle', { env: { account: '111122223333', region: 'us-east-1' } });
    new NodejsFunction(stack, 'Activity', {
      entry: join(ROOT, 'functions/activity-evaluator.ts'),
      projectRoot: ROOT,
      depsLockFilePath: join(ROOT, 'package-lock.json'),
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      bundling: BUNDLING,
    });
    app.synth();
    const assets = readdirSync(outdir).filter((d) => d.startsWith('asset.'));
    expect(assets).toHaveLength(1);
    const bundle = join(outdir, assets[0] as string, 'index.mjs');
    expect(existsSync(bundle)).toBe(true);
    expect(existsSync(`${bundle}.map`)).toBe(true);
    expect(statSync(bundle).size).toBeLessThan(5 * 1024 * 1024);
    const output = execFileSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `const m = await import(${JSON.stringify(pathToFileURL(bundle).href)}); console.log(typeof m.handler);`,
      ],
      { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', AWS_REGION: 'us-east-1' } },
    );
    expect(output.trim()).toBe('function');
  }, 120_000);
});
