/**
 * `npm run bench` (full) and `npm run bench -- --quick` (under two minutes): runs every benchmark in its own
 * process, prints one table and writes bench/results/summary.json, with the monthly cost model computed from the
 * measured durations and AWS prices (us-east-1, arm64).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const results = join(root, 'bench', 'results');
const quick = process.argv.includes('--quick');
mkdirSync(results, { recursive: true });

function run(script: string, args: string[]): void {
  const started = Date.now();
  process.stderr.write(`bench: ${script} ${args.join(' ')}\n`);
  execFileSync(process.execPath, ['--import', 'tsx', join(root, 'bench', script), ...args], {
    cwd: root,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  process.stderr.write(`bench: ${script} took ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
}

const read = (file: string) => JSON.parse(readFileSync(join(results, file), 'utf8'));

run('engine-throughput.ts', quick ? ['--quick'] : []);
const scanOut = quick ? 'scan-quick.json' : 'scan-max-quota.json';
run(
  'scan-max-quota.ts',
  quick
    ? ['--scale', '0.2', '--quiet', '--out', join(results, scanOut)]
    : ['--quiet', '--out', join(results, scanOut)],
);
run('escalation.ts', quick ? ['--preset', 'max', '--scale', '0.2'] : ['--preset', 'max']);
run('evaluators.ts', quick ? ['--quick'] : []);

const engine = read('engine-throughput.json');
const scan = read(scanOut);
const escalation = read('escalation.json');
const evaluators = read('evaluators.json');

// ---- cost model (us-east-1, arm64), per the prices in FACTS.md ----
const PRICE = {
  lambdaRequest: 0.2 / 1e6,
  lambdaGbSecond: 0.0000133334,
  dynamoWrite: 0.625 / 1e6,
  dynamoRead: 0.125 / 1e6,
  sqs: 0.4 / 1e6,
  sns: 0.5 / 1e6,
};
const memoryGb = 0.5; // evaluator memory size
const withReads =
  evaluators.latency.find((l: { readLatencyMs: number }) => l.readLatencyMs > 0) ?? evaluators.latency[0];
const durationS = Math.max(withReads.p50, 1) / 1000 + 0.05; // + invocation overhead
const perEvent = {
  invocations: 2.5, // ~2 evaluators routed per event + delayed re-reads for IAM changes + the notifier's share
  dynamoWrites: 3, // idempotency claim + completion + ~1 finding write
  dynamoReads: 3, // finding reads and the by-resource query
  sqs: 0.5, // delayed re-read messages (IAM events)
  sns: 0.05, // alerts: few events change a finding
};
const perEventUsd =
  perEvent.invocations * (PRICE.lambdaRequest + durationS * memoryGb * PRICE.lambdaGbSecond) +
  perEvent.dynamoWrites * PRICE.dynamoWrite +
  perEvent.dynamoReads * PRICE.dynamoRead +
  perEvent.sqs * PRICE.sqs +
  perEvent.sns * PRICE.sns;
const costModel = [10_000, 100_000, 1_000_000].map((perDay) => ({
  eventsPerDay: perDay,
  usdPerMonth: Number((perEventUsd * perDay * 30).toFixed(2)),
}));

const summary = {
  date: new Date().toISOString(),
  quick,
  machine: {
    cpu: cpus()[0]?.model,
    cores: cpus().length,
    memoryGB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
  },
  engine,
  scan: { input: scan.input, timingsMs: scan.timingsMs, memory: scan.memory, throughput: scan.throughput },
  escalation,
  evaluators,
  costModel: {
    assumptions: { memoryGb, durationS, perEvent, prices: PRICE },
    usdPerMillionEvents: Number((perEventUsd * 1e6).toFixed(2)),
    months: costModel,
  },
};
writeFileSync(join(results, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);

const rows: [string, string, string][] = [
  [
    'engine evaluations/s (ours vs iam-simulate)',
    `${Math.round(engine.results?.[0]?.perSecond ?? 0)}`,
    `${Math.round(engine.results?.find?.((r: { name: string }) => r.name === 'iam-simulate')?.perSecond ?? 0)}`,
  ],
  [
    'scan wall time (s)',
    String((scan.timingsMs.total / 1000).toFixed(1)),
    `${scan.input.roles + scan.input.users} principals, ${scan.input.functions} functions`,
  ],
  ['scan peak RSS (MB)', String(scan.memory.peakRssMB), ''],
  [
    'privilege-escalation analysis (s)',
    String((escalation.full.ms / 1000).toFixed(1)),
    `${escalation.input.principals} principals`,
  ],
  ['incremental re-check (ms)', String(escalation.incremental.at(-1)?.ms ?? '-'), 'one policy change'],
  [
    'per-event p50 / p99 (ms, no AWS latency)',
    `${evaluators.latency[0].p50.toFixed(1)} / ${evaluators.latency[0].p99.toFixed(1)}`,
    '',
  ],
  ['cost per million events (USD)', String(summary.costModel.usdPerMillionEvents), ''],
];
console.log(
  `\nTripline benchmarks${quick ? ' (quick)' : ''} on ${summary.machine.cpu}, ${summary.machine.cores} cores, Node ${process.version}`,
);
for (const [name, value, note] of rows) console.log(`  ${name.padEnd(44)} ${value.padStart(10)}  ${note}`);
console.log('  evaluator bundles (KB, cold import ms):');
for (const b of evaluators.bundles)
  console.log(
    `    ${b.entry.padEnd(30)} ${String(b.kb).padStart(6)} KB ${String(b.coldImportMs).padStart(8)} ms`,
  );
for (const m of costModel)
  console.log(`  ${m.eventsPerDay.toLocaleString('en')} events/day: $${m.usdPerMonth}/month`);
console.log(`\nwrote ${join('bench', 'results', 'summary.json')}`);
