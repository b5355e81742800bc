/**
 * Side by side, one run, same input: Tripline against Cloudsplaining, Parliament and PMapper (principalmapper).
 *
 *   npx tsx bench/peers/run.ts            # max-quota account (bench/results/accounts/max-seed1), 600 s per tool
 *   npx tsx bench/peers/run.ts --quick    # small preset, 120 s per tool
 *   npm run bench:peers -- --quick
 *
 * 1. A bench-local virtualenv (bench/peers/.venv/, gitignored by `.venv/`) with pinned versions from PyPI, reused
 *    while the pins match (bench/peers/.venv/pins.json).
 * 2. Wall time of each tool on the same authorization-details file, offline, one tool at a time, each under a time
 *    limit (its process group is killed and "did not finish in N s" reported), and the ratio to Tripline's.
 * 3. On the bundled example account, which users and roles each tool reports as able to escalate privileges.
 * 4. bench/results/peers.json (raw outputs under bench/results/peers/) and a table on stdout.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const PEERS_DIR = dirname(fileURLToPath(import.meta.url));
const REPO = resolve(PEERS_DIR, '../..');
const RESULTS = join(REPO, 'bench/results');
const OUT_DIR = join(RESULTS, 'peers');
const VENV = join(PEERS_DIR, '.venv');
const BIN = join(VENV, 'bin');
const TRIPLINE = join(REPO, 'cli/bin/tripline.js');
const EXAMPLE = join(REPO, 'examples/account/authorization-details.json');

/** Pinned from `pip index versions NAME` (latest on PyPI when this was written). */
const PINS: Record<string, string> = {
  cloudsplaining: '0.9.1',
  parliament: '1.6.4',
  principalmapper: '1.1.5',
};

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    python: { type: 'string', default: process.env.PYTHON ?? 'python3' },
    limit: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help) {
  process.stdout.write('Usage: npx tsx bench/peers/run.ts [--quick] [--limit SECONDS] [--python python3]\n');
  process.exit(0);
}
const QUICK = values.quick;
const LIMIT_S = Number(values.limit ?? (QUICK ? 120 : 600));
const PRESET = QUICK ? 'small' : 'max';
const ACCOUNT_DIR = join(RESULTS, 'accounts', `${PRESET}-seed1`);
const INPUT = join(ACCOUNT_DIR, 'authorization-details.json');

const log = (line: string) => process.stderr.write(`${line}\n`);
const round = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;

// --- running things, bounded ------------------------------------------------------------------------------
interface RunResult {
  status: 'ok' | 'failed' | 'timeout';
  exitCode: number | null;
  wallS: number;
  maxRssMB?: number;
  stdout: string;
  stderrTail: string;
}

/** Runs a command in its own process group under /usr/bin/time -v (peak RSS); kills the group at the limit. */
function run(cmd: string, args: string[], limitS: number, stdoutFile?: string): Promise<RunResult> {
  const useTime = existsSync('/usr/bin/time');
  const [file, argv] = useTime ? ['/usr/bin/time', ['-v', cmd, ...args]] : [cmd, args];
  return new Promise((done) => {
    const started = performance.now();
    const child = spawn(file, argv, { cwd: REPO, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let outBytes = 0;
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out.push(chunk);
      outBytes += chunk.length;
    });
    child.stderr.on('data', (chunk: Buffer) => {
      err = (err + chunk.toString()).slice(-20_000);
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-(child.pid as number), 'SIGKILL');
      } catch {}
    }, limitS * 1000);
    child.on('close', (code) => {
      clearTimeout(timer);
      const wallS = (performance.now() - started) / 1000;
      const stdout = Buffer.concat(out, outBytes).toString();
      if (stdoutFile) writeFileSync(stdoutFile, stdout);
      const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(err);
      // Exit status of the measured command, as /usr/bin/time reports it.
      const exit = /Exit status: (\d+)/.exec(err);
      const exitCode = useTime && exit ? Number(exit[1]) : code;
      const stderrTail = err.replace(/\n\s*Command being timed:[\s\S]*$/, '').slice(-1500);
      done({
        status: timedOut ? 'timeout' : exitCode === 0 ? 'ok' : 'failed',
        exitCode,
        wallS: round(wallS),
        maxRssMB: rss ? round(Number(rss[1]) / 1024, 0) : undefined,
        stdout,
        stderrTail,
      });
    });
  });
}

// --- 1. the virtualenv --------------------------------------------------------------------------------------
function ensureVenv(): void {
  const pinsFile = join(VENV, 'pins.json');
  const wanted = JSON.stringify(PINS);
  if (
    existsSync(pinsFile) &&
    readFileSync(pinsFile, 'utf8') === wanted &&
    existsSync(join(BIN, 'cloudsplaining'))
  ) {
    log(`venv ${VENV} reused (pins match)`);
    return;
  }
  log(
    `creating ${VENV} and installing ${Object.entries(PINS)
      .map(([n, v]) => `${n}==${v}`)
      .join(' ')}`,
  );
  rmSync(VENV, { recursive: true, force: true });
  const step = (cmd: string, args: string[]) => {
    const r = spawnSync(cmd, args, { cwd: REPO, stdio: ['ignore', 'inherit', 'inherit'], timeout: 900_000 });
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status ?? r.signal})`);
  };
  step(values.python as string, ['-m', 'venv', VENV]);
  step(join(BIN, 'pip'), ['install', '-q', ...Object.entries(PINS).map(([n, v]) => `${n}==${v}`)]);
  writeFileSync(pinsFile, wanted);
}

interface PackageInfo {
  version: string;
  license: string;
}
function packageInfo(name: string): PackageInfo {
  const site = join(VENV, 'lib', readdirSync(join(VENV, 'lib'))[0] ?? 'python3', 'site-packages');
  const norm = name.replace(/-/g, '_').toLowerCase();
  const dist = readdirSync(site).find(
    (d) => d.toLowerCase().startsWith(`${norm}-`) && d.endsWith('.dist-info'),
  );
  if (!dist) return { version: 'not installed', license: 'unknown' };
  const meta = readFileSync(join(site, dist, 'METADATA'), 'utf8');
  const field = (re: RegExp) => re.exec(meta)?.[1]?.trim();
  const license =
    field(/^License-Expression: (.+)$/m) ||
    field(/^License: (.+)$/m) ||
    field(/^Classifier: License :: (?:OSI Approved :: )?(.+)$/m) ||
    'unknown';
  return { version: field(/^Version: (.+)$/m) ?? 'unknown', license };
}

// --- the account ---------------------------------------------------------------------------------------------
function ensureAccount(): void {
  if (existsSync(INPUT)) return;
  log(`generating the ${PRESET} account into ${ACCOUNT_DIR}`);
  const r = spawnSync('npx', ['tsx', 'bench/generate-account.ts', '--preset', PRESET, '--out', ACCOUNT_DIR], {
    cwd: REPO,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (r.status !== 0) throw new Error('account generation failed');
}

// --- the tools ----------------------------------------------------------------------------------------------
type ToolName = 'tripline' | 'cloudsplaining' | 'parliament' | 'pmapper';

async function runTripline(input: string, outFile: string, limitS: number) {
  return run(
    'node',
    [TRIPLINE, 'scan', '--input', input, '--format', 'json', '--no-progress', '--output', outFile],
    limitS,
  );
}
async function runCloudsplaining(input: string, outDir: string, limitS: number) {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  return run(
    join(BIN, 'cloudsplaining'),
    ['scan', '--input-file', input, '--output', outDir, '--skip-open-report'],
    limitS,
  );
}
async function runParliament(input: string, outFile: string, limitS: number) {
  // Exit code 1 means "found issues" (as ours with --fail-on); only a traceback or other code is a failure.
  const r = await run(
    join(BIN, 'parliament'),
    ['--auth-details-file', input, '--json', '--include-community-auditors'],
    limitS,
    outFile,
  );
  if (r.status === 'failed' && r.exitCode === 1 && !/Traceback/.test(r.stderrTail)) r.status = 'ok';
  return r;
}

/**
 * PMapper has no offline input: `pmapper graph create` pulls the account through a live botocore session
 * (get_account_authorization_details, list_users/roles/groups/instance_profiles, S3/KMS/SNS/SQS/Secrets Manager
 * resource policies, Organizations SCPs); its only other source is `--localstack-endpoint`, a running LocalStack.
 * The authorization-details file cannot be given to it. We still run `pmapper graph create --help` to record
 * whether the pinned release even starts on this Python.
 */
async function probePmapper() {
  const help = await run(join(BIN, 'pmapper'), ['graph', 'create', '--help'], 60);
  const startErr = /(\w+Error: .+)/.exec(help.stderrTail)?.[1];
  return {
    starts: help.status === 'ok',
    startError: help.status === 'ok' ? undefined : (startErr ?? help.stderrTail.slice(-300)),
    offlineMode: false,
    note:
      'No offline mode: `pmapper graph create` reads the account only through live AWS APIs (botocore session: ' +
      'iam:GetAccountAuthorizationDetails, ListUsers/ListRoles/ListGroups/ListInstanceProfiles, S3/KMS/SNS/SQS/' +
      'SecretsManager resource policies, Organizations SCPs) or `--localstack-endpoint`; there is no option to ' +
      'read an authorization-details file, so no wall time and no escalation list are reported for it.',
  };
}

/** Copies an authorization-details file without actions that lack a service prefix (other than "*"). */
function sanitise(input: string, output: string): string[] {
  const removed: string[] = [];
  const fixDoc = (doc: unknown): unknown => {
    const text = typeof doc === 'string';
    const parsed = (text ? JSON.parse(decodeURIComponent(doc as string)) : doc) as { Statement?: unknown };
    const statements = Array.isArray(parsed.Statement) ? parsed.Statement : [parsed.Statement];
    for (const st of statements as Array<Record<string, unknown>>) {
      for (const key of ['Action', 'NotAction']) {
        if (!st || st[key] === undefined) continue;
        const list = (Array.isArray(st[key]) ? st[key] : [st[key]]) as string[];
        const kept = list.filter((a) => a === '*' || a.includes(':'));
        for (const a of list) if (!kept.includes(a)) removed.push(a);
        if (kept.length !== list.length) st[key] = kept.length ? kept : ['sts:GetCallerIdentity'];
      }
    }
    return parsed;
  };
  const d = JSON.parse(readFileSync(input, 'utf8')) as Record<string, Array<Record<string, unknown>>>;
  for (const p of d.Policies ?? [])
    for (const v of (p.PolicyVersionList ?? []) as Array<Record<string, unknown>>)
      v.Document = fixDoc(v.Document);
  for (const list of ['UserDetailList', 'RoleDetailList', 'GroupDetailList']) {
    for (const x of d[list] ?? []) {
      for (const key of ['UserPolicyList', 'RolePolicyList', 'GroupPolicyList']) {
        for (const ip of (x[key] ?? []) as Array<Record<string, unknown>>)
          ip.PolicyDocument = fixDoc(ip.PolicyDocument);
      }
    }
  }
  writeFileSync(output, JSON.stringify(d));
  return removed;
}

// --- 3. escalation per principal on the example account -----------------------------------------------------
interface AuthDetails {
  UserDetailList?: Array<{
    Arn: string;
    UserName: string;
    GroupList?: string[];
    AttachedManagedPolicies?: Array<{ PolicyArn: string }>;
  }>;
  GroupDetailList?: Array<{
    Arn: string;
    GroupName: string;
    AttachedManagedPolicies?: Array<{ PolicyArn: string }>;
  }>;
  RoleDetailList?: Array<{
    Arn: string;
    RoleName: string;
    AttachedManagedPolicies?: Array<{ PolicyArn: string }>;
  }>;
}

/** users and roles of the account, and for a policy ARN or group ARN the users/roles it reaches. */
function principalIndex(details: AuthDetails) {
  const principals = new Map<string, string>(); // arn -> "user/name" | "role/name"
  const byPolicy = new Map<string, Set<string>>();
  const groupMembers = new Map<string, Set<string>>(); // group name -> user arns
  const groupArnByName = new Map<string, string>();
  const add = (policy: string, principal: string) => {
    if (!byPolicy.has(policy)) byPolicy.set(policy, new Set());
    byPolicy.get(policy)?.add(principal);
  };
  for (const g of details.GroupDetailList ?? []) groupArnByName.set(g.GroupName, g.Arn);
  for (const u of details.UserDetailList ?? []) {
    principals.set(u.Arn, `user/${u.UserName}`);
    for (const p of u.AttachedManagedPolicies ?? []) add(p.PolicyArn, u.Arn);
    for (const g of u.GroupList ?? []) {
      if (!groupMembers.has(g)) groupMembers.set(g, new Set());
      groupMembers.get(g)?.add(u.Arn);
    }
  }
  for (const r of details.RoleDetailList ?? []) {
    principals.set(r.Arn, `role/${r.RoleName}`);
    for (const p of r.AttachedManagedPolicies ?? []) add(p.PolicyArn, r.Arn);
  }
  for (const g of details.GroupDetailList ?? []) {
    const members = groupMembers.get(g.GroupName) ?? new Set<string>();
    for (const m of members) add(g.Arn, m);
    for (const p of g.AttachedManagedPolicies ?? []) for (const m of members) add(p.PolicyArn, m);
  }
  /** users/roles reached by an ARN: itself if a user/role, members if a group, attachers if a policy. */
  const reach = (arn: string): string[] => (principals.has(arn) ? [arn] : [...(byPolicy.get(arn) ?? [])]);
  return { principals, reach, groupArnByName, groupMembers };
}

interface CsPolicy {
  PolicyName: string;
  PrivilegeEscalation?: { findings?: Array<{ type: string }> };
  is_excluded?: boolean;
}
interface CsPrincipal {
  arn: string;
  inline_policies?: Record<string, string>;
  customer_managed_policies?: Record<string, string>;
  aws_managed_policies?: Record<string, string>;
  groups?: Record<string, unknown>;
  is_excluded?: boolean;
}

/** Cloudsplaining: a user/role escalates when one of its policies (own or, for users, its groups') has
 *  PrivilegeEscalation findings. Returns arn -> escalation types. */
function cloudsplainingEscalations(resultsFile: string): Map<string, Set<string>> {
  const d = JSON.parse(readFileSync(resultsFile, 'utf8')) as Record<string, Record<string, unknown>>;
  const policies = (section: string) => (d[section] ?? {}) as Record<string, CsPolicy>;
  const types = (p: CsPrincipal): string[] => {
    const found: string[] = [];
    for (const [section, ids] of [
      ['inline_policies', p.inline_policies],
      ['customer_managed_policies', p.customer_managed_policies],
      ['aws_managed_policies', p.aws_managed_policies],
    ] as const) {
      for (const id of Object.keys(ids ?? {})) {
        const policy = policies(section)[id];
        if (!policy || policy.is_excluded) continue;
        for (const f of policy.PrivilegeEscalation?.findings ?? []) found.push(f.type);
      }
    }
    return found;
  };
  const groups = Object.values((d.groups ?? {}) as Record<string, CsPrincipal & { name: string }>);
  const groupByName = new Map(groups.map((g) => [g.name, g]));
  const result = new Map<string, Set<string>>();
  for (const section of ['users', 'roles']) {
    for (const p of Object.values((d[section] ?? {}) as Record<string, CsPrincipal>)) {
      if (p.is_excluded) continue;
      const found = types(p);
      for (const g of Object.keys(p.groups ?? {})) {
        const group = groupByName.get(g);
        if (group && !group.is_excluded) found.push(...types(group));
      }
      if (found.length) result.set(p.arn, new Set(found));
    }
  }
  return result;
}

/** Parliament: PRIVILEGE_ESCALATION findings (community auditor) located at a principal, group or policy ARN. */
function parliamentEscalations(outFile: string, reach: (arn: string) => string[]): Map<string, Set<string>> {
  const result = new Map<string, Set<string>>();
  for (const line of readFileSync(outFile, 'utf8').split('\n')) {
    if (!line.trim().startsWith('{')) continue;
    const f = JSON.parse(line) as { issue: string; detail: unknown; location?: { filepath?: string } };
    if (f.issue !== 'PRIVILEGE_ESCALATION' || !f.location?.filepath) continue;
    for (const arn of reach(f.location.filepath)) {
      if (!result.has(arn)) result.set(arn, new Set());
      result.get(arn)?.add(f.location.filepath.replace(/^arn:aws:iam::[^:]*:/, ''));
    }
  }
  return result;
}

interface TriplineFinding {
  ruleId: string;
  resource: string;
  status: string;
  severity: string;
}
function triplineEscalations(outFile: string): Map<string, Set<string>> {
  const report = JSON.parse(readFileSync(outFile, 'utf8')) as { findings: TriplineFinding[] };
  const result = new Map<string, Set<string>>();
  for (const f of report.findings) {
    if (f.ruleId !== 'iam-privilege-escalation') continue;
    if (!result.has(f.resource)) result.set(f.resource, new Set());
    result.get(f.resource)?.add(`${f.severity}${f.status === 'OPEN' ? '' : ` ${f.status}`}`);
  }
  return result;
}

function findingCounts(tool: ToolName, dir: string): Record<string, number> | undefined {
  try {
    if (tool === 'tripline') {
      const report = JSON.parse(readFileSync(join(dir, 'tripline.json'), 'utf8')) as {
        findings: TriplineFinding[];
      };
      const counts: Record<string, number> = {};
      for (const f of report.findings) counts[f.ruleId] = (counts[f.ruleId] ?? 0) + 1;
      return counts;
    }
    if (tool === 'parliament') {
      const counts: Record<string, number> = {};
      for (const line of readFileSync(join(dir, 'parliament.jsonl'), 'utf8').split('\n')) {
        if (!line.trim().startsWith('{')) continue;
        const issue = (JSON.parse(line) as { issue: string }).issue;
        counts[issue] = (counts[issue] ?? 0) + 1;
      }
      return counts;
    }
    if (tool === 'cloudsplaining') {
      const file = readdirSync(join(dir, 'cloudsplaining')).find((f) => f.startsWith('iam-results-'));
      if (!file) return undefined;
      const d = JSON.parse(readFileSync(join(dir, 'cloudsplaining', file), 'utf8')) as Record<
        string,
        Record<string, Record<string, unknown>>
      >;
      const counts: Record<string, number> = {};
      for (const section of ['aws_managed_policies', 'customer_managed_policies', 'inline_policies']) {
        for (const p of Object.values(d[section] ?? {})) {
          if (p.is_excluded) continue;
          for (const risk of [
            'PrivilegeEscalation',
            'DataExfiltration',
            'ResourceExposure',
            'ServiceWildcard',
            'CredentialsExposure',
            'InfrastructureModification',
          ]) {
            const v = p[risk] as { findings?: unknown[] } | unknown[] | undefined;
            const n = Array.isArray(v) ? v.length : (v?.findings?.length ?? 0);
            if (n) counts[`policies with ${risk}`] = (counts[`policies with ${risk}`] ?? 0) + 1;
          }
        }
      }
      return counts;
    }
  } catch {
    return undefined;
  }
  return undefined;
}

// --- table printing -----------------------------------------------------------------------------------------
function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (c ?? '').padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

interface SpeedRow {
  status: RunResult['status'] | 'not run';
  wallS: number | null;
  note: string | undefined;
  ratioToTripline: number | string | null;
  maxRssMB: number | null;
  findings: Record<string, number> | undefined;
}

// --- main ---------------------------------------------------------------------------------------------------
async function main() {
  if (!existsSync(TRIPLINE)) throw new Error(`${TRIPLINE} missing`);
  ensureVenv();
  ensureAccount();
  mkdirSync(OUT_DIR, { recursive: true });

  const versions = {
    tripline: {
      version: (JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string }).version,
      license: 'Apache-2.0',
    },
    cloudsplaining: packageInfo('cloudsplaining'),
    'policy_sentry (Cloudsplaining dependency)': packageInfo('policy_sentry'),
    parliament: packageInfo('parliament'),
    pmapper: packageInfo('principalmapper'),
    python: spawnSync(join(BIN, 'python'), ['--version']).stdout.toString().trim(),
    node: process.version,
  };
  const pmapper = await probePmapper();

  // 2. wall time on the same input, one tool at a time.
  const inputMB = round(statSync(INPUT).size / 1024 / 1024, 1);
  const runDir = join(OUT_DIR, PRESET);
  mkdirSync(runDir, { recursive: true });
  log(`input ${INPUT} (${inputMB} MB), limit ${LIMIT_S} s per tool`);
  log('tripline …');
  const tripline = await runTripline(INPUT, join(runDir, 'tripline.json'), LIMIT_S);
  log(`  ${tripline.status} ${tripline.wallS} s`);
  log('cloudsplaining …');
  const cloudsplaining = await runCloudsplaining(INPUT, join(runDir, 'cloudsplaining'), LIMIT_S);
  const timings: Record<'tripline' | 'cloudsplaining' | 'parliament', RunResult> = {
    tripline,
    cloudsplaining,
    parliament: cloudsplaining,
  };
  log(`  ${timings.cloudsplaining.status} ${timings.cloudsplaining.wallS} s`);
  let sanitised: { removed: string[]; run: RunResult } | undefined;
  if (timings.cloudsplaining.status === 'failed') {
    // Cloudsplaining aborts on one malformed action (the generator plants `"lambda InvokeFunction"`, which Tripline
    // reports as unparseable and skips). Time it again on a copy without actions lacking a service prefix.
    const copy = join(runDir, 'authorization-details.sanitised.json');
    const removed = sanitise(INPUT, copy);
    log(`cloudsplaining on a sanitised copy (removed ${removed.length} malformed actions) …`);
    sanitised = {
      removed: [...new Set(removed)],
      run: await runCloudsplaining(copy, join(runDir, 'cloudsplaining'), LIMIT_S),
    };
    log(`  ${sanitised.run.status} ${sanitised.run.wallS} s`);
  }
  log('parliament …');
  timings.parliament = await runParliament(INPUT, join(runDir, 'parliament.jsonl'), LIMIT_S);
  log(`  ${timings.parliament.status} ${timings.parliament.wallS} s`);

  const base = timings.tripline.status === 'ok' ? timings.tripline.wallS : undefined;
  const speed: Record<string, SpeedRow> = Object.fromEntries(
    (['tripline', 'cloudsplaining', 'parliament'] as const).map((tool) => {
      const r = timings[tool];
      return [
        tool,
        {
          status: r.status,
          wallS: r.status === 'timeout' ? null : r.wallS,
          note:
            r.status === 'timeout'
              ? `did not finish in ${LIMIT_S} s`
              : r.status === 'failed'
                ? `exit ${r.exitCode}: ${r.stderrTail.trim().split('\n').slice(-3).join(' | ')}`
                : undefined,
          ratioToTripline:
            r.status === 'ok' && base
              ? round(r.wallS / base, 1)
              : r.status === 'timeout' && base
                ? `> ${round(LIMIT_S / base, 1)}`
                : null,
          maxRssMB: r.maxRssMB ?? null,
          findings: r.status === 'ok' ? findingCounts(tool, runDir) : undefined,
        },
      ];
    }),
  );
  if (sanitised) {
    const r = sanitised.run;
    speed['cloudsplaining (sanitised input)'] = {
      status: r.status,
      wallS: r.status === 'timeout' ? null : r.wallS,
      note:
        r.status === 'timeout'
          ? `did not finish in ${LIMIT_S} s`
          : `input without ${sanitised.removed.length} malformed action(s): ${sanitised.removed.map((a) => JSON.stringify(a)).join(', ')}` +
            (r.status === 'failed' ? `; still failed: ${r.stderrTail.trim().split('\n').slice(-1)[0]}` : ''),
      ratioToTripline:
        r.status === 'ok' && base
          ? round(r.wallS / base, 1)
          : r.status === 'timeout' && base
            ? `> ${round(LIMIT_S / base, 1)}`
            : null,
      maxRssMB: r.maxRssMB ?? null,
      findings: r.status === 'ok' ? findingCounts('cloudsplaining', runDir) : undefined,
    };
  }
  speed.pmapper = {
    status: 'not run',
    wallS: null,
    note: pmapper.note,
    ratioToTripline: null,
    maxRssMB: null,
    findings: undefined,
  };

  // 3. escalation on the example account.
  log('example account: escalation per principal …');
  const exDir = join(OUT_DIR, 'example');
  mkdirSync(exDir, { recursive: true });
  const exLimit = 120;
  const ex = {
    tripline: await runTripline(EXAMPLE, join(exDir, 'tripline.json'), exLimit),
    cloudsplaining: await runCloudsplaining(EXAMPLE, join(exDir, 'cloudsplaining'), exLimit),
    parliament: await runParliament(EXAMPLE, join(exDir, 'parliament.jsonl'), exLimit),
  };
  const details = JSON.parse(readFileSync(EXAMPLE, 'utf8')) as AuthDetails;
  const idx = principalIndex(details);
  const csFile = existsSync(join(exDir, 'cloudsplaining'))
    ? readdirSync(join(exDir, 'cloudsplaining')).find((f) => f.startsWith('iam-results-'))
    : undefined;
  const esc: Record<string, Map<string, Set<string>> | undefined> = {
    tripline: ex.tripline.status === 'ok' ? triplineEscalations(join(exDir, 'tripline.json')) : undefined,
    cloudsplaining:
      ex.cloudsplaining.status === 'ok' && csFile
        ? cloudsplainingEscalations(join(exDir, 'cloudsplaining', csFile))
        : undefined,
    parliament:
      ex.parliament.status === 'ok'
        ? parliamentEscalations(join(exDir, 'parliament.jsonl'), idx.reach)
        : undefined,
  };
  const flagged = new Set<string>();
  for (const m of Object.values(esc)) for (const arn of m?.keys() ?? []) flagged.add(arn);
  const rows = [...flagged]
    .map((arn) => ({
      principal: idx.principals.get(arn) ?? arn,
      arn,
      tripline: esc.tripline?.has(arn) ?? null,
      cloudsplaining: esc.cloudsplaining?.has(arn) ?? null,
      parliament: esc.parliament?.has(arn) ?? null,
      pmapper: null as boolean | null,
      detail: {
        tripline: [...(esc.tripline?.get(arn) ?? [])],
        cloudsplaining: [...(esc.cloudsplaining?.get(arn) ?? [])],
        parliament: [...(esc.parliament?.get(arn) ?? [])],
      },
    }))
    .sort((a, b) => a.principal.localeCompare(b.principal));
  const totals = Object.fromEntries(
    (['tripline', 'cloudsplaining', 'parliament'] as const).map((t) => [t, esc[t] ? esc[t]?.size : null]),
  );
  const agreement = {
    all3: rows.filter((r) => r.tripline && r.cloudsplaining && r.parliament).length,
    onlyTripline: rows.filter((r) => r.tripline && !r.cloudsplaining && !r.parliament).length,
    onlyCloudsplaining: rows.filter((r) => !r.tripline && r.cloudsplaining && !r.parliament).length,
    onlyParliament: rows.filter((r) => !r.tripline && !r.cloudsplaining && r.parliament).length,
    triplineAndCloudsplaining: rows.filter((r) => r.tripline && r.cloudsplaining).length,
    triplineAndParliament: rows.filter((r) => r.tripline && r.parliament).length,
  };

  const cannot = [
    `PMapper ${versions.pmapper.version}: ${pmapper.note}`,
    ...(pmapper.starts
      ? []
      : [
          `PMapper ${versions.pmapper.version} does not even start on ${versions.python}: ${pmapper.startError} (it imports collections.Mapping, removed in Python 3.10).`,
        ]),
    'Cloudsplaining judges each policy on its own (actions present without resource constraints), not what a principal can reach: no boundaries, no Deny across policies, no trust/PassRole targets; it runs with its default exclusions (AdministratorAccess, service-role paths, AWSServiceRoleFor*).',
    'Parliament lints policy documents; privilege escalation comes only from its community auditor (--include-community-auditors), reported per policy, mapped here to the users/roles that attach it (directly or through a group).',
    'Neither Python tool reads the Lambda inventory; every tool here got the same authorization-details file only (Tripline without --lambdas).',
  ];

  const summary = {
    generatedAt: new Date().toISOString(),
    machine: {
      cpus: availableParallelism(),
      cpuModel: cpus()[0]?.model,
      memoryGB: round(totalmem() / 1024 ** 3, 1),
      platform: process.platform,
    },
    mode: QUICK ? 'quick' : 'full',
    input: { preset: PRESET, file: INPUT.replace(`${REPO}/`, ''), sizeMB: inputMB },
    limitS: LIMIT_S,
    versions,
    speed,
    example: {
      file: EXAMPLE.replace(`${REPO}/`, ''),
      runs: Object.fromEntries(Object.entries(ex).map(([k, r]) => [k, { status: r.status, wallS: r.wallS }])),
      principalsFlagged: totals,
      agreement,
      principals: rows,
    },
    couldNot: cannot,
  };
  writeFileSync(join(RESULTS, 'peers.json'), `${JSON.stringify(summary, null, 2)}\n`);

  // 4. tables.
  const order = (tool: string) =>
    ['tripline', 'cloudsplaining', 'cloudsplaining (sanitised input)', 'parliament', 'pmapper'].indexOf(tool);
  const fmt = (tool: string) => {
    const s = speed[tool];
    if (!s) return [tool];
    const v = versions[tool.split(' ')[0] as 'tripline'];
    return [
      tool,
      `${v?.version ?? ''}`,
      `${v?.license ?? ''}`,
      s.wallS === null ? '—' : `${s.wallS} s`,
      s.ratioToTripline === null ? '—' : `${s.ratioToTripline}×`,
      s.maxRssMB === null ? '—' : `${s.maxRssMB} MB`,
      s.note ? (s.note.length > 70 ? `${s.note.slice(0, 67)}…` : s.note) : 'ok',
    ];
  };
  const mark = (v: boolean | null) => (v === null ? 'n/a' : v ? 'yes' : '—');
  process.stdout.write(
    `\nSame input: ${summary.input.file} (${PRESET}, ${inputMB} MB), ${summary.machine.cpus} cores, limit ${LIMIT_S} s\n\n` +
      `${table(
        ['tool', 'version', 'licence', 'wall', 'vs Tripline', 'peak RSS', 'note'],
        Object.keys(speed)
          .sort((a, b) => order(a) - order(b))
          .map(fmt),
      )}\n\n` +
      `Privilege escalation on ${summary.example.file} (users/roles flagged by at least one tool)\n\n` +
      `${table(
        ['principal', 'Tripline', 'Cloudsplaining', 'Parliament', 'PMapper'],
        rows.map((r) => [r.principal, mark(r.tripline), mark(r.cloudsplaining), mark(r.parliament), 'n/a']),
      )}\n` +
      `${
        table(
          [
            'total',
            `${totals.tripline ?? 'n/a'}`,
            `${totals.cloudsplaining ?? 'n/a'}`,
            `${totals.parliament ?? 'n/a'}`,
            'n/a',
          ],
          [],
        ).split('\n')[0]
      }\n\n` +
      `Could not:\n${cannot.map((c) => `- ${c}`).join('\n')}\n\nWrote ${join(RESULTS, 'peers.json').replace(`${REPO}/`, '')}\n`,
  );
}

main().catch((error) => {
  process.stderr.write(`${(error as Error).stack ?? error}\n`);
  process.exit(1);
});
