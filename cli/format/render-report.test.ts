import { describe, expect, it } from 'vitest';
import type { Finding } from '../../shared/scan/finding.ts';
import { ASFF_FINDING_TYPE, ASFF_LIMITS, buildAsff, truncate } from './asff.ts';
import { CSV_COLUMNS, csvField } from './csv.ts';
import { parseCsv } from './fixtures/csv-parser.ts';
import { SAMPLE_NOW, sampleContext } from './fixtures/sample-report.ts';
import { sarifSchemaErrors } from './fixtures/sarif-validator.ts';
import { renderReport } from './render-report.ts';
import type { ReportContext } from './report-context.ts';
import { REPORT_FORMATS } from './report-context.ts';
import { artifactUri, buildSarif, indexArnLines } from './sarif.ts';

const ADMIN_USER = 'arn:aws:iam::111122223333:user/ops-admin';
const ADMIN_ROLE = 'arn:aws:iam::111122223333:role/orders-api';
const PUBLIC_FUNCTION = 'arn:aws:lambda:us-east-1:111122223333:function:orders-api';

/** A context whose one finding has every text field far over the ASFF limits. */
function oversizedContext(): ReportContext {
  const ctx = sampleContext();
  const base = ctx.report.findings[0] as Finding;
  const long: Finding = {
    ...base,
    id: 'tl-00000000000000000000',
    title: `Very long title ${'x'.repeat(400)}`,
    message: `role ${'y'.repeat(2000)} can do "everything", really, on\nevery line`,
    rationale: 'z'.repeat(3000),
    remediation: { summary: 's'.repeat(700), cli: 'aws iam detach-role-policy' },
    evidence: { blob: 'e'.repeat(5000) },
  };
  ctx.report.findings = [long];
  return ctx;
}

describe('sample report', () => {
  it('has open, suppressed and undecided results to render', () => {
    const { report } = sampleContext();
    const byResource = Object.fromEntries(report.findings.map((f) => [f.resource, f.status]));
    expect(byResource).toMatchObject({
      [ADMIN_USER]: 'SUPPRESSED',
      [ADMIN_ROLE]: 'OPEN',
      [PUBLIC_FUNCTION]: 'OPEN',
    });
    expect(report.issues).toHaveLength(1);
  });
});

describe('table', () => {
  it('groups open findings by severity, lists suppressed and undecided results, and ends with a summary', () => {
    const text = renderReport('table', sampleContext());
    expect(text).toContain('Tripline scan of account 111122223333: 4 principal(s), 2 function(s), 2 rule(s)');
    expect(text).toMatch(/^CRITICAL \(2\)$/m);
    expect(text).toContain(`  iam-admin-access  ${ADMIN_ROLE}`);
    expect(text).toContain(`  lambda-public-invoke  ${PUBLIC_FUNCTION}`);
    expect(text).toMatch(
      /^SUPPRESSED \(1\)\n {2}iam-admin-access {2}arn:aws:iam::111122223333:user\/ops-admin {2}\(break-glass user, reviewed quarterly until 2027-06-30\)$/m,
    );
    expect(text).toMatch(/^NOT DECIDED \(1\)/m);
    expect(text.trimEnd().split('\n').at(-1)).toBe(
      '2 open finding(s): 2 critical, 0 high, 0 medium, 0 low, 0 info; 1 suppressed',
    );
    expect(text).not.toContain('\u001b[');
  });

  it('colours severities only when asked', () => {
    const text = renderReport('table', sampleContext({ colour: true }));
    expect(text).toContain('\u001b[1;35mCRITICAL (2)\u001b[0m');
  });

  it('says so when nothing is open', () => {
    const ctx = sampleContext();
    ctx.report.findings = [];
    expect(renderReport('table', ctx)).toContain('No open findings.');
  });
});

describe('json', () => {
  it('prints findings with fixed keys, the summary and the issues', () => {
    const doc = JSON.parse(renderReport('json', sampleContext()));
    expect(Object.keys(doc)).toEqual(['findings', 'summary', 'issues', 'tool']);
    const finding = doc.findings.find((f: { resource: string }) => f.resource === PUBLIC_FUNCTION);
    expect(Object.keys(finding).slice(0, 11)).toEqual([
      'id',
      'ruleId',
      'severity',
      'status',
      'resource',
      'resourceType',
      'accountId',
      'title',
      'message',
      'evidence',
      'remediation',
    ]);
    expect(finding).toMatchObject({
      ruleId: 'lambda-public-invoke',
      severity: 'critical',
      resourceType: 'AWS::Lambda::Function',
    });
    expect(finding.id).toMatch(/^tl-[0-9a-f]{20}$/);
    expect(doc.summary).toMatchObject({ accountId: '111122223333', findings: 2, suppressed: 1 });
    expect(doc.issues).toHaveLength(1);
  });

  it('renders the same bytes for the same scan', () => {
    expect(renderReport('json', sampleContext())).toBe(renderReport('json', sampleContext()));
  });
});

describe('csv', () => {
  it.each([
    ['plain', 'plain'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    ['cr\r', '"cr\r"'],
    ['', ''],
  ])('quotes %j as %j', (value, expected) => {
    expect(csvField(value)).toBe(expected);
  });

  it('parses back, row for row, into the findings', () => {
    const ctx = sampleContext();
    const text = renderReport('csv', ctx);
    expect(text.endsWith('\r\n')).toBe(true);
    const [header, ...rows] = parseCsv(text);
    expect(header).toEqual([...CSV_COLUMNS]);
    expect(rows).toHaveLength(ctx.report.findings.length);
    ctx.report.findings.forEach((f, i) => {
      const row = Object.fromEntries((header ?? []).map((h, j) => [h, rows[i]?.[j]]));
      expect(row).toMatchObject({
        id: f.id,
        ruleId: f.ruleId,
        resource: f.resource,
        message: f.message,
        status: f.status,
      });
      expect(JSON.parse(row.evidence ?? '')).toEqual(f.evidence);
    });
  });

  it('keeps commas, quotes and line breaks inside one field', () => {
    const text = renderReport('csv', oversizedContext());
    const rows = parseCsv(text);
    expect(rows).toHaveLength(2);
    expect(rows[1]?.[CSV_COLUMNS.indexOf('message')]).toContain(
      'can do "everything", really, on\nevery line',
    );
  });
});

describe('sarif', () => {
  it('is valid SARIF 2.1.0', () => {
    const doc = JSON.parse(renderReport('sarif', sampleContext()));
    expect(sarifSchemaErrors(doc)).toEqual([]);
  });

  it('is valid with long and odd text too', () => {
    expect(sarifSchemaErrors(buildSarif(oversizedContext()))).toEqual([]);
  });

  it('the validator rejects what is not SARIF', () => {
    const doc = buildSarif(sampleContext()) as unknown as { runs: { results: Record<string, unknown>[] }[] };
    const result = doc.runs[0]?.results[0];
    if (result) {
      result.level = 'fatal';
      delete result.message;
    }
    expect(sarifSchemaErrors(doc).length).toBeGreaterThan(0);
  });

  it('describes every rule that ran and points each result at its rule, file line and ARN', () => {
    const ctx = sampleContext();
    const run = buildSarif(ctx).runs[0];
    expect(run?.tool.driver.rules?.map((r) => r.id)).toEqual(['iam-admin-access', 'lambda-public-invoke']);
    expect(run?.tool.driver.rules?.[1]?.properties).toMatchObject({ 'security-severity': '9.5' });
    const fn = run?.results?.find((r) => r.properties?.resource === PUBLIC_FUNCTION);
    expect(fn).toMatchObject({ ruleId: 'lambda-public-invoke', ruleIndex: 1, level: 'error', kind: 'fail' });
    const loc = fn?.locations?.[0];
    expect(loc?.physicalLocation?.artifactLocation).toEqual({ uri: 'fixtures/lambdas.json', index: 1 });
    const lambdaLines = ctx.sources.lambdas?.text.split('\n') ?? [];
    expect(lambdaLines[(loc?.physicalLocation?.region?.startLine ?? 0) - 1]).toContain(
      `"FunctionArn": "${PUBLIC_FUNCTION}"`,
    );
    expect(loc?.logicalLocations?.[0]?.fullyQualifiedName).toBe(PUBLIC_FUNCTION);
    const role = run?.results?.find((r) => r.properties?.resource === ADMIN_ROLE);
    expect(role?.locations?.[0]?.physicalLocation?.artifactLocation?.uri).toBe(
      'fixtures/authorization-details.json',
    );
    expect(role?.partialFingerprints?.['triplineFindingId/v1']).toMatch(/^tl-/);
  });

  it('marks suppressed findings and reports undecided results as notifications', () => {
    const run = buildSarif(sampleContext()).runs[0];
    const suppressed = run?.results?.find((r) => r.properties?.resource === ADMIN_USER);
    expect(suppressed?.suppressions).toEqual([
      { kind: 'external', status: 'accepted', justification: 'break-glass user, reviewed quarterly' },
    ]);
    expect(run?.invocations?.[0]?.toolExecutionNotifications?.[0]).toMatchObject({
      level: 'warning',
      associatedRule: { id: 'iam-admin-access', index: 0 },
    });
  });

  it('indexes the line of each resource ARN, first occurrence wins', () => {
    const text =
      '{\n "Arn": "arn:aws:iam::1:role/a",\n "X": "arn:aws:iam::1:role/b",\n "FunctionArn" : "arn:aws:lambda:r:1:function:f",\n "Arn": "arn:aws:iam::1:role/a"\n}';
    expect([...indexArnLines(text)]).toEqual([
      ['arn:aws:iam::1:role/a', 2],
      ['arn:aws:lambda:r:1:function:f', 4],
    ]);
  });

  it.each([
    ['account.json', 'account.json'],
    ['in dir/my file.json', 'in%20dir/my%20file.json'],
    ['C:\\x\\a.json', 'C%3A/x/a.json'],
    ['/abs/a b.json', 'file:///abs/a%20b.json'],
  ])('turns path %j into URI %j', (path, uri) => {
    expect(artifactUri(path)).toBe(uri);
  });
});

describe('asff', () => {
  const REQUIRED = [
    'SchemaVersion',
    'Id',
    'ProductArn',
    'GeneratorId',
    'AwsAccountId',
    'Types',
    'CreatedAt',
    'UpdatedAt',
    'Severity',
    'Title',
    'Description',
    'Resources',
  ];

  it('has every required attribute, in the shape BatchImportFindings takes', () => {
    const findings = JSON.parse(renderReport('asff', sampleContext()));
    expect(Array.isArray(findings)).toBe(true);
    expect(findings).toHaveLength(3);
    for (const f of findings) {
      for (const key of REQUIRED) expect(f[key], key).toBeDefined();
      expect(f.SchemaVersion).toBe('2018-10-08');
      expect(f.ProductArn).toBe('arn:aws:securityhub:eu-west-1:111122223333:product/111122223333/default');
      expect(f.AwsAccountId).toMatch(/^\d{12}$/);
      expect(f.Types).toEqual([ASFF_FINDING_TYPE]);
      expect(f.CreatedAt).toBe(SAMPLE_NOW.toISOString());
      expect(f.Severity.Label).toBe('CRITICAL');
      expect(f.Resources).toHaveLength(1);
      expect(f.Id.length).toBeLessThanOrEqual(512);
      expect(f.Remediation.Recommendation.Text.length).toBeGreaterThan(0);
    }
  });

  it('maps resource types and workflow status', () => {
    const findings = buildAsff(sampleContext());
    const byId = Object.fromEntries(findings.map((f) => [f.Resources[0]?.Id, f]));
    expect(byId[PUBLIC_FUNCTION]?.Resources[0]).toEqual({
      Type: 'AwsLambdaFunction',
      Id: PUBLIC_FUNCTION,
      Partition: 'aws',
      Region: 'us-east-1',
    });
    expect(byId[ADMIN_ROLE]?.Resources[0]).toEqual({ Type: 'AwsIamRole', Id: ADMIN_ROLE, Partition: 'aws' });
    expect(byId[ADMIN_USER]?.Resources[0]?.Type).toBe('AwsIamUser');
    expect(byId[ADMIN_USER]?.Workflow).toEqual({ Status: 'SUPPRESSED' });
    expect(byId[ADMIN_ROLE]?.Workflow).toEqual({ Status: 'NEW' });
    expect(byId[ADMIN_ROLE]?.Compliance).toEqual({ Status: 'FAILED' });
  });

  it('respects the length limits', () => {
    const [f] = buildAsff(oversizedContext());
    expect(f?.Title.length).toBeLessThanOrEqual(ASFF_LIMITS.title);
    expect(f?.Description.length).toBeLessThanOrEqual(ASFF_LIMITS.description);
    const rec =
      (f?.Remediation as { Recommendation: { Text: string } } | undefined)?.Recommendation.Text ?? '';
    expect(rec.length).toBeLessThanOrEqual(ASFF_LIMITS.recommendationText);
    expect(f?.Title.endsWith('…')).toBe(true);
    expect(f?.ProductFields).not.toHaveProperty('tripline/Evidence');
  });

  it('truncates by characters, never splitting a surrogate pair', () => {
    expect(truncate('abc', 3)).toBe('abc');
    expect(truncate('abcd', 3)).toBe('ab…');
    expect(Array.from(truncate('😀😀😀😀', 3))).toEqual(['😀', '😀', '…']);
  });

  it('refuses to invent an account id', () => {
    const ctx = sampleContext();
    ctx.report.summary.accountId = 'unknown';
    expect(() => buildAsff(ctx)).toThrow(/needs the account id/);
  });
});

describe('every format', () => {
  it.each(REPORT_FORMATS)('%s renders the same text twice', (format) => {
    expect(renderReport(format, sampleContext())).toBe(renderReport(format, sampleContext()));
  });
});
