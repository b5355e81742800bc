/**
 * `--format sarif`: SARIF 2.1.0 for code-scanning dashboards. One run; the rules that ran are the driver's
 * rules; each finding is a result located in the input file (the line of the resource's `Arn`) and named as a
 * logical location (its ARN). Suppressed findings carry a SARIF suppression; UNKNOWN/ERROR results become
 * tool execution notifications.
 */
import type { Location, Log, Notification, ReportingDescriptor, Result } from 'sarif';
import type { Rule, Severity } from '../../shared/rules/rule-types.ts';
import type { Finding } from '../../shared/scan/finding.ts';
import type { InputSource, ReportContext } from './report-context.ts';

export const SARIF_SCHEMA_URI = 'https://json.schemastore.org/sarif-2.1.0.json';

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = {
  critical: 'error',
  high: 'error',
  medium: 'warning',
  low: 'note',
  info: 'note',
};

/** GitHub code scanning reads `security-severity` (CVSS-like, 0.1–10) to rank security alerts. */
const SECURITY_SEVERITY: Partial<Record<Severity, string>> = {
  critical: '9.5',
  high: '8.0',
  medium: '5.5',
  low: '3.0',
};

function pascalCase(id: string): string {
  return id
    .split('-')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('');
}

function ruleHelp(rule: Rule): { text: string; markdown: string } {
  const text = [rule.rationale, '', `Fix: ${rule.remediation.summary}`];
  const markdown = [rule.rationale, '', `**Fix:** ${rule.remediation.summary}`];
  if (rule.remediation.cli) {
    text.push(`AWS CLI: ${rule.remediation.cli}`);
    markdown.push('', '```sh', rule.remediation.cli, '```');
  }
  if (rule.remediation.cdk) {
    text.push(`CDK: ${rule.remediation.cdk}`);
    markdown.push('', '```ts', rule.remediation.cdk, '```');
  }
  if (rule.references.length) markdown.push('', ...rule.references.map((r) => `- ${r}`));
  return { text: text.join('\n'), markdown: markdown.join('\n') };
}

function descriptor(rule: Rule): ReportingDescriptor {
  const securitySeverity = SECURITY_SEVERITY[rule.severity];
  const d: ReportingDescriptor = {
    id: rule.id,
    name: pascalCase(rule.id),
    shortDescription: { text: rule.title },
    fullDescription: { text: rule.rationale },
    help: ruleHelp(rule),
    defaultConfiguration: { level: LEVEL[rule.severity] },
    properties: {
      tags: ['security', 'aws', rule.evaluator],
      precision: 'high',
      severity: rule.severity,
      resourceType: rule.resourceType,
      ...(securitySeverity ? { 'security-severity': securitySeverity } : {}),
    },
  };
  const helpUri = rule.references[0];
  if (helpUri) d.helpUri = helpUri;
  return d;
}

/** A path as a SARIF URI reference: forward slashes, each segment percent-encoded. */
export function artifactUri(path: string): string {
  const slashed = path.replaceAll('\\', '/');
  if (slashed.startsWith('/')) return `file://${slashed.split('/').map(encodeURIComponent).join('/')}`;
  return slashed.split('/').map(encodeURIComponent).join('/');
}

/** The line (from 1) of each resource's `"Arn"` / `"FunctionArn"` in an input file, first occurrence wins. */
export function indexArnLines(text: string): Map<string, number> {
  const lines = new Map<string, number>();
  const pattern = /"(?:Arn|FunctionArn)"\s*:\s*"(arn:[^"\\]+)"/g;
  let line = 1;
  let scanned = 0;
  for (const m of text.matchAll(pattern)) {
    for (let i = scanned; i < m.index; i++) if (text.charCodeAt(i) === 10) line++;
    scanned = m.index;
    const arn = m[1];
    if (arn !== undefined && !lines.has(arn)) lines.set(arn, line);
  }
  return lines;
}

interface Locator {
  artifacts: InputSource[];
  locate(resource: string): Location;
}

function locator(ctx: ReportContext): Locator {
  const artifacts = [ctx.sources.authorizationDetails, ...(ctx.sources.lambdas ? [ctx.sources.lambdas] : [])];
  const indexes = artifacts.map((a) => indexArnLines(a.text));
  return {
    artifacts,
    locate(resource) {
      const logicalLocations = [{ fullyQualifiedName: resource, kind: 'resource' }];
      let artifact =
        resource.startsWith('arn:') && resource.split(':')[2] === 'lambda' && artifacts.length > 1 ? 1 : 0;
      let line = indexes[artifact]?.get(resource);
      if (line === undefined) {
        const other = indexes.findIndex((index) => index.has(resource));
        if (other >= 0) {
          artifact = other;
          line = indexes[other]?.get(resource);
        }
      }
      const source = artifacts[artifact] ?? ctx.sources.authorizationDetails;
      return {
        physicalLocation: {
          artifactLocation: { uri: artifactUri(source.uri), index: artifact },
          ...(line !== undefined ? { region: { startLine: line } } : {}),
        },
        logicalLocations,
      };
    },
  };
}

function result(f: Finding, ruleIndex: number, loc: Locator): Result {
  const r: Result = {
    ruleId: f.ruleId,
    level: LEVEL[f.severity],
    kind: 'fail',
    message: { text: f.message },
    locations: [loc.locate(f.resource)],
    partialFingerprints: { 'triplineFindingId/v1': f.id },
    properties: {
      findingId: f.id,
      severity: f.severity,
      resource: f.resource,
      resourceType: f.resourceType,
      accountId: f.accountId,
      evidence: f.evidence,
      ...(f.findingKey !== undefined ? { findingKey: f.findingKey } : {}),
    },
  };
  if (ruleIndex >= 0) r.ruleIndex = ruleIndex;
  if (f.status === 'SUPPRESSED') {
    r.suppressions = [
      {
        kind: 'external',
        status: 'accepted',
        justification: f.suppression?.reason ?? 'suppressed in config',
      },
    ];
  }
  return r;
}

export function buildSarif(ctx: ReportContext): Log {
  const ruleIndex = new Map(ctx.rules.map((r, i) => [r.id, i]));
  const loc = locator(ctx);
  const notifications: Notification[] = ctx.report.issues.map((issue) => {
    const index = ruleIndex.get(issue.ruleId);
    return {
      level: issue.status === 'ERROR' ? 'error' : 'warning',
      message: { text: `${issue.status}: ${issue.message}` },
      locations: [{ logicalLocations: [{ fullyQualifiedName: issue.resource, kind: 'resource' }] }],
      associatedRule: index === undefined ? { id: issue.ruleId } : { id: issue.ruleId, index },
    };
  });
  const { summary } = ctx.report;
  return {
    $schema: SARIF_SCHEMA_URI,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: ctx.tool.name,
            version: ctx.tool.version,
            semanticVersion: ctx.tool.version,
            rules: ctx.rules.map(descriptor),
          },
        },
        automationDetails: { id: `tripline/${summary.accountId}/` },
        artifacts: loc.artifacts.map((a) => ({
          location: { uri: artifactUri(a.uri) },
          roles: ['analysisTarget'],
        })),
        invocations: [{ executionSuccessful: true, toolExecutionNotifications: notifications }],
        columnKind: 'utf16CodeUnits',
        results: ctx.report.findings.map((f) => result(f, ruleIndex.get(f.ruleId) ?? -1, loc)),
        properties: {
          accountId: summary.accountId,
          principals: summary.principals,
          functions: summary.functions,
          openFindings: summary.findings,
          suppressedFindings: summary.suppressed,
        },
      },
    ],
  };
}

export function renderSarif(ctx: ReportContext): string {
  return `${JSON.stringify(buildSarif(ctx), null, 2)}\n`;
}
