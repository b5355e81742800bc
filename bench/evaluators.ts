/**
 * Evaluator figures: per-event evaluation latency (p50/p99, in-process, state reads from the example account with
 * and without a simulated AWS read latency), and each evaluator bundle's size and cold import time (a fresh Node
 * process per import, median of several).
 *
 *   npx tsx bench/evaluators.ts [--quick]
 * Writes bench/results/evaluators.json.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { replayEvents } from '../shared/evaluation/replay.ts';
import { SnapshotStateReader } from '../shared/evaluation/snapshot-state-reader.ts';
import type { StateReader } from '../shared/evaluation/state-reader.ts';
import type { CloudTrailEvent } from '../shared/events/cloudtrail-event.ts';
import { parseEvent } from '../shared/events/parse-event.ts';
import { MemoryFindingsStore } from '../shared/findings/memory-findings-store.ts';
import { defaultScanConfig } from '../shared/rules/scan-config.ts';
import {
  buildSnapshot,
  parseAuthorizationDetails,
  parseLambdaInventory,
} from '../shared/snapshot/parse-authorization-details.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const quick = process.argv.includes('--quick');
const results = join(root, 'bench', 'results');
mkdirSync(results, { recursive: true });

export const EVALUATOR_ENTRIES = [
  'identity-policies-evaluator',
  'trust-policies-evaluator',
  'lambda-config-evaluator',
  'lambda-policies-evaluator',
  'activity-evaluator',
  'sweep',
];

/** Bundles an entry the way the CDK stack does (ESM, minified, createRequire banner). */
export async function bundle(
  entry: string,
  outdir: string,
): Promise<{ file: string; bytes: number; inputs: string[] }> {
  const outfile = join(outdir, `${entry}.mjs`);
  const result = await build({
    entryPoints: [join(root, 'functions', `${entry}.ts`)],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    minify: true,
    metafile: true,
    outfile,
    banner: { js: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);" },
    logLevel: 'silent',
  });
  return { file: outfile, bytes: statSync(outfile).size, inputs: Object.keys(result.metafile.inputs) };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

function delayed(reader: StateReader, ms: number): StateReader {
  const wait = () => new Promise((r) => setTimeout(r, ms));
  return new Proxy(reader, {
    get(target, property) {
      const value = Reflect.get(target, property, target) as unknown;
      if (typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        await wait();
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}

async function latency(readLatencyMs: number, rounds: number) {
  const example = (name: string) =>
    JSON.parse(readFileSync(join(root, 'examples', 'account', name), 'utf8')) as unknown;
  const snapshot = buildSnapshot(
    parseAuthorizationDetails([example('authorization-details.json')], 'a.json'),
    parseLambdaInventory(example('lambdas.json'), 'l.json'),
    {},
  );
  const events = readFileSync(join(root, 'examples', 'events', 'demo.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => parseEvent(JSON.parse(line)))
    .filter((p): p is { ok: true; event: CloudTrailEvent; origin: 'eventbridge' | 'record' } => p.ok)
    .map((p) => p.event);
  const reader =
    readLatencyMs > 0
      ? delayed(new SnapshotStateReader(snapshot), readLatencyMs)
      : new SnapshotStateReader(snapshot);
  // Warm: the first identity event loads the whole account once per container; measure the warm path.
  const store = new MemoryFindingsStore();
  await replayEvents(events, { reader, store, config: defaultScanConfig(), region: 'us-east-1' });
  const samples: number[] = [];
  for (let round = 0; round < rounds; round++) {
    for (const event of events) {
      const fresh = { ...event, detail: { ...event.detail, eventID: `${event.detail.eventID}-${round}` } };
      const started = performance.now();
      await replayEvents([fresh], { reader, store, config: defaultScanConfig(), region: 'us-east-1' });
      samples.push(performance.now() - started);
    }
  }
  samples.sort((a, b) => a - b);
  return {
    readLatencyMs,
    events: samples.length,
    p50: percentile(samples, 50),
    p99: percentile(samples, 99),
  };
}

function coldImportMs(file: string, runs: number): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const out = execFileSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `const t=performance.now(); await import(${JSON.stringify(file)}); console.log(performance.now()-t);`,
      ],
      { encoding: 'utf8', env: { ...process.env, AWS_REGION: 'us-east-1' } },
    );
    times.push(Number(out.trim()));
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] ?? 0;
}

async function main() {
  const outdir = join(results, 'bundles');
  mkdirSync(outdir, { recursive: true });
  const bundles = [];
  for (const entry of EVALUATOR_ENTRIES) {
    const b = await bundle(entry, outdir);
    bundles.push({
      entry,
      kb: Math.round(b.bytes / 1024),
      coldImportMs: Number(coldImportMs(b.file, quick ? 3 : 7).toFixed(1)),
      rules: b.inputs.filter((i) => /shared\/rules\/[^/]+\/index\.ts$/.test(i)).length,
    });
  }
  const lat = [await latency(0, quick ? 5 : 30), await latency(15, quick ? 1 : 3)];
  const report = { machine: { node: process.version, cpus: 2 }, bundles, latency: lat };
  writeFileSync(join(results, 'evaluators.json'), `${JSON.stringify(report, null, 2)}\n`);
  console.log('bundle                         size KB   cold import ms   rules');
  for (const b of bundles)
    console.log(
      `${b.entry.padEnd(30)} ${String(b.kb).padStart(7)}   ${String(b.coldImportMs).padStart(14)}   ${String(b.rules).padStart(5)}`,
    );
  console.log('\nper-event evaluation (warm, demo stream over the example account)');
  for (const l of lat)
    console.log(
      `  reads at ${l.readLatencyMs} ms: ${l.events} events, p50 ${l.p50.toFixed(1)} ms, p99 ${l.p99.toFixed(1)} ms`,
    );
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) await main();
