/**
 * Small constructors for rule results, so every rule words PASS/FAIL/N/A/UNKNOWN the same way.
 */
import type { StatementRef } from '../../engine/evaluate.ts';
import type { Evidence, ResourceType, RuleResult } from '../rule-types.ts';

export function pass(resource: string, resourceType: ResourceType, message: string): RuleResult {
  return { status: 'PASS', resource, resourceType, message };
}

export function notApplicable(resource: string, resourceType: ResourceType, message: string): RuleResult {
  return { status: 'NOT_APPLICABLE', resource, resourceType, message };
}

export function unknown(resource: string, resourceType: ResourceType, message: string): RuleResult {
  return { status: 'UNKNOWN', resource, resourceType, message };
}

export function fail(
  resource: string,
  resourceType: ResourceType,
  message: string,
  evidence: Evidence,
  findingKey?: string,
): RuleResult {
  const result: RuleResult = { status: 'FAIL', resource, resourceType, message, evidence };
  if (findingKey !== undefined) result.findingKey = findingKey;
  return result;
}

/** Evidence for one statement: `{ policy, statement, sid? }`. */
export function statementEvidence(ref: StatementRef): Evidence {
  const evidence: Evidence = { policy: ref.policyId, statement: ref.statementIndex };
  if (ref.sid !== undefined) evidence.sid = ref.sid;
  if (ref.applies === 'unknown') evidence.conditional = true;
  return evidence;
}

/** `policy Statement[i] (Sid X)` for messages. */
export function describeStatement(ref: Pick<StatementRef, 'policyId' | 'statementIndex' | 'sid'>): string {
  return `${ref.policyId} Statement[${ref.statementIndex}]${ref.sid ? ` (Sid ${ref.sid})` : ''}`;
}

export function resourceTypeOf(kind: 'role' | 'user' | 'group'): ResourceType {
  return kind === 'role' ? 'AWS::IAM::Role' : kind === 'user' ? 'AWS::IAM::User' : 'AWS::IAM::Group';
}
