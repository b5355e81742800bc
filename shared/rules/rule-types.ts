/**
 * The shape of a rule module: plain typed metadata (from which docs, EventBridge patterns and IAM policies
 * are generated) and a pure `evaluate` over typed snapshots.
 */
import type { CloudTrailEvent } from '../events/cloudtrail-event.ts';
import type { AccountSnapshot, LambdaFunction } from '../snapshot/account-snapshot.ts';
import type { PrincipalResolver, ResolvedPrincipal } from '../snapshot/principal-policies.ts';
import type { ScanConfig } from './scan-config.ts';

export const SEVERITIES = ['info', 'low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

export function severityRank(severity: Severity): number {
  return SEVERITIES.indexOf(severity);
}

/** The fixed result vocabulary. */
export type ResultStatus = 'PASS' | 'FAIL' | 'NOT_APPLICABLE' | 'UNKNOWN' | 'ERROR';

export type ResourceType =
  | 'AWS::IAM::Role'
  | 'AWS::IAM::User'
  | 'AWS::IAM::Group'
  | 'AWS::IAM::Policy'
  | 'AWS::Lambda::Function'
  | 'AWS::CloudTrail::Event';

/** Evaluators are grouped by what they read, so each gets one small role. */
export type EvaluatorGroup =
  | 'identity-policies'
  | 'trust-policies'
  | 'lambda-config'
  | 'lambda-policies'
  | 'activity';

/** CloudTrail events (as EventBridge delivers them) that should re-evaluate the rule. */
export interface TriggerEvents {
  /** EventBridge `source`, e.g. `aws.iam`, `aws.lambda`. */
  source: string;
  /** Exact CloudTrail `eventName`s (Lambda names carry API-version suffixes, e.g. `AddPermission20150331v2`). */
  eventNames: string[];
}

/** JSON-safe evidence: which policy and statement, which actions and principals. Never secret values. */
export type Evidence = { [key: string]: EvidenceValue };
export type EvidenceValue =
  | string
  | number
  | boolean
  | null
  | EvidenceValue[]
  | { [key: string]: EvidenceValue };

export interface RuleResult {
  status: ResultStatus;
  resource: string;
  resourceType: ResourceType;
  message: string;
  evidence?: Evidence;
  /** Distinguishes several findings of one rule on one resource (e.g. a statement id), so each can be suppressed alone. */
  findingKey?: string;
  /** Overrides the rule's severity for this result (e.g. a runtime whose updates are now blocked). */
  severity?: Severity;
}

export interface RuleContext {
  snapshot: AccountSnapshot;
  resolver: PrincipalResolver;
  config: ScanConfig;
  /** "Now", fixed per scan so results are reproducible. */
  now: Date;
}

export interface Remediation {
  summary: string;
  /** A command that fixes it, where one exists. */
  cli?: string;
  /** How to fix it in CDK, where it applies. */
  cdk?: string;
}

export interface RuleMetadata {
  /** kebab-case, never renamed once published: users suppress by it. */
  id: string;
  title: string;
  severity: Severity;
  resourceType: ResourceType;
  rationale: string;
  remediation: Remediation;
  /** AWS documentation and public research. */
  references: string[];
  evaluator: EvaluatorGroup;
  triggers: TriggerEvents[];
  /** IAM actions the rule needs to read the state it evaluates (live reads: evaluators, sweep, collect). */
  readActions: string[];
}

export interface PrincipalRule extends RuleMetadata {
  scope: 'principal';
  /** Which principals it looks at. */
  principalKinds: ('role' | 'user' | 'group')[];
  evaluate(principal: ResolvedPrincipal, ctx: RuleContext): RuleResult[];
}

export interface FunctionRule extends RuleMetadata {
  scope: 'function';
  evaluate(fn: LambdaFunction, ctx: RuleContext): RuleResult[];
}

/** Rules that need the whole account at once (e.g. one role shared by several functions). */
export interface AccountRule extends RuleMetadata {
  scope: 'account';
  evaluate(ctx: RuleContext): RuleResult[];
}

/** Tripline's own deployed resources, so activity rules can recognise tampering with them. */
export interface TriplineDeployment {
  /** Names of Tripline's EventBridge rules, functions, table, topic, queues and CloudFormation stack. */
  ruleNames: string[];
  functionNames: string[];
  tableName?: string;
  topicArn?: string;
  queueNames: string[];
  stackName?: string;
}

export interface EventRuleContext {
  config: ScanConfig;
  now: Date;
  deployment: TriplineDeployment;
}

/** Rules on the event itself (who did what), with no state to read. */
export interface EventRule extends RuleMetadata {
  scope: 'event';
  evaluate(event: CloudTrailEvent, ctx: EventRuleContext): RuleResult[];
}

export type Rule = PrincipalRule | FunctionRule | AccountRule | EventRule;
