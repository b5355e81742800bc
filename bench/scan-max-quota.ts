/**
 * Offline scan of an account at the AWS maximum quotas, through the real input path.
 *
 * The account comes from bench/generate-account.ts (generated in a child process, so its memory does not count,
 * and cached under bench/results/accounts/). Its JSON text is parsed exactly as `tripline scan` does
 * (parseJsonValues → parseAuthorizationDetails → parseLambdaInventory → buildSnapshot), then every rule runs
 * (runScan with ALL_RULES and the default config). Reports parse, scan and total time, peak RSS and heap,
 * throughput and findings by rule; writes bench/results/scan-max-quota.json.
 *
 *   npx tsx bench/scan-max-quota.ts                  # max preset, seed 1, cached account
 *   taskset -c 0 npx tsx bench/scan-max-quota.ts     # on one core
 *   npx tsx bench/scan-max-quota.ts --preset small --fresh --url-encoded
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { getHeapStatistics } from 'node:v8';
import { ALL_RULES } from '../shared/rules/index.ts';
import type { Rule } from '../shared/rules/rule-types.ts';
import { defaultScanConfig } from '../shared/rules/scan-config.ts';
import { runScan } from '../shared/scan/run-scan.ts';
import {
  buildSnapshot,
  parseAuthorizationDetails,
  parseJsonValues,
  parseLambdaInventory,
} from '../shared/snapshot/parse-authorization-details.ts';

const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
const RESULTS_DIR = join(BENCH_DIR, 'results');
/** Fixed "now" so unused-role and orphaned-function results do not drift with the calendar (the generator's date). */
const NOW = new Date('2026-12-01T00:00:00Z');

const { values } = parseArgs({
  options: {
    preset: { type: 'string', default: 'max' },
    seed: { type: 'string', default: '1' },
    scale: { type: 'string', default: '1' },
    fresh: { type: 'boolean', default: false },
    'url-encoded': { type: 'boolean', default: false },
    'no-rule-timing': { type: 'boolean', default: false },
    out: { type: 'string' },
    accounts: { type: 'string' },
    quiet: { type: 'boolean', default: false },
    disable: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help) {
  process.stdout.write(
    'Usage: npx tsx bench/scan-max-quota.ts [--preset max|small] [--seed N] [--scale F] [--fresh] [--url-encoded] [--no-rule-timing]\n' +
      '         [--out FILE] [--accounts DIR (cache of generated accounts)] [--quiet (no progress on stderr)]\n' +
      '         [--disable RULE,RULE (as disabledRules in a config)]\n',
  );
  process.exit(0);
}

const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;
const ms = (value: number) => Math.round(value);
const memory = () => {
  const m = process.memoryUsage();
  return {
    rssMB: mb(m.rss),
    heapUsedMB: mb(m.heapUsed),
    heapTotalMB: mb(m.heapTotal),
    externalMB: mb(m.external),
  };
};
let peakHeapUsed = 0;
const sampleHeap = () => {
  const used = process.memoryUsage().heapUsed;
  if (used > peakHeapUsed) peakHeapUsed = used;
};

// --- 1. The account (generated once per preset/seed/form, in a child process) ---------------------------
const started = performance.now();
const scale = Number(values.scale);
const variant = `${values.preset}-seed${values.seed}${scale === 1 ? '' : `-x${scale}`}${values['url-encoded'] ? '-url-encoded' : ''}`;
const accountDir = join(resolve(values.accounts ?? join(RESULTS_DIR, 'accounts')), variant);
const detailsFile = join(accountDir, 'authorization-details.json');
const lambdasFile = join(accountDir, 'lambdas.json');
let generateMs: number | null = null;
if (values.fresh || !existsSync(detailsFile) || !existsSync(lambdasFile)) {
  const t = performance.now();
  const args = [
    join(BENCH_DIR, 'generate-account.ts'),
    '--preset',
    values.preset,
    '--seed',
    values.seed,
    '--scale',
    String(scale),
    '--out',
    accountDir,
  ];
  if (values['url-encoded']) args.push('--url-encoded');
  // process.execArgv carries tsx's loader, so the child runs the TypeScript generator the same way.
  execFileSync(process.execPath, [...process.execArgv, ...args], { stdio: ['ignore', 'inherit', 'inherit'] });
  generateMs = performance.now() - t;
}

// --- 2. Parse through the real input path ----------------------------------------------------------------
const baseline = memory();
sampleHeap();
let t = performance.now();
const detailsText = readFileSync(detailsFile, 'utf8');
const lambdasText = readFileSync(lambdasFile, 'utf8');
const readMs = performance.now() - t;

t = performance.now();
const detailPages = parseJsonValues(detailsText, detailsFile);
const lambdaPages = parseJsonValues(lambdasText, lambdasFile);
const jsonParseMs = performance.now() - t;
sampleHeap();

t = performance.now();
const details = parseAuthorizationDetails(detailPages, detailsFile);
const parseDetailsMs = performance.now() - t;
sampleHeap();

t = performance.now();
const functions = parseLambdaInventory(lambdaPages.length === 1 ? lambdaPages[0] : lambdaPages, lambdasFile);
const parseLambdasMs = performance.now() - t;

t = performance.now();
const snapshot = buildSnapshot(details, functions, {
  authorizationDetails: detailsFile,
  lambdas: lambdasFile,
});
const buildMs = performance.now() - t;
sampleHeap();
const afterParse = memory();

let invalidDocuments = 0;
for (const policy of snapshot.managedPolicies.values())
  for (const v of policy.versions) if (!v.document.ok) invalidDocuments++;
for (const p of [...snapshot.roles, ...snapshot.users, ...snapshot.groups]) {
  for (const inline of p.inlinePolicies) if (!inline.document.ok) invalidDocuments++;
  if (p.kind === 'role' && !p.trustPolicy.ok) invalidDocuments++;
}

// --- 3. Scan ---------------------------------------------------------------------------------------------
const ruleTime = new Map<string, { ms: number; calls: number }>();
const timed = (rule: Rule): Rule => {
  if (values['no-rule-timing']) return rule;
  const entry = { ms: 0, calls: 0 };
  ruleTime.set(rule.id, entry);
  const evaluate = rule.evaluate as (...args: unknown[]) => ReturnType<Rule['evaluate']>;
  const wrapped = (...args: unknown[]) => {
    const t0 = performance.now();
    try {
      return evaluate(...args);
    } finally {
      entry.ms += performance.now() - t0;
      entry.calls++;
    }
  };
  return { ...rule, evaluate: wrapped } as Rule;
};
const rules = ALL_RULES.map(timed);
const principals = snapshot.roles.length + snapshot.users.length + snapshot.groups.length;
const fnCount = snapshot.functions?.length ?? 0;
t = performance.now();
let lastProgress = t;
const config = defaultScanConfig();
config.disabledRules = values.disable ? values.disable.split(',').map((id) => id.trim()) : [];
const report = runScan(snapshot, rules, config, {
  now: NOW,
  onProgress: (done, total) => {
    if (done % 200 === 0) sampleHeap();
    const now = performance.now();
    if (!values.quiet && now - lastProgress > 10_000) {
      lastProgress = now;
      const rate = done / ((now - t) / 1000);
      process.stderr.write(
        `scan ${done}/${total} (${rate.toFixed(0)}/s, ~${((total - done) / rate).toFixed(0)} s left)\n`,
      );
    }
  },
});
const scanMs = performance.now() - t;
sampleHeap();
const afterScan = memory();
const totalMs = performance.now() - started;

// --- 4. Report -------------------------------------------------------------------------------------------
const issuesByRule: Record<string, { UNKNOWN: number; ERROR: number; example?: string }> = {};
for (const issue of report.issues) {
  const entry = issuesByRule[issue.ruleId] ?? { UNKNOWN: 0, ERROR: 0 };
  issuesByRule[issue.ruleId] = entry;
  entry[issue.status]++;
  entry.example ??= issue.message;
}
/** Node flags as given, without tsx's own `--require`/`--import` loader pairs. */
function withoutLoader(argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if ((arg === '--require' || arg === '--import') && argv[i + 1]?.includes('tsx')) i++;
    else if (!arg.includes('tsx')) out.push(arg);
  }
  return out;
}
const heap = getHeapStatistics();
const cpuList = cpus();
const result = {
  bench: 'scan-max-quota',
  date: new Date().toISOString(),
  command: `npx tsx bench/scan-max-quota.ts ${process.argv.slice(2).join(' ')}`.trim(),
  machine: {
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    cpu: cpuList[0]?.model ?? 'unknown',
    cores: cpuList.length,
    availableParallelism: availableParallelism(),
    totalMemoryGB: Math.round(totalmem() / 1024 ** 3),
    heapSizeLimitMB: mb(heap.heap_size_limit),
    execArgv: withoutLoader(process.execArgv),
    nodeOptions: process.env.NODE_OPTIONS ?? '',
  },
  input: {
    preset: values.preset,
    seed: Number(values.seed),
    scale,
    documents: values['url-encoded'] ? 'url-encoded' : 'json',
    authorizationDetailsMB: mb(statSync(detailsFile).size),
    lambdasMB: mb(statSync(lambdasFile).size),
    roles: snapshot.roles.length,
    users: snapshot.users.length,
    groups: snapshot.groups.length,
    managedPolicies: snapshot.managedPolicies.size,
    policyVersions: [...snapshot.managedPolicies.values()].reduce((n, p) => n + p.versions.length, 0),
    functions: fnCount,
    invalidDocuments,
  },
  rules: ALL_RULES.map((r) => r.id).filter((id) => !config.disabledRules.includes(id)),
  disabledRules: config.disabledRules,
  timingsMs: {
    generate: generateMs === null ? null : ms(generateMs),
    readFiles: ms(readMs),
    jsonParse: ms(jsonParseMs),
    parseAuthorizationDetails: ms(parseDetailsMs),
    parseLambdaInventory: ms(parseLambdasMs),
    buildSnapshot: ms(buildMs),
    parseTotal: ms(readMs + jsonParseMs + parseDetailsMs + parseLambdasMs + buildMs),
    scan: ms(scanMs),
    total: ms(totalMs),
    processUptime: ms(process.uptime() * 1000),
  },
  throughput: {
    principalsPerSecond: Math.round(principals / (scanMs / 1000)),
    functionsPerSecond: Math.round(fnCount / (scanMs / 1000)),
    resourcesPerSecond: Math.round((principals + fnCount) / (scanMs / 1000)),
  },
  memory: {
    beforeParse: baseline,
    afterParse,
    afterScan,
    peakRssMB: mb(process.resourceUsage().maxRSS * 1024),
    peakHeapUsedMB: mb(peakHeapUsed),
  },
  results: report.summary.results,
  findings: report.summary.findings,
  findingsByRule: report.summary.byRule,
  findingsBySeverity: report.summary.bySeverity,
  issuesByRule,
  ruleTimeMs: Object.fromEntries(
    [...ruleTime]
      .sort((a, b) => b[1].ms - a[1].ms)
      .map(([id, e]) => [
        id,
        { ms: ms(e.ms), calls: e.calls, usPerCall: Math.round((e.ms * 1000) / Math.max(1, e.calls)) },
      ]),
  ),
};

mkdirSync(RESULTS_DIR, { recursive: true });
const defaultOut = values.preset === 'max' && scale === 1 ? 'scan-max-quota.json' : `scan-${variant}.json`;
const outFile = resolve(values.out ?? join(RESULTS_DIR, defaultOut));
writeFileSync(outFile, `${JSON.stringify(result, null, 2)}\n`);

const s = (value: number) => `${(value / 1000).toFixed(2)} s`;
const lines = [
  `scan-max-quota (${values.preset}${scale === 1 ? '' : ` × ${scale}`}, seed ${values.seed}, ${result.input.documents} documents) on ${result.machine.cpu}, ${result.machine.availableParallelism} usable core(s), Node ${process.version}`,
  `input     ${result.input.roles} roles, ${result.input.users} users, ${result.input.groups} groups, ${result.input.managedPolicies} managed policies (${result.input.policyVersions} versions), ${fnCount} functions; ${result.input.authorizationDetailsMB} MB + ${result.input.lambdasMB} MB; ${invalidDocuments} invalid documents`,
  generateMs === null
    ? 'generate  (cached)'
    : `generate  ${s(generateMs)} (child process, cached for next runs)`,
  `parse     ${s(readMs + jsonParseMs + parseDetailsMs + parseLambdasMs + buildMs)}  (read ${s(readMs)}, JSON.parse ${s(jsonParseMs)}, authorization details ${s(parseDetailsMs)}, lambdas ${s(parseLambdasMs)}, snapshot ${s(buildMs)})`,
  `scan      ${s(scanMs)}  ${result.rules.length} rules${config.disabledRules.length ? ` (disabled: ${config.disabledRules.join(', ')})` : ''}; ${result.throughput.principalsPerSecond} principals/s, ${result.throughput.resourcesPerSecond} resources/s`,
  `total     ${s(totalMs)} (process uptime ${s(process.uptime() * 1000)})`,
  `memory    peak RSS ${result.memory.peakRssMB} MB, peak heap used ${result.memory.peakHeapUsedMB} MB (heap limit ${result.machine.heapSizeLimitMB} MB); after parse heap ${afterParse.heapUsedMB} MB, after scan heap ${afterScan.heapUsedMB} MB`,
  `results   ${Object.entries(report.summary.results)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ')}`,
  'findings by rule:',
  ...Object.entries(report.summary.byRule)
    .sort((a, b) => b[1] - a[1])
    .map(([id, n]) => `  ${id.padEnd(40)} ${n}`),
  ...(ruleTime.size
    ? [
        'time by rule:',
        ...Object.entries(result.ruleTimeMs).map(
          ([id, e]) => `  ${id.padEnd(40)} ${s(e.ms).padStart(9)}  ${e.calls} calls, ${e.usPerCall} µs/call`,
        ),
      ]
    : []),
  ...(report.issues.length
    ? [
        'issues (UNKNOWN/ERROR) by rule:',
        ...Object.entries(issuesByRule).map(
          ([id, e]) => `  ${id.padEnd(40)} UNKNOWN ${e.UNKNOWN}, ERROR ${e.ERROR}  e.g. ${e.example}`,
        ),
      ]
    : []),
  `→ ${outFile}`,
];
process.stdout.write(`${lines.join('\n')}\n`);
