import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ALL_RULES, findRule } from '../../shared/rules/index.ts';
import { runCliCaptured } from '../capture-io.ts';
import { CSV_COLUMNS } from '../format/csv.ts';
import { parseCsv } from '../format/fixtures/csv-parser.ts';
import { sarifSchemaErrors } from '../format/fixtures/sarif-validator.ts';
import { EXAMPLE_ACCOUNT } from './scan.ts';

const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));
const REPO = fileURLToPath(new URL('../../', import.meta.url));
const AUTH = 'authorization-details.json';
const LAMBDAS = 'lambdas.json';
const PUBLIC_FUNCTION = 'arn:aws:lambda:us-east-1:111122223333:function:orders-api';

const scan = (args: string[], options: Parameters<typeof runCliCaptured>[1] = {}) =>
  runCliCaptured(['scan', ...args], { cwd: FIXTURES, ...options });

const fixtureScan = (args: string[] = [], options: Parameters<typeof runCliCaptured>[1] = {}) =>
  scan(['--input', AUTH, '--lambdas', LAMBDAS, ...args], options);

const tmp = mkdtempSync(join(tmpdir(), 'tripline-scan-'));
function tempFile(name: string, content: unknown): string {
  const path = join(tmp, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  return path;
}

/** A config with a trailing comma (line 4, column 3): kept out of the fixtures folder, which Biome lints. */
const TRAILING_COMMA = '{\n  "knownAccounts": [\n    "111122223333",\n  ]\n}\n';

const authDetails = () => JSON.parse(readFileSync(join(FIXTURES, AUTH), 'utf8'));

interface JsonReport {
  findings: { id: string; ruleId: string; resource: string; status: string; severity: string }[];
  summary: { findings: number; suppressed: number; accountId: string };
  issues: unknown[];
}

async function jsonFindings(args: string[]): Promise<JsonReport> {
  const out = await scan([...args, '--format', 'json']);
  // The fixture holds a deliberately broken policy: rules that cannot rule it out say UNKNOWN (on stderr).
  expect(out.stderr).toMatch(/^(tripline: \d+ result\(s\) could not be decided[^\n]*\n)?$/);
  expect(out.exitCode).toBe(0);
  return JSON.parse(out.stdout) as JsonReport;
}

describe('tripline scan: formats', () => {
  it('prints a table by default, without colour and progress when not on a terminal', async () => {
    const out = await fixtureScan();
    expect(out.exitCode).toBe(0);
    expect(out.stdout).toMatch(
      /^Tripline scan of account 111122223333: 4 principal\(s\), 2 function\(s\), \d+ rule\(s\)\n/,
    );
    expect(out.stdout).toMatch(/^CRITICAL \(\d+\)$/m);
    expect(out.stdout).toContain(PUBLIC_FUNCTION);
    expect(out.stdout).not.toContain('\u001b[');
    expect(out.stderr).toBe('');
  });

  it('prints JSON findings with deterministic ids', async () => {
    const doc = await jsonFindings(['--input', AUTH, '--lambdas', LAMBDAS]);
    expect(doc.summary.accountId).toBe('111122223333');
    expect(doc.findings.length).toBeGreaterThan(0);
    const fn = doc.findings.find(
      (f) => f.ruleId === 'lambda-public-invoke' && f.resource === PUBLIC_FUNCTION,
    );
    expect(fn).toMatchObject({ severity: 'critical', status: 'OPEN' });
    for (const f of doc.findings) expect(f.id).toMatch(/^tl-[0-9a-f]{20}$/);
    const again = await fixtureScan(['--format', 'json']);
    expect(again.stdout).toBe(JSON.stringify(doc, null, 2) + '\n');
  });

  it('prints SARIF 2.1.0 that validates against the schema, one result per finding', async () => {
    const [sarif, json] = await Promise.all([
      fixtureScan(['--format', 'sarif']),
      jsonFindings(['--input', AUTH, '--lambdas', LAMBDAS]),
    ]);
    expect(sarif.exitCode).toBe(0);
    const doc = JSON.parse(sarif.stdout);
    expect(sarifSchemaErrors(doc)).toEqual([]);
    const run = doc.runs[0];
    expect(run.tool.driver.rules).toHaveLength(ALL_RULES.length);
    expect(run.results.map((r: { properties: { findingId: string } }) => r.properties.findingId)).toEqual(
      json.findings.map((f) => f.id),
    );
    expect(run.artifacts.map((a: { location: { uri: string } }) => a.location.uri)).toEqual([AUTH, LAMBDAS]);
  });

  it('prints CSV that parses back into the same findings', async () => {
    const [csv, json] = await Promise.all([
      fixtureScan(['--format', 'csv']),
      jsonFindings(['--input', AUTH, '--lambdas', LAMBDAS]),
    ]);
    expect(csv.exitCode).toBe(0);
    const [header, ...rows] = parseCsv(csv.stdout);
    expect(header).toEqual([...CSV_COLUMNS]);
    expect(rows.map((r) => [r[0], r[1], r[5]])).toEqual(
      json.findings.map((f) => [f.id, f.ruleId, f.resource]),
    );
  });

  it('prints ASFF findings ready for BatchImportFindings', async () => {
    const out = await fixtureScan(['--format', 'asff', '--region', 'eu-central-1']);
    expect(out.exitCode).toBe(0);
    const findings = JSON.parse(out.stdout);
    expect(findings.length).toBeGreaterThan(0);
    for (const f of findings) {
      expect(f).toMatchObject({
        SchemaVersion: '2018-10-08',
        ProductArn: 'arn:aws:securityhub:eu-central-1:111122223333:product/111122223333/default',
        AwsAccountId: '111122223333',
        CreatedAt: '2026-12-01T00:00:00.000Z',
        UpdatedAt: '2026-12-01T00:00:00.000Z',
      });
      for (const key of ['Id', 'GeneratorId', 'Types', 'Severity', 'Title', 'Description', 'Resources'])
        expect(f[key]).toBeDefined();
      expect(f.Title.length).toBeLessThanOrEqual(256);
      expect(f.Description.length).toBeLessThanOrEqual(1024);
    }
  });

  it('takes the ASFF Region from AWS_REGION and rejects a malformed one', async () => {
    const out = await fixtureScan(['--format', 'asff'], { env: { AWS_REGION: 'ap-southeast-2' } });
    expect(JSON.parse(out.stdout)[0].ProductArn).toContain(':securityhub:ap-southeast-2:');
    const bad = await fixtureScan(['--format', 'asff', '--region', 'mars']);
    expect(bad).toMatchObject({ exitCode: 2, stdout: '' });
    expect(bad.stderr).toContain('--region mars: expected a Region such as us-east-1');
  });

  it('writes the report to --output and only a note to stderr', async () => {
    const path = join(tmp, 'report.sarif');
    const out = await fixtureScan(['--format', 'sarif', '--output', path]);
    expect(out.exitCode).toBe(0);
    expect(out.stdout).toBe('');
    expect(out.stderr).toMatch(
      /^tripline: wrote .*report\.sarif \(sarif\): \d+ open finding\(s\), 0 suppressed\n/,
    );
    expect(sarifSchemaErrors(JSON.parse(readFileSync(path, 'utf8')))).toEqual([]);
  });

  it('rejects an unknown format with exit code 2', async () => {
    const out = await fixtureScan(['--format', 'xml']);
    expect(out.exitCode).toBe(2);
    expect(out.stderr).toContain(
      "argument 'xml' is invalid. Allowed choices are table, json, sarif, csv, asff",
    );
    expect(out.stdout).toBe('');
  });
});

describe('tripline scan: input forms', () => {
  it('reads the raw API form (URL-encoded documents) like the CLI form', async () => {
    const doc = authDetails();
    const encode = (value: unknown) => encodeURIComponent(JSON.stringify(value));
    for (const role of doc.RoleDetailList) {
      role.AssumeRolePolicyDocument = encode(role.AssumeRolePolicyDocument);
      for (const p of role.RolePolicyList) p.PolicyDocument = encode(p.PolicyDocument);
    }
    for (const user of doc.UserDetailList)
      for (const p of user.UserPolicyList) p.PolicyDocument = encode(p.PolicyDocument);
    for (const policy of doc.Policies)
      for (const v of policy.PolicyVersionList) v.Document = encode(v.Document);
    const raw = tempFile('raw.json', doc);
    const [a, b] = await Promise.all([
      jsonFindings(['--input', AUTH, '--lambdas', LAMBDAS]),
      jsonFindings(['--input', raw, '--lambdas', LAMBDAS]),
    ]);
    expect(b.findings.map((f) => f.id)).toEqual(a.findings.map((f) => f.id));
  });

  it('reads pages concatenated one after another, or as an array, with the same ids', async () => {
    const doc = authDetails();
    const page1 = {
      ...doc,
      RoleDetailList: doc.RoleDetailList.slice(0, 1),
      Policies: [],
      IsTruncated: true,
      Marker: 'm1',
    };
    const page2 = {
      ...doc,
      RoleDetailList: doc.RoleDetailList.slice(1),
      UserDetailList: [],
      GroupDetailList: [],
      IsTruncated: false,
    };
    const concatenated = tempFile(
      'pages.json',
      `${JSON.stringify(page1, null, 2)}\n${JSON.stringify(page2, null, 2)}\n`,
    );
    const array = tempFile('pages-array.json', [page1, page2]);
    const [a, b, c] = await Promise.all([
      jsonFindings(['--input', AUTH, '--lambdas', LAMBDAS]),
      jsonFindings(['--input', concatenated, '--lambdas', LAMBDAS]),
      jsonFindings(['--input', array, '--lambdas', LAMBDAS]),
    ]);
    expect(b.findings.map((f) => f.id)).toEqual(a.findings.map((f) => f.id));
    expect(c.findings.map((f) => f.id)).toEqual(a.findings.map((f) => f.id));
  });

  it('gives the same finding ids whatever the order of the input', async () => {
    const doc = authDetails();
    doc.RoleDetailList.reverse();
    doc.Policies.reverse();
    const reordered = tempFile('reordered.json', doc);
    const [a, b] = await Promise.all([
      jsonFindings(['--input', AUTH, '--lambdas', LAMBDAS]),
      jsonFindings(['--input', reordered, '--lambdas', LAMBDAS]),
    ]);
    expect(new Set(b.findings.map((f) => f.id))).toEqual(new Set(a.findings.map((f) => f.id)));
    expect(b.findings.map((f) => f.id)).toEqual(a.findings.map((f) => f.id));
  });

  it('runs without a Lambda inventory', async () => {
    const out = await scan(['--input', AUTH]);
    expect(out.exitCode).toBe(0);
    expect(out.stdout).toContain('no Lambda inventory (function rules not run)');
  });

  it('goes on past a malformed policy inside a valid file', async () => {
    const doc = await jsonFindings(['--input', AUTH, '--lambdas', LAMBDAS]);
    expect(doc.findings.some((f) => f.ruleId === 'lambda-public-invoke')).toBe(true);
    if (findRule('policy-invalid')) {
      expect(doc.findings).toContainEqual(
        expect.objectContaining({
          ruleId: 'policy-invalid',
          resource: 'arn:aws:iam::111122223333:role/reports-worker',
        }),
      );
    }
  });

  it.skipIf(!existsSync(EXAMPLE_ACCOUNT.authorizationDetails))(
    'scans the bundled example account without --input',
    async () => {
      const out = await runCliCaptured(['scan'], { cwd: REPO });
      expect(out.exitCode).toBe(0);
      expect(out.stdout).toMatch(/^Tripline scan of account \d{12}: \d+ principal\(s\), \d+ function\(s\)/);
    },
  );

  it.skipIf(!existsSync(EXAMPLE_ACCOUNT.authorizationDetails))(
    'renders the example account, with every rule, as valid SARIF and within ASFF limits',
    async () => {
      const [sarif, asff] = await Promise.all([
        runCliCaptured(['scan', '--format', 'sarif'], { cwd: REPO }),
        runCliCaptured(['scan', '--format', 'asff'], { cwd: REPO }),
      ]);
      const doc = JSON.parse(sarif.stdout);
      expect(sarifSchemaErrors(doc)).toEqual([]);
      expect(doc.runs[0].artifacts.map((a: { location: { uri: string } }) => a.location.uri)).toEqual([
        'examples/account/authorization-details.json',
        'examples/account/lambdas.json',
      ]);
      for (const f of JSON.parse(asff.stdout)) {
        expect(f.Title.length).toBeLessThanOrEqual(256);
        expect(f.Description.length).toBeLessThanOrEqual(1024);
        expect(f.Remediation.Recommendation.Text.length).toBeLessThanOrEqual(512);
      }
    },
  );
});

describe('tripline scan: malformed input', () => {
  it('names the file, line and column of a JSON syntax error, with exit code 2', async () => {
    const text = readFileSync(join(FIXTURES, AUTH), 'utf8').replace(
      '"RoleName": "reports-worker",',
      '"RoleName": "reports-worker",,',
    );
    const path = tempFile('syntax.json', text);
    const line = text.split('\n').findIndex((l) => l.includes('reports-worker",,')) + 1;
    const out = await scan(['--input', path]);
    expect(out.exitCode).toBe(2);
    expect(out.stdout).toBe('');
    expect(out.stderr).toMatch(
      new RegExp(
        `^tripline: .*syntax\\.json: line ${line}, column \\d+: unexpected ',': expected a property name in double quotes\\n$`,
      ),
    );
  });

  it('names the file and the JSON path of a structural error', async () => {
    const doc = authDetails();
    delete doc.RoleDetailList[1].Arn;
    const out = await scan(['--input', tempFile('shape.json', doc)]);
    expect(out.exitCode).toBe(2);
    expect(out.stderr).toMatch(/shape\.json: \$\.RoleDetailList\[1\]\.Arn: required string is missing\n$/);
  });

  it('says when the file is not authorization details at all', async () => {
    const out = await scan(['--input', LAMBDAS]);
    expect(out.exitCode).toBe(2);
    expect(out.stderr).toContain(
      'tripline: lambdas.json: $: none of UserDetailList, GroupDetailList, RoleDetailList, Policies found',
    );
  });

  it('names a bad Lambda inventory', async () => {
    const out = await scan([
      '--input',
      AUTH,
      '--lambdas',
      tempFile('bad-lambdas.json', { Functions: [{ FunctionName: 'x' }] }),
    ]);
    expect(out.exitCode).toBe(2);
    expect(out.stderr).toMatch(
      /bad-lambdas\.json: \$\.Functions\[0\]\.FunctionArn: required string is missing/,
    );
  });

  it('names a missing file', async () => {
    const out = await scan(['--input', 'does-not-exist.json']);
    expect(out).toMatchObject({
      exitCode: 2,
      stdout: '',
      stderr: 'tripline: does-not-exist.json: cannot read file (no such file)\n',
    });
  });

  it('wants --input with --lambdas', async () => {
    const out = await scan(['--lambdas', LAMBDAS]);
    expect(out.exitCode).toBe(2);
    expect(out.stderr).toContain('--lambdas needs --input');
  });
});

describe('tripline scan: config', () => {
  it('applies suppressions from --config', async () => {
    const doc = await jsonFindings(['--input', AUTH, '--lambdas', LAMBDAS, '--config', 'config-valid.json']);
    const user = doc.findings.find(
      (f) => f.resource === 'arn:aws:iam::111122223333:user/ops-admin' && f.ruleId === 'iam-admin-access',
    );
    expect(user?.status).toBe('SUPPRESSED');
    expect(doc.summary.suppressed).toBeGreaterThanOrEqual(1);
  });

  it('names the bad field of an invalid config, with exit code 2', async () => {
    const out = await fixtureScan(['--config', 'config-bad-field.json']);
    expect(out).toMatchObject({ exitCode: 2, stdout: '' });
    expect(out.stderr).toBe(
      'tripline: config-bad-field.json: knownAccounts[0]: expected a 12-digit AWS account id\n',
    );
  });

  it('names the line and column of a config that is not JSON', async () => {
    const out = await fixtureScan(['--config', tempFile('trailing-comma.json', TRAILING_COMMA)]);
    expect(out.exitCode).toBe(2);
    expect(out.stderr).toMatch(
      /^tripline: \S*trailing-comma\.json: line 4, column 3: unexpected '\]' after ',': remove the trailing comma\n$/,
    );
  });

  it('warns about rule ids that do not exist', async () => {
    const config = tempFile('typo.json', { disabledRules: ['iam-admin-acess'] });
    const out = await fixtureScan(['--config', config, '--format', 'json']);
    expect(out.exitCode).toBe(0);
    expect(out.stderr).toContain('disabledRules[0]: no rule is named "iam-admin-acess"');
  });
});

describe('tripline scan: exit codes', () => {
  it('exits 1 when an open finding is at or above --fail-on, and still prints the report', async () => {
    const out = await fixtureScan(['--fail-on', 'critical', '--format', 'json']);
    expect(out.exitCode).toBe(1);
    expect(JSON.parse(out.stdout).findings.length).toBeGreaterThan(0);
    expect(out.stderr).toMatch(/^tripline: \d+ open finding\(s\) at or above critical \(--fail-on\)$/m);
  });

  it('exits 0 when every finding is suppressed', async () => {
    const config = tempFile('accept-all.json', {
      suppressions: [{ rule: '*', resource: '*', reason: 'test: accept everything' }],
    });
    const out = await fixtureScan(['--fail-on', 'info', '--config', config, '--format', 'json']);
    expect(out.exitCode).toBe(0);
    expect(JSON.parse(out.stdout).summary.findings).toBe(0);
  });

  it('exits 0 when no finding reaches the threshold', async () => {
    const config = tempFile('disable-all.json', { disabledRules: ALL_RULES.map((r) => r.id) });
    const out = await fixtureScan(['--fail-on', 'info', '--config', config]);
    expect(out.exitCode).toBe(0);
    expect(out.stdout).toContain('No open findings.');
  });

  it('rejects an unknown severity with exit code 2', async () => {
    const out = await fixtureScan(['--fail-on', 'severe']);
    expect(out.exitCode).toBe(2);
    expect(out.stderr).toContain('Allowed choices are info, low, medium, high, critical');
  });

  it('exits 0 for --help', async () => {
    const out = await runCliCaptured(['scan', '--help']);
    expect(out.exitCode).toBe(0);
    expect(out.stdout).toContain('--fail-on <severity>');
  });
});

describe('tripline scan: terminal behaviour', () => {
  it('colours the table on a terminal unless NO_COLOR is set', async () => {
    const tty = await fixtureScan([], { stdoutIsTTY: true });
    expect(tty.stdout).toContain('\u001b[');
    const noColor = await fixtureScan([], { stdoutIsTTY: true, env: { NO_COLOR: '1' } });
    expect(noColor.stdout).not.toContain('\u001b[');
    const json = await fixtureScan(['--format', 'json'], { stdoutIsTTY: true });
    expect(json.stdout).not.toContain('\u001b[');
  });

  it('shows progress on stderr when stderr is a terminal, or with --progress', async () => {
    const tty = await fixtureScan(['--format', 'json'], { stderrIsTTY: true });
    expect(tty.stderr).toContain('\r\u001b[Kscanning: 6/6 (100%)');
    expect(JSON.parse(tty.stdout).findings.length).toBeGreaterThan(0);
    const lines = await fixtureScan(['--format', 'json', '--progress']);
    expect(lines.stderr).toContain('scanning: 6/6 (100%)\n');
    const off = await fixtureScan(['--format', 'json', '--no-progress'], { stderrIsTTY: true });
    expect(off.stderr).not.toContain('scanning');
  });
});

describe('tripline scan: as a process', () => {
  const bin = join(REPO, 'cli/bin/tripline.js');
  it('prints JSON on stdout and exits 1 with --fail-on', () => {
    const out = spawnSync(
      process.execPath,
      [bin, 'scan', '-i', AUTH, '-l', LAMBDAS, '-f', 'json', '--fail-on', 'high'],
      {
        cwd: FIXTURES,
        encoding: 'utf8',
        env: { ...process.env, NO_COLOR: '1' },
      },
    );
    expect(out.status).toBe(1);
    expect(JSON.parse(out.stdout).summary.accountId).toBe('111122223333');
  });

  it('exits 2 with a one-line message on malformed input', () => {
    tempFile('bad-input.json', TRAILING_COMMA);
    const out = spawnSync(process.execPath, [bin, 'scan', '-i', 'bad-input.json'], {
      cwd: tmp,
      encoding: 'utf8',
    });
    expect(out.status).toBe(2);
    expect(out.stdout).toBe('');
    expect(out.stderr).toBe(
      "tripline: bad-input.json: line 4, column 3: unexpected ']' after ',': remove the trailing comma\n",
    );
  });
});
