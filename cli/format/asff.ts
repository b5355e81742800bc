/**
 * `--format asff`: AWS Security Finding Format, a JSON array ready for Security Hub `BatchImportFindings`
 * (at most 100 findings per call: split the array). Findings go to the account's default product
 * (`arn:PARTITION:securityhub:REGION:ACCOUNT:product/ACCOUNT/default`); the finding id is stable, so importing
 * a later scan updates the same finding. Lengths follow the API limits (Title 256, Description 1024,
 * Recommendation.Text 512).
 */
import type { ResourceType, Severity } from '../../shared/rules/rule-types.ts';
import type { Finding } from '../../shared/scan/finding.ts';
import { InputError } from '../input-error.ts';
import type { ReportContext } from './report-context.ts';

export const ASFF_LIMITS = {
  title: 256,
  description: 1024,
  recommendationText: 512,
  productFieldValue: 2048,
} as const;

export const ASFF_FINDING_TYPE = 'Software and Configuration Checks/AWS Security Best Practices';

const LABEL: Record<Severity, 'CRITICAL' | 'HIGH' | 'MEDIUM' | 'LOW' | 'INFORMATIONAL'> = {
  critical: 'CRITICAL',
  high: 'HIGH',
  medium: 'MEDIUM',
  low: 'LOW',
  info: 'INFORMATIONAL',
};

const RESOURCE_TYPE: Record<ResourceType, string> = {
  'AWS::IAM::Role': 'AwsIamRole',
  'AWS::IAM::User': 'AwsIamUser',
  'AWS::IAM::Group': 'AwsIamGroup',
  'AWS::IAM::Policy': 'AwsIamPolicy',
  'AWS::Lambda::Function': 'AwsLambdaFunction',
  'AWS::CloudTrail::Event': 'Other',
};

/** A JSON object in the shape Security Hub's AwsSecurityFinding expects. */
export type AsffFinding = Record<string, unknown> & {
  SchemaVersion: '2018-10-08';
  Id: string;
  ProductArn: string;
  GeneratorId: string;
  AwsAccountId: string;
  Types: string[];
  CreatedAt: string;
  UpdatedAt: string;
  Severity: { Label: string; Original: string };
  Title: string;
  Description: string;
  Resources: { Type: string; Id: string; Partition: string; Region?: string }[];
};

/** Cuts text to `max` characters, ending with an ellipsis when cut. */
export function truncate(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

function partitionOf(arn: string): string {
  const p = arn.split(':')[1];
  return p === 'aws-cn' || p === 'aws-us-gov' ? p : 'aws';
}

function resourceName(arn: string): string {
  const tail = arn.split(':').slice(5).join(':');
  return tail.split('/').at(-1) || tail || arn;
}

function recommendation(f: Finding): string {
  const parts = [f.remediation.summary];
  if (f.remediation.cli) parts.push(`AWS CLI: ${f.remediation.cli}`);
  return truncate(parts.join(' '), ASFF_LIMITS.recommendationText);
}

function toAsff(f: Finding, ctx: ReportContext): AsffFinding {
  const account = f.accountId;
  const partition = partitionOf(f.resource);
  const now = ctx.generatedAt.toISOString();
  const severity = { Label: LABEL[f.severity], Original: f.severity };
  const types = [ASFF_FINDING_TYPE];
  const region = f.resource.split(':')[3];
  const evidence = JSON.stringify(f.evidence);
  const url = f.references[0];
  return {
    SchemaVersion: '2018-10-08',
    Id: `tripline/${f.ruleId}/${f.id}`,
    ProductArn: `arn:${partition}:securityhub:${ctx.region}:${account}:product/${account}/default`,
    ProductName: 'Tripline',
    CompanyName: 'Tripline',
    GeneratorId: `tripline/${f.ruleId}`,
    AwsAccountId: account,
    Types: types,
    CreatedAt: now,
    UpdatedAt: now,
    Severity: severity,
    FindingProviderFields: { Severity: severity, Types: types },
    Title: truncate(`${f.title}: ${resourceName(f.resource)}`, ASFF_LIMITS.title),
    Description: truncate(`${f.message}. ${f.rationale}`, ASFF_LIMITS.description),
    Remediation: { Recommendation: { Text: recommendation(f), ...(url ? { Url: url } : {}) } },
    ProductFields: {
      'tripline/RuleId': f.ruleId,
      'tripline/FindingId': f.id,
      'tripline/ResourceType': f.resourceType,
      ...(evidence.length <= ASFF_LIMITS.productFieldValue ? { 'tripline/Evidence': evidence } : {}),
      ...(f.suppression
        ? { 'tripline/SuppressionReason': truncate(f.suppression.reason, ASFF_LIMITS.productFieldValue) }
        : {}),
    },
    Resources: [
      {
        Type: RESOURCE_TYPE[f.resourceType] ?? 'Other',
        Id: f.resource,
        Partition: partition,
        ...(region ? { Region: region } : {}),
      },
    ],
    Compliance: { Status: 'FAILED' },
    Workflow: { Status: f.status === 'SUPPRESSED' ? 'SUPPRESSED' : 'NEW' },
    RecordState: 'ACTIVE',
  };
}

export function buildAsff(ctx: ReportContext): AsffFinding[] {
  const account = ctx.report.summary.accountId;
  if (ctx.report.findings.length > 0 && !/^\d{12}$/.test(account)) {
    throw new InputError(
      `--format asff needs the account id, and no ARN in the input names one (found "${account}")`,
    );
  }
  return ctx.report.findings.map((f) => toAsff(f, ctx));
}

export function renderAsff(ctx: ReportContext): string {
  return `${JSON.stringify(buildAsff(ctx), null, 2)}\n`;
}
