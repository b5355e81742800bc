import { expandActionPattern, listServices } from '../../catalogue/action-catalogue.ts';
import { matchesAnyActionPattern } from '../../engine/action-match.ts';
import type { StatementRef } from '../../engine/evaluate.ts';
import type { Statement } from '../../engine/policy-types.ts';
import type { ResolvedPrincipal } from '../../snapshot/principal-policies.ts';
import type { PrincipalRule, RuleResult } from '../rule-types.ts';
import { IDENTITY_POLICY_READ_ACTIONS, identityPolicyTriggers } from '../support/identity-policy-events.ts';
import { concludePrincipal } from '../support/missing-documents.ts';
import { conditionalSeverity, grantsOnSomeResource, statementKey } from '../support/resource-grants.ts';
import { describeStatement, fail, resourceTypeOf, statementEvidence } from '../support/results.ts';

const SEVERITY = 'high';
/** An Action list that expands to more than this is sampled one action per service. */
const SAMPLE_LIMIT = 500;

const SUBJECT = 'Allow with NotAction or NotResource';

interface DocumentShape {
  /** Allow statements with NotAction or NotResource. */
  negated: Statement[];
  hasDeny: boolean;
}

const shapes = new WeakMap<readonly Statement[], DocumentShape>();

/** What this rule needs to know about one document; cached per document (shared by every principal holding it). */
function shapeOf(statements: readonly Statement[]): DocumentShape {
  let shape = shapes.get(statements);
  if (!shape) {
    shape = {
      negated: statements.filter(
        (s) => s.effect === 'Allow' && (s.notActions !== undefined || s.notResources !== undefined),
      ),
      hasDeny: statements.some((s) => s.effect === 'Deny'),
    };
    shapes.set(statements, shape);
  }
  return shape;
}

let probes: string[] | undefined;
/** One action per service: enough to tell which services a NotAction leaves allowed. */
function serviceProbes(): string[] {
  probes ??= listServices()
    .map((s) => expandActionPattern(`${s.key}:*`)[0]?.id)
    .filter((id): id is string => id !== undefined);
  return probes;
}

function allowsAction(statement: Statement, actionId: string): boolean {
  if (statement.actions) return matchesAnyActionPattern(statement.actions, actionId);
  return !matchesAnyActionPattern(statement.notActions ?? [], actionId);
}

const samples = new WeakMap<Statement, string[]>();

/**
 * Actions to try: one per service, the Action list itself when it is short, and (when a boundary is set) the
 * actions its Allow statements name, so a boundary that keeps only a few actions is still seen. Cached per
 * statement when there is no boundary.
 */
function sampleActions(principal: ResolvedPrincipal, statement: Statement): string[] {
  const cached = principal.boundary ? undefined : samples.get(statement);
  if (cached) return cached;
  const sample = new Set<string>();
  if (statement.actions) {
    const expanded = statement.actions.flatMap((p) => expandActionPattern(p));
    if (expanded.length <= SAMPLE_LIMIT) for (const a of expanded) sample.add(a.id);
  }
  if (sample.size === 0) for (const id of serviceProbes()) sample.add(id);
  for (const s of principal.boundary?.statements ?? []) {
    if (s.effect !== 'Allow' || !s.actions) continue;
    for (const pattern of s.actions) {
      const expanded = expandActionPattern(pattern);
      if (expanded.length <= SAMPLE_LIMIT) for (const a of expanded) sample.add(a.id);
    }
  }
  const result = [...sample].filter((id) => allowsAction(statement, id));
  if (!principal.boundary) samples.set(statement, result);
  return result;
}

function serviceOf(actionId: string): string {
  return actionId.slice(0, actionId.indexOf(':'));
}

function describeNegation(statement: Statement): string {
  const actions = statement.notActions
    ? `every action except ${statement.notActions.join(', ')}`
    : (statement.actions ?? []).join(', ');
  const resources = statement.notResources
    ? `every resource except ${statement.notResources.join(', ')}`
    : (statement.resources ?? []).join(', ');
  return `${actions} on ${resources}`;
}

function evaluate(principal: ResolvedPrincipal): RuleResult[] {
  const type = resourceTypeOf(principal.principal.kind);
  const { kind, name } = principal.principal;
  const findings: RuleResult[] = [];
  const removed: string[] = [];
  const documents = principal.policies.map((policy) => ({ policy, shape: shapeOf(policy.statements) }));
  if (!documents.some((d) => d.shape.negated.length > 0)) {
    return concludePrincipal(
      principal,
      type,
      [],
      'no Allow statement uses NotAction or NotResource',
      SUBJECT,
    );
  }
  const nothingSubtracts = !principal.boundary && !documents.some((d) => d.shape.hasDeny);
  for (const { policy, shape } of documents) {
    const source = policy.source ?? { id: policy.id ?? '(policy)', kind: 'identity' as const };
    for (const statement of shape.negated) {
      const ref: StatementRef = {
        policyId: source.id,
        policyKind: source.kind,
        statementIndex: statement.index,
        effect: 'Allow',
        applies: statement.conditions.length ? 'unknown' : 'true',
      };
      if (statement.sid !== undefined) ref.sid = statement.sid;
      const sample = sampleActions(principal, statement);
      const sampledServices = new Set(sample.map(serviceOf));
      let services: Set<string>;
      let conditional: boolean;
      const everywhere = statement.resources?.length === 1 && statement.resources[0] === '*';
      if (nothingSubtracts && everywhere && statement.conditions.length === 0) {
        // Nothing can take anything away from an unconditional statement on "*": every sampled action stands.
        services = sampledServices;
        conditional = false;
      } else {
        const grants = grantsOnSomeResource(principal, {
          actions: sample,
          statements: (s) => s === statement,
        });
        services = new Set(grants.map((g) => g.action.service));
        conditional = grants.every((g) => g.allowed === 'unknown');
      }
      if (services.size === 0) {
        removed.push(describeStatement(ref));
        continue;
      }
      const conditionKeys = [...new Set(statement.conditions.map((c) => c.key))].sort();
      const result = fail(
        principal.arn,
        type,
        `${kind} ${name} is allowed ${describeNegation(statement)} through ${describeStatement(ref)} ` +
          `(${services.size} of ${sampledServices.size} services still allowed)` +
          (conditional
            ? `, under conditions${conditionKeys.length ? ` (${conditionKeys.join(', ')})` : ''}`
            : ''),
        {
          ...statementEvidence(ref),
          ...(statement.notActions
            ? { notAction: statement.notActions }
            : { action: statement.actions ?? [] }),
          ...(statement.notResources
            ? { notResource: statement.notResources }
            : { resource: statement.resources ?? [] }),
          servicesAllowed: `${services.size}/${sampledServices.size}`,
          conditional,
          ...(conditionKeys.length ? { conditionKeys } : {}),
        },
        statementKey(ref),
      );
      if (conditional) result.severity = conditionalSeverity(SEVERITY);
      findings.push(result);
    }
  }
  const passMessage = removed.length
    ? `NotAction/NotResource statements ${removed.join(', ')} grant nothing once Deny statements and the ` +
      'permissions boundary apply'
    : 'no Allow statement uses NotAction or NotResource';
  return concludePrincipal(principal, type, findings, passMessage, SUBJECT);
}

export const rule: PrincipalRule = {
  id: 'iam-not-action-allow',
  title: 'Allow statement uses NotAction or NotResource',
  severity: SEVERITY,
  resourceType: 'AWS::IAM::Role',
  scope: 'principal',
  principalKinds: ['role', 'user', 'group'],
  evaluator: 'identity-policies',
  rationale:
    'An Allow with NotAction grants every action except those listed — including every action of every ' +
    'service AWS launches later — and an Allow with NotResource grants on every resource except those listed, ' +
    'including resources created later. They are meant for Deny statements and permissions boundaries; in an ' +
    'Allow they almost always grant far more than intended ("NotAction": "iam:*" still allows ' +
    'organizations:*, sts:AssumeRole and lambda:*). Reported per statement unless Deny statements or the ' +
    'permissions boundary leave nothing of it; grants under conditions are reported as conditional, one ' +
    'severity lower.',
  remediation: {
    summary:
      'Rewrite the statement as an Allow of the actions and resources needed; keep NotAction for Deny statements and boundaries.',
    cli:
      'aws iam create-policy-version --policy-arn POLICY_ARN --set-as-default --policy-document ' +
      '\'{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject"],' +
      '"Resource":"arn:aws:s3:::orders-bucket/*"}]}\'',
    cdk: 'new iam.PolicyStatement({ actions: ["s3:GetObject"], resources: [bucket.arnForObjects("*")] }) instead of notActions / notResources on an ALLOW statement.',
  },
  references: [
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notaction.html',
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notresource.html',
  ],
  triggers: identityPolicyTriggers(),
  readActions: [...IDENTITY_POLICY_READ_ACTIONS],
  evaluate,
};
