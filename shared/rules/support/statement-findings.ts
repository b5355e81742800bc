/**
 * One finding per granting statement, so each can be fixed (or suppressed) on its own: the loop the
 * "actions of some kind on every resource" rules share. Statements cut to nothing by Deny or the boundary, or
 * limited by a condition on the target, become notes for the PASS message; a grant that holds only under some
 * conditions is reported one severity lower.
 */
import type { CatalogueAction } from '../../catalogue/action-catalogue.ts';
import type { ResolvedPrincipal } from '../../snapshot/principal-policies.ts';
import type { Evidence, ResourceType, RuleResult, Severity } from '../rule-types.ts';
import {
  type ActionSummary,
  conditionalSeverity,
  grantsByStatement,
  type StatementGrant,
  statementConditionNote,
  statementKey,
  summarizeActions,
} from './resource-grants.ts';
import { describeStatement, fail, statementEvidence } from './results.ts';

/** Actions named in a finding's evidence; the count gives the rest. */
const EVIDENCE_ACTIONS = 25;

export interface StatementFindings {
  findings: RuleResult[];
  /** Why some granting statements did not fail, for the PASS message. */
  notes: string[];
}

export function findingsPerStatement(
  principal: ResolvedPrincipal,
  resourceType: ResourceType,
  severity: Severity,
  filter: (action: CatalogueAction) => boolean,
  describe: (
    grant: StatementGrant,
    summary: ActionSummary,
    shown: string,
  ) => { message: string; evidence?: Evidence },
): StatementFindings {
  const findings: RuleResult[] = [];
  const notes: string[] = [];
  for (const grant of grantsByStatement(principal, { filter })) {
    const { ref, actions } = grant;
    if (actions.length === 0) {
      notes.push(
        `${describeStatement(ref)} is cut to nothing by Deny statements or the permissions boundary`,
      );
      continue;
    }
    if (grant.scopedByCondition) {
      notes.push(`${describeStatement(ref)} is limited by ${grant.conditionKeys.join(', ')}`);
      continue;
    }
    const conditional = grant.allowed === 'unknown';
    const summary = summarizeActions(actions, EVIDENCE_ACTIONS);
    const { services } = summary;
    const shown =
      actions.length <= 3
        ? actions.map((a) => a.id).join(', ')
        : `in ${services.slice(0, 5).join(', ')}${services.length > 5 ? `, … (${services.length} services)` : ''}`;
    const { message, evidence } = describe(grant, summary, shown);
    const result = fail(
      principal.arn,
      resourceType,
      `${message} through ${describeStatement(ref)}${statementConditionNote(grant)}`,
      {
        ...statementEvidence(ref),
        resources: grant.resources,
        conditional,
        ...(grant.conditionKeys.length ? { conditionKeys: grant.conditionKeys } : {}),
        actions: summary.sample,
        actionCount: actions.length,
        services,
        ...evidence,
      },
      statementKey(ref),
    );
    if (conditional) result.severity = conditionalSeverity(severity);
    findings.push(result);
  }
  return { findings, notes };
}
