/**
 * Engine throughput: evaluations per second of our IAM engine, side by side with simulations per second of
 * @cloud-copilot/iam-simulate (a dev dependency; bench/ is not shipped), on the same generated inputs as the
 * differential test (test/differential/generate-cases.ts).
 *
 *   npx tsx bench/engine-throughput.ts [--quick] [--cases N] [--seconds S]
 *
 * Prints a table and writes bench/results/engine-throughput.json. No assertions: numbers depend on the machine.
 *
 * iam-simulate is measured through runSimulation, its public entry point (it validates the policies and the
 * action on every call). Its runUnsafeSimulation (no validation) is not measured: in 0.1.173 it throws on any
 * simulation with a resource policy (it loads that policy without the metadata its analysis reads).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { runSimulation, type Simulation } from '@cloud-copilot/iam-simulate';
import { evaluateRequest } from '../shared/engine/evaluate.ts';
import type { AuthorizationRequest, PolicySet } from '../shared/engine/request-types.ts';
import { toAuthorizationRequest, toPolicySet, toSimulation } from '../test/differential/case-adapters.ts';
import { type GeneratedCase, generateCases } from '../test/differential/generate-cases.ts';

const SEED = 20260501;

interface Options {
  quick: boolean;
  cases: number;
  seconds: number;
}

function readOptions(argv: string[]): Options {
  const quick = argv.includes('--quick');
  const numberAfter = (flag: string): number | undefined => {
    const at = argv.indexOf(flag);
    const raw = at >= 0 ? argv[at + 1] : undefined;
    const value = raw === undefined ? Number.NaN : Number(raw);
    return Number.isFinite(value) && value > 0 ? value : undefined;
  };
  return {
    quick,
    cases: numberAfter('--cases') ?? (quick ? 1_000 : 5_000),
    seconds: numberAfter('--seconds') ?? (quick ? 1 : 3),
  };
}

interface Measurement {
  name: string;
  what: string;
  operations: number;
  seconds: number;
  perSecond: number;
  microsecondsPerOperation: number;
}

function measurement(name: string, what: string, operations: number, seconds: number): Measurement {
  return {
    name,
    what,
    operations,
    seconds,
    perSecond: operations / seconds,
    microsecondsPerOperation: (seconds * 1e6) / operations,
  };
}

/** Repeats passes over the inputs until `seconds` have elapsed (at least one full pass). */
function timeSync(
  seconds: number,
  inputs: number,
  pass: () => void,
): { operations: number; seconds: number } {
  const started = performance.now();
  let passes = 0;
  do {
    pass();
    passes++;
  } while (performance.now() - started < seconds * 1000);
  return { operations: passes * inputs, seconds: (performance.now() - started) / 1000 };
}

async function timeAsync(
  seconds: number,
  inputs: number,
  pass: () => Promise<void>,
): Promise<{ operations: number; seconds: number }> {
  const started = performance.now();
  let passes = 0;
  do {
    await pass();
    passes++;
  } while (performance.now() - started < seconds * 1000);
  return { operations: passes * inputs, seconds: (performance.now() - started) / 1000 };
}

interface Prepared {
  c: GeneratedCase;
  simulation: Simulation;
  /** Our request, with the context iam-simulate keeps for the action (so both engines see the same keys). */
  request: AuthorizationRequest;
  policies: PolicySet;
}

async function prepare(cases: GeneratedCase[]): Promise<Prepared[]> {
  const prepared: Prepared[] = [];
  for (const c of cases) {
    const simulation = toSimulation(c);
    const result = await runSimulation(simulation, {});
    if (result.resultType !== 'single') continue;
    const ignored = new Set(result.result.ignoredContextKeys ?? []);
    const context = Object.fromEntries(
      Object.entries(c.request.context).filter(([key]) => !ignored.has(key)),
    );
    prepared.push({
      c,
      simulation: { ...simulation, request: { ...simulation.request, contextVariables: context } },
      request: toAuthorizationRequest(c, context),
      policies: toPolicySet(c),
    });
  }
  return prepared;
}

function printTable(rows: Measurement[]): void {
  const header = ['engine', 'measures', 'ops', 'seconds', 'ops/s', 'µs/op'];
  const body = rows.map((r) => [
    r.name,
    r.what,
    String(r.operations),
    r.seconds.toFixed(2),
    Math.round(r.perSecond).toLocaleString('en-US'),
    r.microsecondsPerOperation.toFixed(1),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => (row[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells.map((cell, i) => (i >= 2 ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0))).join('  ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of body) console.log(line(row));
}

async function main(): Promise<void> {
  const options = readOptions(process.argv.slice(2));
  const cases = generateCases({ seed: SEED, count: options.cases });
  console.log(
    `engine throughput: ${options.cases} generated cases (seed ${SEED}), ~${options.seconds} s per measurement` +
      `${options.quick ? ' (quick)' : ''}, Node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'} × ${cpus().length}`,
  );
  // Also warms up iam-simulate (it loads its action data on first use).
  const inputs = await prepare(cases);
  const n = inputs.length;

  // Warm-up passes so both engines are measured after JIT compilation.
  for (const p of inputs) evaluateRequest(p.request, p.policies);
  for (const p of inputs.slice(0, 200)) await runSimulation(p.simulation, {});

  const rows: Measurement[] = [];
  let sink = 0;

  const ours = timeSync(options.seconds, n, () => {
    for (const p of inputs) if (evaluateRequest(p.request, p.policies).decision === 'Allow') sink++;
  });
  rows.push(measurement('tripline', 'evaluateRequest (policies parsed once)', ours.operations, ours.seconds));

  const oursCold = timeSync(options.seconds, n, () => {
    for (const p of inputs) if (evaluateRequest(p.request, toPolicySet(p.c)).decision === 'Allow') sink++;
  });
  rows.push(
    measurement('tripline', 'parsePolicy × docs + evaluateRequest', oursCold.operations, oursCold.seconds),
  );

  const simulate = await timeAsync(options.seconds, n, async () => {
    for (const p of inputs) {
      const result = await runSimulation(p.simulation, {});
      if (result.resultType !== 'error' && result.overallResult === 'Allowed') sink++;
    }
  });
  rows.push(
    measurement('iam-simulate', 'runSimulation (validates inputs)', simulate.operations, simulate.seconds),
  );

  console.log('');
  printTable(rows);
  const [fastest, , slowest] = rows;
  if (fastest && slowest) {
    console.log(
      `\nevaluateRequest vs runSimulation: ${(fastest.perSecond / slowest.perSecond).toFixed(0)}× (sink ${sink})`,
    );
  }

  const resultsDir = new URL('./results/', import.meta.url);
  mkdirSync(resultsDir, { recursive: true });
  const file = new URL('engine-throughput.json', resultsDir);
  const report = {
    benchmark: 'engine-throughput',
    date: new Date().toISOString(),
    quick: options.quick,
    seed: SEED,
    generatedCases: options.cases,
    evaluatedCases: n,
    secondsPerMeasurement: options.seconds,
    node: process.version,
    cpu: { model: cpus()[0]?.model ?? 'unknown', count: cpus().length },
    results: rows,
  };
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`wrote ${file.pathname}`);
}

await main();
