/**
 * A finding: one FAIL of one rule on one resource, with a deterministic id (same account state → same id).
 */
import { createHash } from 'node:crypto';
import type { Evidence, Remediation, ResourceType, Severity } from '../rules/rule-types.ts';

export interface Finding {
  id: string;
  ruleId: string;
  severity: Severity;
  title: string;
  resource: string;
  resourceType: ResourceType;
  accountId: string;
  message: string;
  evidence: Evidence;
  remediation: Remediation;
  rationale: string;
  references: string[];
  findingKey?: string;
  /** Offline scans produce OPEN or SUPPRESSED (a matching config suppression). */
  status: 'OPEN' | 'SUPPRESSED';
  suppression?: { reason: string; expires?: string };
}

/** `tl-` + 20 hex chars of sha256(rule, resource, key): stable across runs and machines. */
export function findingId(ruleId: string, resource: string, findingKey?: string): string {
  const hash = createHash('sha256')
    .update(`${ruleId}\n${resource}\n${findingKey ?? ''}`)
    .digest('hex');
  return `tl-${hash.slice(0, 20)}`;
}
