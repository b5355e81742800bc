/**
 * Missing data is never a FAIL. A principal's answer is incomplete when a policy it holds could not be read:
 * an attached policy or group that is not in the snapshot (`unresolved`) or a document that did not parse
 * (`invalid`, reported by policy-invalid). What that means depends on the document:
 * - a missing permissions boundary can only take grants away: a grant found without it is UNKNOWN;
 * - a missing identity policy or group could add a grant (or a Deny): no grant found is UNKNOWN, a grant found
 *   in the documents that were read stands, with the missing documents named in its message and evidence.
 */
import type { ResolvedPrincipal } from '../../snapshot/principal-policies.ts';
import type { ResourceType, RuleResult } from '../rule-types.ts';
import { pass, unknown } from './results.ts';

export interface MissingDocuments {
  /** Identity policies or groups that were not read, each described (`arn (not in the snapshot)`). */
  grants: string[];
  /** The permissions boundary, described, when it is set but was not read. */
  boundary?: string;
}

export function missingDocuments(principal: ResolvedPrincipal): MissingDocuments {
  const boundaryArn =
    principal.principal.kind === 'group' ? undefined : principal.principal.permissionsBoundary;
  const boundaryMissing = boundaryArn !== undefined && principal.boundary === undefined;
  const grants: string[] = [];
  let boundary: string | undefined;
  for (const arn of principal.unresolved) {
    if (boundaryMissing && boundary === undefined && arn === boundaryArn)
      boundary = `${arn} (not in the snapshot)`;
    else grants.push(`${arn} (not in the snapshot)`);
  }
  for (const name of principal.invalid) {
    if (boundaryMissing && boundary === undefined && name === boundaryArn)
      boundary = `${name} (invalid, see policy-invalid)`;
    else grants.push(`${name} (invalid, see policy-invalid)`);
  }
  return boundary === undefined ? { grants } : { grants, boundary };
}

/**
 * The results for one principal, honest about what was not read: `findings` are the rule's FAIL results over
 * the documents that were read, `subject` says in a few words what the rule looks for (for UNKNOWN messages).
 */
export function concludePrincipal(
  principal: ResolvedPrincipal,
  resourceType: ResourceType,
  findings: RuleResult[],
  passMessage: string,
  subject: string,
): RuleResult[] {
  const missing = missingDocuments(principal);
  if (findings.length > 0) {
    if (missing.boundary !== undefined) {
      return [
        unknown(
          principal.arn,
          resourceType,
          `${subject} found (${findings.length} finding${findings.length === 1 ? '' : 's'}), but the permissions ` +
            `boundary ${missing.boundary} could remove ${findings.length === 1 ? 'it' : 'them'}`,
        ),
      ];
    }
    if (missing.grants.length === 0) return findings;
    return findings.map((f) => ({
      ...f,
      message: `${f.message} (not read: ${missing.grants.join(', ')})`,
      evidence: { ...f.evidence, notRead: missing.grants },
    }));
  }
  if (missing.grants.length > 0) {
    return [
      unknown(
        principal.arn,
        resourceType,
        `no ${subject} in the policies read, but ${missing.grants.join(', ')} could grant it`,
      ),
    ];
  }
  return [pass(principal.arn, resourceType, passMessage)];
}
