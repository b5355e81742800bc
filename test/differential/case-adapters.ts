/**
 * Turns a generated case into the inputs of each engine: our PolicySet + AuthorizationRequest, and an
 * iam-simulate Simulation. Test-only (iam-simulate is AGPL and never leaves test/ and bench/).
 */
import type { Simulation } from '@cloud-copilot/iam-simulate';
import { parsePolicy } from '../../shared/engine/parse-policy.ts';
import type { Policy, PolicyKind } from '../../shared/engine/policy-types.ts';
import type { AuthorizationRequest, PolicySet } from '../../shared/engine/request-types.ts';
import type { ContextValues, GeneratedCase, PolicyDocument } from './generate-cases.ts';

/** Thrown when our parser rejects a generated (valid) document: a generator or parser bug. */
export class GeneratedPolicyRejectedError extends Error {
  constructor(
    message: string,
    readonly document: PolicyDocument,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'GeneratedPolicyRejectedError';
  }
}

function parseOrThrow(document: PolicyDocument, kind: PolicyKind, id: string): Policy {
  const result = parsePolicy(document, { kind, source: { id, kind } });
  if (!result.ok) {
    throw new GeneratedPolicyRejectedError(
      `${id}: ${result.errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`,
      document,
    );
  }
  return result.policy;
}

/** Our engine's PolicySet for a case. Throws GeneratedPolicyRejectedError if a document does not parse. */
export function toPolicySet(c: GeneratedCase): PolicySet {
  const set: PolicySet = { identity: c.identity.map((d, i) => parseOrThrow(d, 'identity', `identity-${i}`)) };
  if (c.boundary) set.boundary = parseOrThrow(c.boundary, 'boundary', 'boundary');
  if (c.scps)
    set.scps = c.scps.map((level, l) => level.map((d, i) => parseOrThrow(d, 'scp', `scp-${l}-${i}`)));
  if (c.resourcePolicy)
    set.resource = parseOrThrow(c.resourcePolicy.document, c.resourcePolicy.kind, 'resource');
  return set;
}

/** Our engine's request for a case, at AWS request time (missing keys are absent). */
export function toAuthorizationRequest(
  c: GeneratedCase,
  context: ContextValues = c.request.context,
): AuthorizationRequest {
  return {
    principal: c.request.principal,
    action: c.request.action,
    resource: c.request.resource,
    resourceAccount: c.request.resourceAccount,
    context,
    missingKeys: 'absent',
  };
}

/** The same case as an iam-simulate Simulation. */
export function toSimulation(c: GeneratedCase): Simulation {
  const simulation: Simulation = {
    request: {
      principal: c.request.principal,
      action: c.request.action,
      resource: { resource: c.request.resource, accountId: c.request.resourceAccount },
      contextVariables: c.request.context,
    },
    identityPolicies: c.identity.map((policy, i) => ({ name: `identity-${i}`, policy })),
    serviceControlPolicies: (c.scps ?? []).map((level, l) => ({
      orgIdentifier: l === 0 ? 'r-root' : `ou-level-${l}`,
      policies: level.map((policy, i) => ({ name: `scp-${l}-${i}`, policy })),
    })),
    resourceControlPolicies: [],
  };
  if (c.boundary) simulation.permissionBoundaryPolicies = [{ name: 'boundary', policy: c.boundary }];
  if (c.resourcePolicy) simulation.resourcePolicy = c.resourcePolicy.document;
  return simulation;
}

/** The three request-time outcomes, in one vocabulary for both engines. */
export type Outcome = 'Allow' | 'ExplicitDeny' | 'ImplicitDeny';

const ORACLE_OUTCOMES: Record<string, Outcome> = {
  Allowed: 'Allow',
  ExplicitlyDenied: 'ExplicitDeny',
  ImplicitlyDenied: 'ImplicitDeny',
};

export function oracleOutcome(result: string): Outcome {
  const outcome = ORACLE_OUTCOMES[result];
  if (outcome === undefined) throw new Error(`unexpected iam-simulate result ${result}`);
  return outcome;
}
