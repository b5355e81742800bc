/**
 * Probes for resource and trust policies that name callers in other accounts: which accounts a policy names,
 * and whether a caller in one of them gets through once the conditions that would pin it (organisation, source
 * account or ARN, external id) are given values that caller does not hold.
 */

import { accountOf, principalKind } from '../../engine/arn.ts';
import { evaluateRequest, type StatementRef } from '../../engine/evaluate.ts';
import type { Policy } from '../../engine/policy-types.ts';
import type { RequestContext, Tri } from '../../engine/request-types.ts';
import { outsiderContext } from './outsider.ts';

/** The caller's own account grants it everything: only the resource or trust policy stands in the way. */
export const CALLER_ALLOWS_EVERYTHING: Policy = {
  version: '2012-10-17',
  versionDefaulted: false,
  statements: [{ index: 0, effect: 'Allow', actions: ['*'], resources: ['*'], conditions: [] }],
  source: { id: 'caller-identity', kind: 'identity' },
};

/** An external id nobody configures: a trust policy that still admits the caller does not require one. */
export const PROBE_EXTERNAL_ID = 'tripline-probe-no-external-id';

/**
 * AWS principals (root, role, user, session ARNs) that Allow statements name, grouped by account, leaving out
 * `*`, the given own account and the known accounts. Unique ids (AROA…) of deleted principals have no account
 * and are left out too.
 */
export function foreignAwsPrincipals(
  policy: Policy,
  ownAccount: string | undefined,
  knownAccounts: readonly string[],
): Map<string, string[]> {
  const byAccount = new Map<string, string[]>();
  for (const statement of policy.statements) {
    if (statement.effect !== 'Allow' || !statement.principal) continue;
    for (const entry of statement.principal.aws) {
      if (entry === '*') continue;
      const account = accountOf(entry);
      if (account === undefined || account === ownAccount || knownAccounts.includes(account)) continue;
      const entries = byAccount.get(account) ?? [];
      if (!entries.includes(entry)) entries.push(entry);
      byAccount.set(account, entries);
    }
  }
  return byAccount;
}

/**
 * What a caller in `account` presents: its account, and an organisation, source account and source ARN that are
 * not ours. `aws:PrincipalArn` is set only for a named principal (for an account root it stays unknown, since
 * any principal of the account may call).
 */
export function foreignCallerContext(
  account: string,
  principal: string,
  extra: RequestContext = {},
): RequestContext {
  const context: RequestContext = {
    ...outsiderContext(principal),
    ...extra,
    'aws:PrincipalAccount': account,
  };
  if (principalKind(principal) === 'root') delete context['aws:PrincipalArn'];
  return context;
}

export interface ForeignAccountAccess {
  account: string;
  /** Principals of that account that get through. */
  principals: string[];
  /** Actions allowed to at least one of them. */
  actions: string[];
  /** `true` whatever else the request carries; `unknown` under some contexts only. */
  allowed: Tri;
  /** Allow statements of the policy under test that grant it. */
  grantedBy: StatementRef[];
}

/**
 * For each foreign account the policy names, asks the engine whether its named principals may perform the
 * actions on the resource. Accounts whose every request is denied are left out.
 */
export function probeForeignAccounts(
  policy: Policy,
  options: {
    resource: string;
    actions: readonly string[];
    ownAccount: string | undefined;
    knownAccounts: readonly string[];
    extraContext?: RequestContext;
  },
): ForeignAccountAccess[] {
  const kind = policy.source?.kind ?? 'resource';
  const found: ForeignAccountAccess[] = [];
  for (const [account, entries] of foreignAwsPrincipals(policy, options.ownAccount, options.knownAccounts)) {
    const access: ForeignAccountAccess = {
      account,
      principals: [],
      actions: [],
      allowed: 'false',
      grantedBy: [],
    };
    for (const principal of entries) {
      for (const action of options.actions) {
        const result = evaluateRequest(
          {
            principal,
            action,
            resource: options.resource,
            context: foreignCallerContext(account, principal, options.extraContext),
            missingKeys: 'unknown',
          },
          { identity: [CALLER_ALLOWS_EVERYTHING], resource: policy },
        );
        if (result.allowed === 'false') continue;
        access.allowed = access.allowed === 'true' || result.allowed === 'true' ? 'true' : 'unknown';
        if (!access.principals.includes(principal)) access.principals.push(principal);
        if (!access.actions.includes(action)) access.actions.push(action);
        for (const ref of result.allowedBy) {
          if (ref.policyKind !== kind) continue;
          if (!access.grantedBy.some((r) => r.statementIndex === ref.statementIndex))
            access.grantedBy.push(ref);
        }
      }
    }
    if (access.allowed !== 'false') found.push(access);
  }
  return found.sort((a, b) => a.account.localeCompare(b.account));
}

/** `policy Statement[0] (Sid X)` list for evidence. */
export function statementList(refs: readonly StatementRef[]): string[] {
  return refs.map((ref) => `Statement[${ref.statementIndex}]${ref.sid ? ` (Sid ${ref.sid})` : ''}`);
}
