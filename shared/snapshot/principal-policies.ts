/**
 * Resolves what a user, role or group holds from a snapshot: inline, attached managed (default version),
 * group policies for users, and the permissions boundary — as the engine's PrincipalPolicies.
 */
import type { Policy } from '../engine/policy-types.ts';
import type { PrincipalPolicies } from '../engine/principal-analysis.ts';
import type {
  AccountSnapshot,
  AttachedPolicyRef,
  InlinePolicy,
  ManagedPolicy,
  Principal,
} from './account-snapshot.ts';

export interface ResolvedPrincipal extends PrincipalPolicies {
  principal: Principal;
  /** Attached or boundary policy ARNs the snapshot does not contain: the answer may be incomplete. */
  unresolved: string[];
  /** Documents that failed to parse (reported by policy-invalid); they are left out of the analysis. */
  invalid: string[];
}

export function defaultVersion(policy: ManagedPolicy) {
  return (
    policy.versions.find((v) => v.isDefault) ??
    policy.versions.find((v) => v.versionId === policy.defaultVersionId)
  );
}

function withVia(policy: Policy, via: NonNullable<Policy['source']>['via'], group?: string): Policy {
  const source = { ...(policy.source ?? { id: policy.id ?? '(policy)', kind: 'identity' as const }), via };
  if (group !== undefined) source.group = group;
  return { ...policy, source };
}

export class PrincipalResolver {
  private readonly groupsByName: Map<string, AccountSnapshot['groups'][number]>;
  private readonly cache = new Map<string, ResolvedPrincipal>();

  constructor(private readonly snapshot: AccountSnapshot) {
    this.groupsByName = new Map(snapshot.groups.map((g) => [g.name, g]));
  }

  resolve(principal: Principal): ResolvedPrincipal {
    const cached = this.cache.get(principal.arn);
    if (cached) return cached;
    const resolved: ResolvedPrincipal = {
      arn: principal.arn,
      principal,
      policies: [],
      unresolved: [],
      invalid: [],
    };
    this.addOwn(resolved, principal.inlinePolicies, principal.attachedPolicies);
    if (principal.kind === 'user') {
      for (const groupName of principal.groups) {
        const group = this.groupsByName.get(groupName);
        if (!group) {
          resolved.unresolved.push(`group/${groupName}`);
          continue;
        }
        this.addOwn(resolved, group.inlinePolicies, group.attachedPolicies, group.name);
      }
    }
    if (principal.kind !== 'group' && principal.permissionsBoundary) {
      const boundary = this.managedDocument(principal.permissionsBoundary, resolved);
      // An unknown boundary (listed in `unresolved`) can only restrict: the answer may over-state access.
      if (boundary) resolved.boundary = withVia(boundary, 'boundary');
    }
    this.cache.set(principal.arn, resolved);
    return resolved;
  }

  private addOwn(
    resolved: ResolvedPrincipal,
    inline: InlinePolicy[],
    attached: AttachedPolicyRef[],
    group?: string,
  ) {
    for (const p of inline) {
      if (p.document.ok)
        resolved.policies.push(withVia(p.document.policy, group ? 'group-inline' : 'inline', group));
      else resolved.invalid.push(`inline policy ${p.name}`);
    }
    for (const ref of attached) {
      const doc = this.managedDocument(ref.arn, resolved);
      if (doc) resolved.policies.push(withVia(doc, group ? 'group-managed' : 'managed', group));
    }
  }

  private managedDocument(arn: string, resolved: ResolvedPrincipal): Policy | undefined {
    const managed = this.snapshot.managedPolicies.get(arn);
    if (!managed) {
      resolved.unresolved.push(arn);
      return undefined;
    }
    const version = defaultVersion(managed);
    if (!version) {
      resolved.unresolved.push(arn);
      return undefined;
    }
    if (!version.document.ok) {
      resolved.invalid.push(arn);
      return undefined;
    }
    return version.document.policy;
  }
}
