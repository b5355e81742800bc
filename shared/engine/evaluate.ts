/**
 * IAM policy evaluation: explicit Deny wins, an Allow is needed, boundaries and SCPs intersect,
 * resource policies grant within an account and must agree across accounts.
 *
 * Two modes (AuthorizationRequest.missingKeys):
 * - `absent` (default): AWS request-time semantics; the answer is `true` or `false`.
 * - `unknown`: for analysis; condition keys missing from the context are unknown, and the answer can be
 *   `unknown` = "allowed under some context but not every context" (a conditional grant).
 */
import { type CompiledActionPattern, compileActionPattern, hasActionWildcard } from './action-match.ts';
import { accountOf, parseArn, principalKind, sessionRoleName } from './arn.ts';
import { evaluateConditions, type NormalizedContext, normalizeContext } from './conditions.ts';
import type { Policy, PolicyKind, PolicyVersion, PrincipalSet, Statement } from './policy-types.ts';
import { matchesWildcard, substituteVariables } from './policy-variables.ts';
import type { AuthorizationRequest, MissingKeyMode, PolicySet, Tri } from './request-types.ts';

export type Decision = 'Allow' | 'ExplicitDeny' | 'ImplicitDeny' | 'ConditionalAllow';

/** Points at one statement of one policy, for explanations and evidence. */
export interface StatementRef {
  policyId: string;
  policyKind: PolicyKind;
  statementIndex: number;
  sid?: string;
  effect: 'Allow' | 'Deny';
  /** `true`: applies whatever the context; `unknown`: applies only under some context. */
  applies: Tri;
}

export interface EvaluationResult {
  decision: Decision;
  /** `true` allowed under every context; `unknown` allowed under some context only; `false` never. */
  allowed: Tri;
  allowedBy: StatementRef[];
  deniedBy: StatementRef[];
  /** A one-line explanation (`denied by arn:...:policy/Guard Statement[1] (Sid DenyAll)`). */
  reason: string;
}

// ---- three-valued logic ----
export function triOr(a: Tri, b: Tri): Tri {
  if (a === 'true' || b === 'true') return 'true';
  if (a === 'unknown' || b === 'unknown') return 'unknown';
  return 'false';
}
export function triAnd(a: Tri, b: Tri): Tri {
  if (a === 'false' || b === 'false') return 'false';
  if (a === 'unknown' || b === 'unknown') return 'unknown';
  return 'true';
}
export function triNot(a: Tri): Tri {
  return a === 'true' ? 'false' : a === 'false' ? 'true' : 'unknown';
}

// ---- resource matching ----

/**
 * Matches a policy Resource pattern against a request resource ARN.
 * Partition, service, region and account compare segment by segment, case-insensitively, and a wildcard
 * does not cross a colon there; the resource part compares case-sensitively and `*` may span `:` and `/`.
 * A short pattern (`arn:aws:*` has three segments) is padded with `*` segments in identity policies; in
 * resource policies a short pattern without a wildcard never matches. Policy variables are substituted first
 * (2012-10-17 only) and their values match literally, never as wildcards.
 */
function matchResource(
  pattern: string,
  resource: string,
  kind: PolicyKind,
  version: PolicyVersion,
  ctx: NormalizedContext,
  missing: MissingKeyMode,
): Tri {
  if (pattern === '*') return 'true';
  if (resource === '*') return 'false';
  let wildcardPattern = pattern;
  if (pattern.includes('$')) {
    const substituted = substituteVariables(pattern, ctx, version, missing);
    if (substituted.kind === 'missing') return 'false';
    if (substituted.kind === 'unknown') return 'unknown';
    wildcardPattern = substituted.pattern;
  }
  const patternParts = splitArn(wildcardPattern);
  const resourceParts = splitArn(resource);
  if (resourceParts.length !== 6) return 'false';
  if (patternParts.length < 6) {
    if ((kind === 'resource' || kind === 'trust') && !pattern.includes('*')) return 'false';
    while (patternParts.length < 6) patternParts.push('*');
  }
  for (let i = 1; i < 5; i++) {
    const p = patternParts[i] as string;
    const r = resourceParts[i] as string;
    if (p !== r && !matchesWildcard(p.toLowerCase(), r.toLowerCase())) return 'false';
  }
  return matchesWildcard(patternParts[5] as string, resourceParts[5] as string) ? 'true' : 'false';
}

/** Splits an ARN into at most six parts; the sixth keeps its colons. */
function splitArn(arn: string): string[] {
  const parts: string[] = [];
  let start = 0;
  for (let i = 0; i < 5; i++) {
    const colon = arn.indexOf(':', start);
    if (colon < 0) break;
    parts.push(arn.slice(start, colon));
    start = colon + 1;
  }
  parts.push(arn.slice(start));
  return parts;
}

// ---- principal matching (resource and trust policies) ----

/**
 * How a Principal element admitted the caller: by its own ARN (`specific`), through the role it is a session of
 * (`role`), as its whole account, or as anyone. Only `role` grants stay bounded by a permissions boundary.
 */
export type PrincipalMatch = 'none' | 'specific' | 'role' | 'account' | 'any';

export function matchPrincipalSet(set: PrincipalSet, principal: string): PrincipalMatch {
  if (set.any) return 'any';
  const kind = principalKind(principal);
  // Web identity providers such as cognito-identity.amazonaws.com look like service principals: check both.
  if (kind === 'service')
    return set.service.includes(principal) || set.federated.includes(principal) ? 'specific' : 'none';
  if (kind === 'other') {
    return set.federated.includes(principal) || set.canonicalUser.includes(principal) ? 'specific' : 'none';
  }
  const account = accountOf(principal);
  let result: PrincipalMatch = 'none';
  const sessionRole = sessionRoleName(principal);
  for (const entry of set.aws) {
    if (entry === principal) return principalKind(principal) === 'role' ? 'role' : 'specific';
    if (sessionRole !== undefined && principalKind(entry) === 'role' && accountOf(entry) === account) {
      const roleName = entry.slice(entry.lastIndexOf('/') + 1);
      if (roleName === sessionRole) return 'role';
    }
    // The account's root ARN in any partition (a bare account id in a policy is normalised to the aws partition).
    if (account !== undefined && entry.endsWith(`:iam::${account}:root`) && entry.startsWith('arn:'))
      result = 'account';
  }
  return result;
}

// ---- statements ----

/**
 * A statement's action patterns grouped by service prefix, so a request checks only the patterns of its own
 * service (plus those whose service part has a wildcard). Built once per statement (statements are immutable).
 */
interface ActionIndex {
  byService: Map<string, CompiledActionPattern[]>;
  anyService: CompiledActionPattern[];
}
const actionIndexes = new WeakMap<readonly string[], ActionIndex>();

function actionIndex(patterns: readonly string[]): ActionIndex {
  let index = actionIndexes.get(patterns);
  if (index) return index;
  index = { byService: new Map(), anyService: [] };
  for (const pattern of patterns) {
    const compiled = compileActionPattern(pattern);
    const colon = compiled.pattern.indexOf(':');
    const service = colon < 0 ? undefined : compiled.pattern.slice(0, colon);
    if (service === undefined || hasActionWildcard(service)) index.anyService.push(compiled);
    else {
      const list = index.byService.get(service) ?? [];
      list.push(compiled);
      index.byService.set(service, list);
    }
  }
  actionIndexes.set(patterns, index);
  return index;
}

function anyPatternMatches(patterns: readonly string[], lowerAction: string): boolean {
  const index = actionIndex(patterns);
  const colon = lowerAction.indexOf(':');
  const own = index.byService.get(colon < 0 ? lowerAction : lowerAction.slice(0, colon));
  if (own) for (const p of own) if (p.matchesLowerCase(lowerAction)) return true;
  for (const p of index.anyService) if (p.matchesLowerCase(lowerAction)) return true;
  return false;
}

/**
 * A policy's statements grouped by the service prefixes their Action names, so a request looks only at statements
 * that can match its service (NotAction statements and wildcard services are always candidates). Kept in
 * document order, for explanations. Built once per policy (policies are immutable once parsed).
 */
interface PolicyIndex {
  byService: Map<string, Statement[]>;
  always: Statement[];
}
const policyIndexes = new WeakMap<readonly Statement[], PolicyIndex>();
const SMALL_POLICY = 8;

function candidateStatements(policy: Policy, lowerAction: string): readonly Statement[] {
  if (policy.statements.length <= SMALL_POLICY) return policy.statements;
  let index = policyIndexes.get(policy.statements);
  if (!index) {
    index = { byService: new Map(), always: [] };
    for (const statement of policy.statements) {
      const services = new Set<string>();
      let always = !statement.actions;
      for (const pattern of statement.actions ?? []) {
        const lower = pattern.toLowerCase();
        const colon = lower.indexOf(':');
        const service = colon < 0 ? undefined : lower.slice(0, colon);
        if (service === undefined || hasActionWildcard(service)) always = true;
        else services.add(service);
      }
      if (always) index.always.push(statement);
      else
        for (const service of services)
          index.byService.set(service, [...(index.byService.get(service) ?? []), statement]);
    }
    policyIndexes.set(policy.statements, index);
  }
  const colon = lowerAction.indexOf(':');
  const own = index.byService.get(colon < 0 ? lowerAction : lowerAction.slice(0, colon));
  if (!own) return index.always;
  if (index.always.length === 0) return own;
  return [...own, ...index.always].sort((a, b) => a.index - b.index);
}

function statementMatchesAction(statement: Statement, lowerAction: string): boolean {
  if (statement.actions) return anyPatternMatches(statement.actions, lowerAction);
  if (statement.notActions) return !anyPatternMatches(statement.notActions, lowerAction);
  return false;
}

function statementMatchesResource(
  statement: Statement,
  resource: string,
  kind: PolicyKind,
  version: PolicyVersion,
  ctx: NormalizedContext,
  missing: MissingKeyMode,
): Tri {
  if (statement.resources) {
    let result: Tri = 'false';
    for (const pattern of statement.resources) {
      result = triOr(result, matchResource(pattern, resource, kind, version, ctx, missing));
      if (result === 'true') return result;
    }
    return result;
  }
  if (statement.notResources) {
    let matched: Tri = 'false';
    for (const pattern of statement.notResources) {
      // A NotResource whose variable cannot be resolved leaves the statement without a meaning: it does not apply.
      if (pattern.includes('$') && substituteVariables(pattern, ctx, version, missing).kind === 'missing')
        return 'false';
      matched = triOr(matched, matchResource(pattern, resource, kind, version, ctx, missing));
    }
    return triNot(matched);
  }
  // Trust and resource policies may omit Resource: the statement applies to the resource holding it.
  return kind === 'resource' || kind === 'trust' ? 'true' : 'false';
}

function statementMatchesPrincipal(
  statement: Statement,
  principal: string,
  hasBoundary: boolean,
): PrincipalMatch {
  if (statement.principal) return matchPrincipalSet(statement.principal, principal);
  if (statement.notPrincipal) {
    // "Deny with NotPrincipal always denies any IAM principal that has a permissions boundary" (IAM User Guide,
    // Permissions boundaries for IAM entities), whatever NotPrincipal lists.
    if (statement.effect === 'Deny' && hasBoundary) return 'any';
    return matchPrincipalSet(statement.notPrincipal, principal) === 'none' ? 'any' : 'none';
  }
  return 'none';
}

interface PolicyOutcome {
  allow: Tri;
  deny: Tri;
  allowRefs: StatementRef[];
  denyRefs: StatementRef[];
  /** Resource policies: Allow from statements naming the caller itself (or anyone), not just its account or role. */
  directAllow: Tri;
  /** Resource policies: Allow from statements naming the caller's role ARN (still bounded by its boundary). */
  roleAllow: Tri;
}

function evaluatePolicy(
  policy: Policy,
  kind: PolicyKind,
  request: AuthorizationRequest,
  ctx: NormalizedContext,
  missing: MissingKeyMode,
  hasBoundary = false,
): PolicyOutcome {
  const outcome: PolicyOutcome = {
    allow: 'false',
    deny: 'false',
    allowRefs: [],
    denyRefs: [],
    directAllow: 'false',
    roleAllow: 'false',
  };
  const needsPrincipal = kind === 'resource' || kind === 'trust';
  const lowerAction = request.action.toLowerCase();
  for (const statement of candidateStatements(policy, lowerAction)) {
    if (!statementMatchesAction(statement, lowerAction)) continue;
    let principalMatch: PrincipalMatch = 'any';
    if (needsPrincipal) {
      principalMatch = statementMatchesPrincipal(statement, request.principal, hasBoundary);
      if (principalMatch === 'none') continue;
    }
    let applies = statementMatchesResource(statement, request.resource, kind, policy.version, ctx, missing);
    if (applies === 'false') continue;
    if (statement.conditions.length > 0) {
      applies = triAnd(
        applies,
        evaluateConditions(statement.conditions, {
          context: ctx,
          missingKeys: missing,
          version: policy.version,
        }),
      );
      if (applies === 'false') continue;
    }
    const ref: StatementRef = {
      policyId: policy.source?.id ?? policy.id ?? '(policy)',
      policyKind: kind,
      statementIndex: statement.index,
      effect: statement.effect,
      applies,
    };
    if (statement.sid !== undefined) ref.sid = statement.sid;
    if (statement.effect === 'Deny') {
      outcome.deny = triOr(outcome.deny, applies);
      outcome.denyRefs.push(ref);
    } else {
      outcome.allow = triOr(outcome.allow, applies);
      outcome.allowRefs.push(ref);
      if (principalMatch === 'role') outcome.roleAllow = triOr(outcome.roleAllow, applies);
      else if (principalMatch !== 'account') outcome.directAllow = triOr(outcome.directAllow, applies);
    }
  }
  return outcome;
}

function describeRef(ref: StatementRef): string {
  return `${ref.policyId} Statement[${ref.statementIndex}]${ref.sid ? ` (Sid ${ref.sid})` : ''}`;
}

/**
 * Evaluates one request against every policy in play.
 * Within one account a resource policy that names the caller grants on its own (for a role ARN, the
 * permissions boundary still applies); naming only the account delegates to the identity policies.
 * Across accounts both the identity side and the resource policy must allow.
 */
export function evaluateRequest(request: AuthorizationRequest, policies: PolicySet): EvaluationResult {
  const missing = request.missingKeys ?? 'absent';
  const ctx = normalizeContext(request.context ?? {});
  const allowedBy: StatementRef[] = [];
  const deniedBy: StatementRef[] = [];
  let explicitDeny: Tri = 'false';

  let identityAllow: Tri = 'false';
  for (const policy of policies.identity) {
    const outcome = evaluatePolicy(policy, policy.source?.kind ?? 'identity', request, ctx, missing);
    identityAllow = triOr(identityAllow, outcome.allow);
    explicitDeny = triOr(explicitDeny, outcome.deny);
    allowedBy.push(...outcome.allowRefs);
    deniedBy.push(...outcome.denyRefs);
  }

  let boundaryAllow: Tri = 'true';
  let boundaryReason = '';
  if (policies.boundary) {
    const outcome = evaluatePolicy(policies.boundary, 'boundary', request, ctx, missing);
    boundaryAllow = outcome.allow;
    explicitDeny = triOr(explicitDeny, outcome.deny);
    deniedBy.push(...outcome.denyRefs);
    if (boundaryAllow !== 'true') boundaryReason = 'the permissions boundary does not allow it';
  }

  let scpAllow: Tri = 'true';
  for (const level of policies.scps ?? []) {
    let levelAllow: Tri = 'false';
    for (const policy of level) {
      const outcome = evaluatePolicy(policy, 'scp', request, ctx, missing);
      levelAllow = triOr(levelAllow, outcome.allow);
      explicitDeny = triOr(explicitDeny, outcome.deny);
      deniedBy.push(...outcome.denyRefs);
    }
    scpAllow = triAnd(scpAllow, levelAllow);
  }

  const principalAccount = accountOf(request.principal);
  const resourceAccount = request.resourceAccount ?? accountOf(request.resource);
  const sameAccount =
    principalKind(request.principal) === 'service' ||
    resourceAccount === undefined ||
    principalAccount === undefined ||
    principalAccount === resourceAccount;

  const identityPath = triAnd(identityAllow, boundaryAllow);
  let resourcePath: Tri = 'false';
  let resourceAllow: Tri = 'false';
  if (policies.resource) {
    const kind = policies.resource.source?.kind === 'trust' ? 'trust' : 'resource';
    const outcome = evaluatePolicy(
      policies.resource,
      kind,
      request,
      ctx,
      missing,
      policies.boundary !== undefined,
    );
    explicitDeny = triOr(explicitDeny, outcome.deny);
    deniedBy.push(...outcome.denyRefs);
    allowedBy.push(...outcome.allowRefs);
    resourceAllow = outcome.allow;
    if (sameAccount) {
      // Named directly (user or session ARN, or anyone): the resource policy grants without the identity side.
      // Named through the role ARN: still bounded by the role's permissions boundary.
      resourcePath = triOr(outcome.directAllow, triAnd(outcome.roleAllow, boundaryAllow));
    }
  }

  // A role's trust policy must always admit the caller (unlike other resource policies, whose silence leaves
  // same-account callers to their identity policies).
  // KMS key policies likewise: "IAM policies by themselves are not sufficient to allow access to a KMS key".
  const trust =
    policies.resource !== undefined &&
    (policies.resource.source?.kind === 'trust' || parseArn(request.resource)?.service === 'kms');
  let allowed: Tri;
  if (!sameAccount) allowed = policies.resource ? triAnd(identityPath, resourceAllow) : 'false';
  else if (trust) allowed = triOr(resourcePath, triAnd(identityPath, resourceAllow));
  else allowed = triOr(identityPath, resourcePath);
  allowed = triAnd(allowed, scpAllow);
  allowed = triAnd(allowed, triNot(explicitDeny));

  let decision: Decision;
  let reason: string;
  const firstDeny = deniedBy.find((ref) => ref.applies === 'true') ?? deniedBy[0];
  if (explicitDeny === 'true') {
    decision = 'ExplicitDeny';
    reason = `denied by ${firstDeny ? describeRef(firstDeny) : 'an explicit Deny'}`;
  } else if (allowed === 'true') {
    decision = 'Allow';
    const first = allowedBy.find((ref) => ref.applies === 'true');
    reason = `allowed by ${first ? describeRef(first) : 'policy'}`;
  } else if (allowed === 'unknown') {
    decision = 'ConditionalAllow';
    reason =
      explicitDeny === 'unknown' && firstDeny
        ? `allowed unless ${describeRef(firstDeny)} applies`
        : 'allowed only under some request contexts (conditions)';
  } else {
    decision = 'ImplicitDeny';
    if (scpAllow === 'false') reason = 'no service control policy allows it';
    else if (!sameAccount && !policies.resource) reason = 'cross-account request without a resource policy';
    else if ((!sameAccount || trust) && resourceAllow === 'false') {
      reason = `the ${trust ? 'trust' : 'resource'} policy does not allow the caller`;
    } else if (identityAllow !== 'false' && boundaryReason) reason = boundaryReason;
    else reason = 'no statement allows it';
  }
  return { decision, allowed, allowedBy, deniedBy, reason };
}

/** AWS request-time answer: is the request allowed? */
export function isAllowed(request: AuthorizationRequest, policies: PolicySet): boolean {
  return evaluateRequest({ ...request, missingKeys: 'absent' }, policies).allowed === 'true';
}

/** Exposed for rules that need the same resource semantics on their own (e.g. "does this pattern cover every function?"). */
export function resourcePatternMatches(pattern: string, arn: string, kind: PolicyKind = 'identity'): boolean {
  return matchResource(pattern, arn, kind, '2008-10-17', normalizeContext({}), 'absent') === 'true';
}

export { parseArn };
