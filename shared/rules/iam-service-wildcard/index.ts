import type { CatalogueAction } from '../../catalogue/action-catalogue.ts';
import { compileActionPattern } from '../../engine/action-match.ts';
import type { Statement } from '../../engine/policy-types.ts';
import type { ResolvedPrincipal } from '../../snapshot/principal-policies.ts';
import type { PrincipalRule, RuleResult } from '../rule-types.ts';
import { coveredByAdminAccess } from '../support/admin-coverage.ts';
import { IDENTITY_POLICY_READ_ACTIONS, identityPolicyTriggers } from '../support/identity-policy-events.ts';
import { concludePrincipal } from '../support/missing-documents.ts';
import {
  conditionalSeverity,
  describeElements,
  grantsByStatement,
  type StatementGrant,
  statementConditionNote,
} from '../support/resource-grants.ts';
import { describeStatement, fail, resourceTypeOf, statementEvidence } from '../support/results.ts';

const SEVERITY = 'high';
/** Share of what the wildcard grants on every resource that must survive Deny statements and the boundary. */
const SURVIVING_SHARE = 0.5;

/** `s3:*`, `iam:*`, `s3*:*`: every action of one service (or a few). `*` and `*:*` are iam-admin-access. */
export function isServiceWildcard(pattern: string): boolean {
  const colon = pattern.indexOf(':');
  if (colon <= 0) return false;
  const service = pattern.slice(0, colon);
  return /^\*+$/.test(pattern.slice(colon + 1)) && !/^[*?]+$/.test(service);
}

const wildcardsByDocument = new WeakMap<readonly Statement[], [string, Statement][]>();

/** The (lower-cased pattern, Allow statement) pairs of one document's service wildcards; cached per document. */
function serviceWildcardsOf(statements: readonly Statement[]): [string, Statement][] {
  let found = wildcardsByDocument.get(statements);
  if (!found) {
    found = [];
    for (const statement of statements) {
      if (statement.effect !== 'Allow') continue;
      for (const pattern of statement.actions ?? []) {
        if (isServiceWildcard(pattern)) found.push([pattern.toLowerCase(), statement]);
      }
    }
    wildcardsByDocument.set(statements, found);
  }
  return found;
}

/** How many distinct actions several lists hold (one list, the usual case, needs no set). */
function distinctCount(lists: readonly (readonly CatalogueAction[])[]): number {
  if (lists.length <= 1) return lists[0]?.length ?? 0;
  return new Set(lists.flat()).size;
}

const filters = new Map<string, (action: CatalogueAction) => boolean>();

/** The catalogue filter for one service pattern, kept so grantsByStatement's cache (keyed by it) is reused. */
function filterFor(pattern: string): (action: CatalogueAction) => boolean {
  let filter = filters.get(pattern);
  if (!filter) {
    const compiled = compileActionPattern(pattern);
    filter = (action) => compiled.matches(action.id);
    filters.set(pattern, filter);
  }
  return filter;
}

function evaluate(principal: ResolvedPrincipal): RuleResult[] {
  const covered = coveredByAdminAccess(principal);
  if (covered) return [covered];
  const type = resourceTypeOf(principal.principal.kind);
  const { kind, name } = principal.principal;
  // Cheap precheck: which Allow statements name a service wildcard at all (per document, cached).
  const byPattern = new Map<string, Set<Statement>>();
  for (const policy of principal.policies) {
    for (const [pattern, statement] of serviceWildcardsOf(policy.statements)) {
      const holders = byPattern.get(pattern) ?? new Set();
      holders.add(statement);
      byPattern.set(pattern, holders);
    }
  }
  const findings: RuleResult[] = [];
  const notes: string[] = [];
  for (const [pattern, holders] of byPattern) {
    const grants = grantsByStatement(principal, {
      filter: filterFor(pattern),
      statements: (s) => holders.has(s),
    });
    const reported = grants.filter((g) => g.actions.length > 0 && !g.scopedByCondition);
    const covered = distinctCount(grants.map((g) => g.covered));
    if (covered === 0) continue; // scoped to named resources
    const surviving = distinctCount(reported.map((g) => g.actions));
    const ratio = `${surviving} of ${covered}`;
    if (surviving === 0 || surviving / covered < SURVIVING_SHARE) {
      const scoped = grants.filter((g) => g.scopedByCondition && g.actions.length > 0);
      notes.push(
        scoped.length > 0 && surviving === 0
          ? `${pattern} on every resource is limited by ${[...new Set(scoped.flatMap((g) => g.conditionKeys))].sort().join(', ')}`
          : `${pattern} on every resource is cut to ${ratio} actions by Deny statements or the permissions boundary`,
      );
      continue;
    }
    const main = reported.find((g) => g.allowed === 'true') ?? (reported[0] as StatementGrant);
    const conditional = reported.every((g) => g.allowed === 'unknown');
    const result = fail(
      principal.arn,
      type,
      `${kind} ${name} holds ${pattern} on ${describeElements(main.resources)} (${ratio} actions allowed on every ` +
        `resource) through ${describeStatement(main.ref)}${conditional ? statementConditionNote(main) : ''}`,
      {
        ...statementEvidence(main.ref),
        action: pattern,
        resources: main.resources,
        actionsAllowed: ratio,
        conditional,
        ...(main.conditionKeys.length ? { conditionKeys: main.conditionKeys } : {}),
      },
      pattern,
    );
    if (conditional) result.severity = conditionalSeverity(SEVERITY);
    findings.push(result);
  }
  const passMessage = notes.length
    ? notes.join('; ')
    : 'no service wildcard (service:*) is granted on every resource';
  return concludePrincipal(principal, type, findings, passMessage, 'service wildcard on every resource');
}

export const rule: PrincipalRule = {
  id: 'iam-service-wildcard',
  title: 'Principal holds every action of a service',
  severity: SEVERITY,
  resourceType: 'AWS::IAM::Role',
  scope: 'principal',
  principalKinds: ['role', 'user', 'group'],
  evaluator: 'identity-policies',
  rationale:
    'An Allow of "s3:*", "iam:*" or "dynamodb:*" on every resource grants every action of the service — ' +
    'deleting tables and buckets, changing their policies, and every action AWS adds later — when a function ' +
    'needs two or three. For iam:*, sts:*, lambda:* or kms:* it is a path to administrator. Grants on named ' +
    'resources (arn:aws:s3:::orders-bucket/*) are not reported, nor is Action "*" (see iam-admin-access). A ' +
    'Deny or permissions boundary that leaves less than half of what the wildcard grants makes it PASS; ' +
    'grants limited by a resource-scoping condition are not reported, grants under other conditions are ' +
    'reported as conditional, one severity lower. One finding per service pattern.',
  remediation: {
    summary: 'Replace service:* with the actions the principal calls.',
    cli:
      'aws iam put-role-policy --role-name ROLE --policy-name POLICY --policy-document ' +
      '\'{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],' +
      '"Resource":"arn:aws:s3:::orders-bucket/*"}]}\'',
    cdk: 'bucket.grantReadWrite(fn) or new iam.PolicyStatement({ actions: ["s3:GetObject"], resources: [bucket.arnForObjects("*")] }) instead of actions: ["s3:*"].',
  },
  references: [
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege',
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html',
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-policy-generation.html',
  ],
  triggers: identityPolicyTriggers(),
  readActions: [...IDENTITY_POLICY_READ_ACTIONS],
  evaluate,
};
