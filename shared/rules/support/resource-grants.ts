/**
 * Which actions a principal holds, and on which resources — decided by the engine, explained by statements.
 *
 * `grantsOnEveryResource` answers "on every resource of their kind?", the question behind the wildcard-resource
 * rules (iam-passrole-wildcard, iam-lambda-invoke-wildcard, iam-data-access-wildcard, …). A grant covers every
 * resource when a granting statement's resource element is `*`, a NotResource, or an ARN pattern that leaves the
 * resource name open (`arn:aws:s3:::*`, `arn:aws:lambda:*:111122223333:function:*`, `arn:aws:iam::*:role/*`).
 * That is decided by building two *probe* ARNs per resource type of the action from the catalogue's ARN
 * templates (region and account taken from the pattern, names made up and unlike each other) and checking that
 * the pattern matches both. The engine then evaluates the action on those probes with every policy in play, so
 * a Deny anywhere (including one written as `arn:aws:s3:::*` rather than `*`) or the permissions boundary
 * removes the grant, and conditions make it conditional. An element that covers several resource types of the
 * action (`*` covers S3 objects and access-point objects) must be allowed on all of them: a Deny on
 * `arn:aws:s3:::*` removes a grant on `*` even though access-point ARNs are outside it. The converse gap: a
 * boundary that allows S3 object ARNs only (not access-point objects) hides a grant on `*`.
 *
 * `grantsOnSomeResource` answers "on at least one resource?": each resource element of the granting
 * statements is turned into one concrete ARN and evaluated the same way.
 *
 * Both look at the identity side only: resource policies (bucket, key, function policies) are not in the
 * snapshot, so none is given to the engine — for KMS that is a default key policy delegating to IAM — and
 * probes in another account are evaluated as if the resource were in the principal's account.
 */
import { type CatalogueAction, lookupAction } from '../../catalogue/action-catalogue.ts';
import { matchesAnyActionPattern } from '../../engine/action-match.ts';
import { accountOf } from '../../engine/arn.ts';
import { evaluateRequest, resourcePatternMatches, type StatementRef, triAnd } from '../../engine/evaluate.ts';
import type { Policy, PolicySource, Statement } from '../../engine/policy-types.ts';
import { type PrincipalPolicies, statementActions } from '../../engine/principal-analysis.ts';
import type { PolicySet, Tri } from '../../engine/request-types.ts';
import type { Evidence, Severity } from '../rule-types.ts';
import { describeStatement, statementEvidence } from './results.ts';

/** Names filled into ARN templates: a pattern that matches both leaves the name open. */
const PROBE_NAMES = ['tripline-probe-a1', 'Zq9'] as const;
const DEFAULT_REGION = 'us-east-1';
/** Stands for the resource element of a NotResource statement in results. */
export const NOT_RESOURCE = 'NotResource';

export interface ResourceGrant {
  action: CatalogueAction;
  /** `true`: whatever the request context; `unknown`: only under some contexts (conditions). */
  allowed: 'true' | 'unknown';
  /** Allow statements that grant it on every resource, unconditional ones first. */
  grantedBy: StatementRef[];
  /** Deny statements that matched (conditional ones leave the grant conditional). */
  deniedBy: StatementRef[];
  /**
   * Resource elements of the granting statements under which it is allowed (`*`, an ARN pattern, `NotResource`):
   * for grantsOnEveryResource, those that cover every resource of the kind.
   */
  resources: string[];
  /** Condition keys of the granting statements. */
  conditionKeys: string[];
  /**
   * Conditional, and every granting statement carries a condition on the resource or the request's target
   * (`aws:ResourceTag/…`, `iam:PassedToService`, `kms:ViaService`, `s3:prefix`…): the grant is scoped by
   * condition rather than by ARN.
   */
  scopedByCondition: boolean;
}

export interface ResourceGrantQuery {
  /** Catalogue actions to ask about (`lambda:InvokeFunction`), matched against Action/NotAction patterns. */
  actions?: readonly string[];
  /** Or: every catalogue action named by the principal's Allow statements that passes this filter. */
  filter?: (action: CatalogueAction) => boolean;
  /** Only Allow statements accepted here are candidates (others still take part in the evaluation). */
  statements?: (statement: Statement) => boolean;
}

/**
 * Condition keys that restrict which resource (or which target of the request) a grant reaches. Global keys
 * about the caller, network or transport (`aws:SourceIp`, `aws:MultiFactorAuthPresent`, `aws:SecureTransport`,
 * `aws:RequestedRegion`, `aws:PrincipalTag/…`) do not; service-specific keys (`iam:PassedToService`,
 * `kms:ViaService`, `s3:prefix`, `dynamodb:LeadingKeys`, `lambda:FunctionArn`) describe the request's target.
 */
export function isResourceScopingKey(key: string): boolean {
  const k = key.toLowerCase();
  if (!k.startsWith('aws:')) return true;
  return (
    k.startsWith('aws:resourcetag/') ||
    k === 'aws:resourceaccount' ||
    k === 'aws:resourceorgid' ||
    k === 'aws:resourceorgpaths'
  );
}

/** One severity lower, for grants that hold only under some request contexts. */
export function conditionalSeverity(severity: Severity): Severity {
  const lower: Record<Severity, Severity> = {
    critical: 'high',
    high: 'medium',
    medium: 'low',
    low: 'info',
    info: 'info',
  };
  return lower[severity];
}

/** Whether a resource pattern can cover more than one resource (has a wildcard). Literal ARNs never can. */
function isBroadPattern(pattern: string): boolean {
  return pattern.includes('*') || pattern.includes('?');
}

const elementsOf = new WeakMap<Statement, { all: string[]; broad: string[] }>();

function elementsOfStatement(statement: Statement): { all: string[]; broad: string[] } {
  let elements = elementsOf.get(statement);
  if (!elements) {
    const all = statement.notResources
      ? statement.notResources.includes('*')
        ? []
        : [NOT_RESOURCE]
      : (statement.resources ?? []);
    elements = { all, broad: statement.notResources ? all : all.filter(isBroadPattern) };
    elementsOf.set(statement, elements);
  }
  return elements;
}

/** The resource elements of a statement: its Resource patterns, or NOT_RESOURCE. */
function resourceElements(statement: Statement): string[] {
  return elementsOfStatement(statement).all;
}

/** The resource elements of a statement that might cover every resource. */
function broadResources(statement: Statement): string[] {
  return elementsOfStatement(statement).broad;
}

/** A statement's Action or NotAction patterns grouped by service prefix, so a lookup tries only a few patterns. */
interface ActionIndex {
  byService: Map<string, string[]>;
  /** Patterns whose service part has a wildcard (`*`, `s3*:Get*`): tried for every action. */
  open: string[];
}

const actionIndexes = new WeakMap<Statement, ActionIndex>();

function actionIndex(statement: Statement): ActionIndex {
  let index = actionIndexes.get(statement);
  if (index) return index;
  index = { byService: new Map(), open: [] };
  for (const pattern of statement.actions ?? statement.notActions ?? []) {
    const colon = pattern.indexOf(':');
    const service = colon < 0 ? pattern : pattern.slice(0, colon);
    if (colon < 0 || service.includes('*') || service.includes('?')) {
      index.open.push(pattern);
      continue;
    }
    const key = service.toLowerCase();
    const list = index.byService.get(key) ?? [];
    list.push(pattern);
    index.byService.set(key, list);
  }
  actionIndexes.set(statement, index);
  return index;
}

/** Whether the statement's Action (or NotAction) covers the action: IAM wildcard semantics, case-insensitive. */
function statementNamesAction(statement: Statement, actionId: string): boolean {
  if (!statement.actions && !statement.notActions) return false;
  const index = actionIndex(statement);
  const colon = actionId.indexOf(':');
  const sameService = index.byService.get(actionId.slice(0, colon).toLowerCase());
  const listed =
    (sameService !== undefined && matchesAnyActionPattern(sameService, actionId)) ||
    (index.open.length > 0 && matchesAnyActionPattern(index.open, actionId));
  return statement.actions ? listed : !listed;
}

/** A concrete value for one ARN segment of a pattern: the pattern's own text, wildcards made concrete. */
function segmentValue(segment: string | undefined, fallback: string): string {
  if (segment === undefined || /^\*+$/.test(segment)) return fallback;
  return segment.replaceAll('*', '').replaceAll('?', 'x');
}

function fillTemplate(
  template: string,
  partition: string,
  region: string,
  account: string,
  name: string,
): string {
  return template.replace(/\$\{([A-Za-z0-9]+)\}/g, (_, variable: string) => {
    if (variable === 'Partition') return partition;
    if (variable === 'Region') return region;
    if (variable === 'Account') return account;
    return name;
  });
}

/** An ARN template as a pattern (`arn:${Partition}:iam::${Account}:user/${UserNameWithPath}` → `arn:*:iam::*:user/*`). */
function templatePattern(template: string): string {
  return template.replace(/\$\{[A-Za-z0-9]+\}/g, '*');
}

/** One concrete ARN inside a resource pattern: its wildcards replaced by made-up text. */
function concreteArn(pattern: string, partition: string, account: string): string {
  const segments = pattern.split(':');
  if (segments.length < 6) return pattern;
  const resource = segments.slice(5).join(':').replace(/\*/g, PROBE_NAMES[0]).replace(/\?/g, 'x');
  return [
    'arn',
    segmentValue(segments[1], partition),
    segments[2],
    segmentValue(segments[3], DEFAULT_REGION),
    segmentValue(segments[4], account),
    resource,
  ].join(':');
}

type Coverage = 'every' | 'some';

const probeCache = new Map<string, readonly (readonly string[])[]>();
const PROBE_CACHE_LIMIT = 20_000;

/**
 * Probe groups for one action under one resource element: the action is granted under the element when every
 * probe of at least one group is allowed. `every`: one group holding two unlike probes for each resource type
 * the element covers. `some`: one single-probe group per resource type. `*` and NotResource cover every type;
 * actions without resource-level permissions take `*` only.
 */
function probeGroups(
  action: CatalogueAction,
  resource: string,
  coverage: Coverage,
  partition: string,
  account: string,
): readonly (readonly string[])[] {
  const key = `${coverage}\u0000${action.id}\u0000${resource}\u0000${partition}\u0000${account}`;
  const cached = probeCache.get(key);
  if (cached) return cached;
  const groups: (readonly string[])[] = [];
  const everything = resource === '*' || resource === NOT_RESOURCE;
  const names = coverage === 'every' ? PROBE_NAMES : PROBE_NAMES.slice(0, 1);
  if (!action.supportsResourceLevel) {
    // Only `"Resource": "*"` (or a NotResource, which the engine checks) authorises these actions.
    if (everything) groups.push(['*']);
  } else {
    const segments = everything ? [] : resource.split(':');
    const region = segmentValue(segments[3], DEFAULT_REGION);
    const owner = segmentValue(segments[4], account);
    const concrete =
      coverage === 'some' && !everything ? concreteArn(resource, partition, account) : undefined;
    for (const type of action.resourceTypes) {
      if (concrete !== undefined && resourcePatternMatches(templatePattern(type.arn), concrete)) {
        groups.push([concrete]);
        continue;
      }
      const probes = names.map((name) => fillTemplate(type.arn, partition, region, owner, name));
      if (everything || probes.every((probe) => resourcePatternMatches(resource, probe))) groups.push(probes);
    }
    // "Every resource" under one element means every resource of every type the element covers.
    if (coverage === 'every' && groups.length > 1) groups.splice(0, groups.length, groups.flat());
  }
  if (probeCache.size >= PROBE_CACHE_LIMIT) probeCache.clear();
  probeCache.set(key, groups);
  return groups;
}

function refKey(ref: Pick<StatementRef, 'policyId' | 'statementIndex'>): string {
  return `${ref.policyId}#${ref.statementIndex}`;
}

function refOf(statement: Statement, source: PolicySource): StatementRef {
  const ref: StatementRef = {
    policyId: source.id,
    policyKind: source.kind,
    statementIndex: statement.index,
    effect: statement.effect,
    applies: statement.conditions.length > 0 ? 'unknown' : 'true',
  };
  if (statement.sid !== undefined) ref.sid = statement.sid;
  return ref;
}

/** An identity statement with the policy that holds it. */
interface Held {
  statement: Statement;
  policy: Policy;
  source: PolicySource;
}

/**
 * The principal's statements by the service prefixes their Action/NotAction can name, so each action is
 * checked against the few statements that can match it (a user with its groups can hold 500 statements).
 */
class StatementsByService {
  private readonly byService = new Map<string, Held[]>();
  private readonly open: Held[] = [];
  constructor(held: readonly Held[]) {
    for (const h of held) {
      const index = actionIndex(h.statement);
      if (h.statement.notActions || index.open.length > 0) this.open.push(h);
      for (const service of index.byService.keys()) {
        const list = this.byService.get(service) ?? [];
        list.push(h);
        this.byService.set(service, list);
      }
    }
  }
  /** The statements that name the action. */
  naming(actionId: string): Held[] {
    const service = actionId.slice(0, actionId.indexOf(':')).toLowerCase();
    const found: Held[] = [];
    for (const list of [this.byService.get(service) ?? [], this.open]) {
      for (const h of list)
        if (!found.includes(h) && statementNamesAction(h.statement, actionId)) found.push(h);
    }
    return found;
  }
}

/** Only the given statements of their policies: enough for the engine to decide one action exactly. */
function reducedPolicies(held: readonly Held[]): Policy[] {
  const byPolicy = new Map<Policy, Statement[]>();
  for (const h of held) {
    const list = byPolicy.get(h.policy) ?? [];
    list.push(h.statement);
    byPolicy.set(h.policy, list);
  }
  return [...byPolicy].map(([policy, statements]) => ({ ...policy, statements }));
}

const filteredActions = new WeakMap<
  Statement,
  Map<(a: CatalogueAction) => boolean, readonly CatalogueAction[]>
>();

/** The catalogue actions a statement names that pass a filter, cached per statement for a module-level filter. */
function statementActionsMatching(
  statement: Statement,
  filter: (a: CatalogueAction) => boolean,
): readonly CatalogueAction[] {
  let byFilter = filteredActions.get(statement);
  if (!byFilter) {
    byFilter = new Map();
    filteredActions.set(statement, byFilter);
  }
  let actions = byFilter.get(filter);
  if (!actions) {
    actions = statementActions(statement).filter(filter);
    if (byFilter.size < 32) byFilter.set(filter, actions);
  }
  return actions;
}

interface Origin {
  held: Held;
  /** The statement's resource elements that may cover the action (`*`, ARN patterns, NOT_RESOURCE). */
  resources: string[];
}

interface Candidate {
  action: CatalogueAction;
  origins: Origin[];
}

/**
 * The principal's grants on every resource of their kind, decided by the engine (Deny, boundary, conditions).
 * Cheap precheck first: only Allow statements with a wildcard or NotResource resource element are looked at.
 */
export function grantsOnEveryResource(
  principal: PrincipalPolicies,
  query: ResourceGrantQuery,
): ResourceGrant[] {
  return findGrants(principal, query, 'every');
}

/**
 * The principal's grants on at least one resource (any resource its statements name), decided by the engine.
 * `resources` then lists every resource element under which the action is allowed.
 */
export function grantsOnSomeResource(
  principal: PrincipalPolicies,
  query: ResourceGrantQuery,
): ResourceGrant[] {
  return findGrants(principal, query, 'some');
}

/** Whether every probe lies outside the NotResource list (the statement then covers it). */
function outsideNotResource(statement: Statement, probes: readonly string[]): boolean {
  const excluded = statement.notResources ?? [];
  return probes.every(
    (probe) => !excluded.some((n) => n === '*' || (probe !== '*' && resourcePatternMatches(n, probe))),
  );
}

/**
 * What a permissions boundary does to one action: a boundary that names it in no Allow removes it everywhere;
 * one that allows it on `*` without conditions (and denies nothing of it) changes nothing; anything else needs
 * the engine.
 */
function boundaryEffectOn(boundary: Policy | undefined, actionId: string): 'none' | 'removes' | 'engine' {
  if (!boundary) return 'none';
  const named = boundary.statements.filter((st) => statementNamesAction(st, actionId));
  if (!named.some((st) => st.effect === 'Allow')) return 'removes';
  const transparent =
    !named.some((st) => st.effect === 'Deny') &&
    named.some(
      (st) => st.effect === 'Allow' && st.conditions.length === 0 && (st.resources ?? []).includes('*'),
    );
  return transparent ? 'none' : 'engine';
}

const ALL_ACTIONS = (_: CatalogueAction) => true;

const denyStatements = new WeakMap<readonly Statement[], Statement[]>();

/** The principal's Deny statements (usually none), from a per-document cache: no per-principal allocation. */
function principalDenies(principal: PrincipalPolicies): Held[] {
  const held: Held[] = [];
  for (const policy of principal.policies) {
    let denies = denyStatements.get(policy.statements);
    if (!denies) {
      denies = policy.statements.filter((st) => st.effect === 'Deny');
      denyStatements.set(policy.statements, denies);
    }
    for (const statement of denies) held.push({ statement, policy, source: policySource(policy) });
  }
  return held;
}

interface WantedList {
  /** The list's content, so equal lists (even rebuilt on every call) share cache entries. */
  key: string;
  actions: readonly CatalogueAction[];
  services: Set<string>;
}

const wantedByArray = new WeakMap<readonly string[], WantedList>();
const wantedByKey = new Map<string, WantedList>();
const namedWanted = new WeakMap<Statement, Map<string, readonly CatalogueAction[]>>();
const NONE: readonly CatalogueAction[] = Object.freeze([]);

function wantedList(ids: readonly string[]): WantedList {
  let wanted = wantedByArray.get(ids);
  if (wanted) return wanted;
  const key = ids.join(',');
  wanted = wantedByKey.get(key);
  if (!wanted) {
    const actions = ids.map((id) => lookupAction(id)).filter((a): a is CatalogueAction => a !== undefined);
    wanted = { key, actions, services: new Set(actions.map((a) => a.service)) };
    if (wantedByKey.size >= 1024) wantedByKey.clear();
    wantedByKey.set(key, wanted);
  }
  wantedByArray.set(ids, wanted);
  return wanted;
}

/** The catalogue actions of `ids` a statement names; cached per statement and list content. */
function wantedNamedBy(statement: Statement, wanted: WantedList): readonly CatalogueAction[] {
  let byList = namedWanted.get(statement);
  if (!byList) {
    byList = new Map();
    namedWanted.set(statement, byList);
  }
  let named = byList.get(wanted.key);
  if (!named) {
    const index = actionIndex(statement);
    let relevant = statement.notActions !== undefined || index.open.length > 0;
    if (!relevant) {
      for (const service of index.byService.keys()) if (wanted.services.has(service)) relevant = true;
    }
    named = relevant ? wanted.actions.filter((a) => statementNamesAction(statement, a.id)) : NONE;
    if (byList.size < 16) byList.set(wanted.key, named);
  }
  return named;
}

interface NamingStatement {
  statement: Statement;
  actions: readonly CatalogueAction[];
  resources: string[];
}

type Wanted = WantedList | ((a: CatalogueAction) => boolean);

const namingCache = new WeakMap<readonly Statement[], Map<unknown, NamingStatement[]>>();

function namingFor(statement: Statement, wanted: Wanted, coverage: Coverage): NamingStatement | undefined {
  if (statement.effect !== 'Allow') return undefined;
  const resources = coverage === 'every' ? broadResources(statement) : resourceElements(statement);
  if (resources.length === 0) return undefined;
  const actions =
    typeof wanted === 'function'
      ? statementActionsMatching(statement, wanted)
      : wantedNamedBy(statement, wanted);
  return actions.length > 0 ? { statement, actions, resources } : undefined;
}

/**
 * The Allow statements of one document that name some of the wanted actions (an `ids` list or a filter) on
 * resource elements of the coverage: cached per document (its statements array is shared by every principal
 * holding it), so a principal costs one lookup per policy instead of one per statement.
 */
function namingStatements(
  statements: readonly Statement[],
  wanted: Wanted,
  coverage: Coverage,
): NamingStatement[] {
  let byQuery = namingCache.get(statements);
  if (!byQuery) {
    byQuery = new Map();
    namingCache.set(statements, byQuery);
  }
  const base = typeof wanted === 'function' ? wanted : wanted.key;
  const key = coverage === 'every' ? base : typeof base === 'string' ? `some:${base}` : someKey(base);
  let found = byQuery.get(key);
  if (found) return found;
  found = [];
  for (const statement of statements) {
    const naming = namingFor(statement, wanted, coverage);
    if (naming) found.push(naming);
  }
  if (byQuery.size < 32) byQuery.set(key, found);
  return found;
}

/** Like namingStatements, for the few statements a rule selected (not cached: the selection varies). */
function selectedNaming(
  statements: readonly Statement[],
  select: (statement: Statement) => boolean,
  wanted: Wanted,
  coverage: Coverage,
): NamingStatement[] {
  const found: NamingStatement[] = [];
  for (const statement of statements) {
    if (!select(statement)) continue;
    const naming = namingFor(statement, wanted, coverage);
    if (naming) found.push(naming);
  }
  return found;
}

/** A distinct cache key object for the `some` coverage of one query. */
const someKeyObjects = new WeakMap<object, object>();
function someKey(wanted: object): object {
  let key = someKeyObjects.get(wanted);
  if (!key) {
    key = {};
    someKeyObjects.set(wanted, key);
  }
  return key;
}

function policySource(policy: Policy): PolicySource {
  return policy.source ?? { id: policy.id ?? '(policy)', kind: 'identity' };
}

function findGrants(
  principal: PrincipalPolicies,
  query: ResourceGrantQuery,
  coverage: Coverage,
): ResourceGrant[] {
  const candidates = new Map<string, Candidate>();
  const wanted: Wanted = query.actions ? wantedList(query.actions) : (query.filter ?? ALL_ACTIONS);
  for (const policy of principal.policies) {
    const entries = query.statements
      ? selectedNaming(policy.statements, query.statements, wanted, coverage)
      : namingStatements(policy.statements, wanted, coverage);
    for (const { statement, actions, resources } of entries) {
      const held: Held = { statement, policy, source: policySource(policy) };
      for (const action of actions) {
        let candidate = candidates.get(action.id);
        if (!candidate) {
          candidate = { action, origins: [] };
          candidates.set(action.id, candidate);
        }
        candidate.origins.push({ held, resources });
      }
    }
  }
  if (candidates.size === 0) return [];
  const denies = principalDenies(principal);

  const partition = principal.arn.split(':')[1] || 'aws';
  const account = accountOf(principal.arn) ?? '000000000000';
  const denyIndex = denies.length > 0 ? new StatementsByService(denies) : undefined;
  const grants: ResourceGrant[] = [];
  for (const { action, origins } of candidates.values()) {
    // A scan covers 10,000+ principals, so the engine is asked only when something could change its answer.
    const boundaryEffect = boundaryEffectOn(principal.boundary, action.id);
    if (boundaryEffect === 'removes') continue;
    const denying = denyIndex ? denyIndex.naming(action.id) : [];
    let allowed: Tri = 'false';
    const grantedBy = new Map<string, StatementRef>();
    const deniedBy = new Map<string, StatementRef>();
    const covering = new Set<string>();
    if (boundaryEffect === 'none' && denying.length === 0) {
      // Nothing can subtract: an unconditional Allow covering the probes grants, as the engine would answer.
      for (const { held, resources } of origins) {
        if (held.statement.conditions.length > 0) continue;
        for (const resource of resources) {
          // `*` covers every probe of every action, wildcard-only ones included: no probes needed.
          const covered =
            resource === '*' ||
            probeGroups(action, resource, coverage, partition, account).some(
              (probes) => resource !== NOT_RESOURCE || outsideNotResource(held.statement, probes),
            );
          if (!covered) continue;
          allowed = 'true';
          covering.add(resource);
          const ref = refOf(held.statement, held.source);
          if (!grantedBy.has(refKey(ref))) grantedBy.set(refKey(ref), ref);
        }
      }
    }
    if (allowed === 'false') {
      // The engine, over the statements that can decide this action on these probes: the Allow statements
      // that brought it here (others either do not name it or name only literal ARNs, which never match a
      // probe) and the Deny statements that name it. Cheap even for principals with hundreds of statements.
      const set: PolicySet = {
        identity: reducedPolicies([...new Set(origins.map((o) => o.held)), ...denying]),
      };
      if (principal.boundary) set.boundary = principal.boundary;
      const elements = new Set(origins.flatMap((o) => o.resources));
      for (const resource of elements) {
        for (const probes of probeGroups(action, resource, coverage, partition, account)) {
          let groupAllowed: Tri = 'true';
          const groupAllows: StatementRef[] = [];
          const groupDenies: StatementRef[] = [];
          for (const probe of probes) {
            const result = evaluateRequest(
              {
                principal: principal.arn,
                action: action.id,
                resource: probe,
                resourceAccount: account,
                context: {},
                missingKeys: 'unknown',
              },
              set,
            );
            groupAllowed = triAnd(groupAllowed, result.allowed);
            if (groupAllowed === 'false') break;
            groupAllows.push(
              ...result.allowedBy.filter((r) => r.effect === 'Allow' && r.applies !== 'false'),
            );
            groupDenies.push(...result.deniedBy);
          }
          if (groupAllowed === 'false') continue;
          allowed = allowed === 'true' || groupAllowed === 'true' ? 'true' : 'unknown';
          covering.add(resource);
          for (const ref of groupAllows) if (!grantedBy.has(refKey(ref))) grantedBy.set(refKey(ref), ref);
          for (const ref of groupDenies) if (!deniedBy.has(refKey(ref))) deniedBy.set(refKey(ref), ref);
        }
      }
    }
    if (allowed === 'false') continue;
    if (
      allowed === 'true' &&
      deniedBy.size === 0 &&
      [...grantedBy.values()].every((r) => r.applies === 'true')
    ) {
      grants.push({
        action,
        allowed,
        grantedBy: [...grantedBy.values()],
        deniedBy: [],
        resources: [...covering].sort(),
        conditionKeys: [],
        scopedByCondition: false,
      });
      continue;
    }
    const refs = [...grantedBy.values()].sort((a, b) =>
      a.applies === b.applies ? 0 : a.applies === 'true' ? -1 : 1,
    );
    const byRef = new Map(
      origins.map((o) => [refKey(refOf(o.held.statement, o.held.source)), o.held.statement]),
    );
    const statements = refs
      .map((r) => byRef.get(refKey(r)))
      .filter((st): st is Statement => st !== undefined);
    const conditionKeys = [...new Set(statements.flatMap((st) => st.conditions.map((c) => c.key)))].sort();
    const scopedByCondition =
      allowed === 'unknown' &&
      refs.every((r) => r.applies === 'unknown') &&
      statements.length > 0 &&
      statements.every((st) => st.conditions.some((c) => isResourceScopingKey(c.key)));
    grants.push({
      action,
      allowed,
      grantedBy: refs,
      deniedBy: [...deniedBy.values()],
      resources: [...covering].sort(),
      conditionKeys,
      scopedByCondition,
    });
  }
  return grants.sort((a, b) => a.action.id.localeCompare(b.action.id));
}

export interface StatementGrant {
  /** The Allow statement. */
  ref: StatementRef;
  /** Actions (passing the query's filter) it grants on every resource of their kind, before Deny and boundary. */
  covered: readonly CatalogueAction[];
  /** Those that survive Deny statements and the permissions boundary. */
  actions: readonly CatalogueAction[];
  /** `true` when at least one of `actions` is granted whatever the request context. */
  allowed: 'true' | 'unknown';
  /** The statement's resource elements that cover every resource (`*`, ARN patterns, `NotResource`). */
  resources: string[];
  conditionKeys: string[];
  /** The statement is conditional on a resource-scoping key (see isResourceScopingKey). */
  scopedByCondition: boolean;
  deniedBy: StatementRef[];
}

interface StatementCoverage {
  covered: { action: CatalogueAction; resources: string[] }[];
  actions: readonly CatalogueAction[];
  resources: string[];
}

/**
 * Statement coverage depends only on the Action/NotAction and Resource/NotResource elements, and many
 * principals hold statements with the same elements (one CDK pattern, one managed policy): cached by them.
 */
const coverageCache = new Map<string, Map<(a: CatalogueAction) => boolean, StatementCoverage>>();
const COVERAGE_CACHE_LIMIT = 50_000;
const elementKeys = new WeakMap<Statement, string>();
const EVERYTHING: readonly string[] = Object.freeze(['*']);

function elementKey(statement: Statement): string {
  let key = elementKeys.get(statement);
  if (key === undefined) {
    key = JSON.stringify([
      statement.actions,
      statement.notActions,
      statement.resources,
      statement.notResources,
    ]);
    elementKeys.set(statement, key);
  }
  return key;
}

const coverageByStatement = new WeakMap<
  Statement,
  { account: string; byFilter: Map<unknown, StatementCoverage> }
>();

/** What one Allow statement grants on every resource on its own: cached per statement elements, account and filter. */
function everyResourceCoverage(
  statement: Statement,
  filter: (a: CatalogueAction) => boolean,
  partition: string,
  account: string,
): StatementCoverage {
  const accountKey = `${partition}:${account}`;
  let own = coverageByStatement.get(statement);
  if (!own || own.account !== accountKey) {
    own = { account: accountKey, byFilter: new Map() };
    coverageByStatement.set(statement, own);
  }
  const mine = own.byFilter.get(filter);
  if (mine) return mine;
  const key = `${accountKey}\u0000${elementKey(statement)}`;
  let byFilter = coverageCache.get(key);
  if (!byFilter) {
    if (coverageCache.size >= COVERAGE_CACHE_LIMIT) {
      const oldest = coverageCache.keys().next();
      if (oldest.done !== true) coverageCache.delete(oldest.value);
    }
    byFilter = new Map();
    coverageCache.set(key, byFilter);
  }
  const cached = byFilter.get(filter);
  if (cached) {
    if (own.byFilter.size < 32) own.byFilter.set(filter, cached);
    return cached;
  }
  const elements = broadResources(statement);
  const covered: StatementCoverage['covered'] = [];
  const used = new Set<string>();
  const onlyEverything = elements.length === 1 && elements[0] === '*';
  if (elements.length > 0) {
    for (const action of statementActions(statement)) {
      if (!filter(action)) continue;
      if (onlyEverything) {
        covered.push({ action, resources: EVERYTHING as string[] });
        continue;
      }
      const resources = elements.filter(
        (element) =>
          element === '*' ||
          probeGroups(action, element, 'every', partition, account).some(
            (probes) => element !== NOT_RESOURCE || outsideNotResource(statement, probes),
          ),
      );
      if (resources.length === 0) continue;
      covered.push({ action, resources });
      for (const r of resources) used.add(r);
    }
    if (onlyEverything && covered.length > 0) used.add('*');
  }
  covered.sort((a, b) => (a.action.id < b.action.id ? -1 : a.action.id > b.action.id ? 1 : 0));
  const result: StatementCoverage = {
    covered,
    actions: covered.map((c) => c.action),
    resources: [...used].sort(),
  };
  if (byFilter.size < 32) byFilter.set(filter, result);
  if (own.byFilter.size < 32) own.byFilter.set(filter, result);
  return result;
}

/**
 * For each Allow statement (accepted by `query.statements`): which actions passing `query.filter` it grants on
 * every resource of their kind, and which of them survive Deny statements and the permissions boundary — the
 * per-statement view that rules reporting one finding per statement need. Built for statements that name
 * thousands of actions (`*`, NotAction, `ec2:*`): with no Deny and no boundary in play, an unconditional
 * statement's answer comes from a per-statement cache without looking at each action again. `filter` should be
 * a module-level function (the cache is keyed by it).
 */
export function grantsByStatement(
  principal: PrincipalPolicies,
  query: { filter: (action: CatalogueAction) => boolean; statements?: (statement: Statement) => boolean },
): StatementGrant[] {
  const partition = principal.arn.split(':')[1] || 'aws';
  const account = accountOf(principal.arn) ?? '000000000000';
  let denyIndex: StatementsByService | undefined;
  let denies: Held[] | undefined;
  let contextKey: string | undefined;
  const results: StatementGrant[] = [];
  for (const policy of principal.policies) {
    const entries = query.statements
      ? selectedStatements(policy.statements, query.statements, query.filter, partition, account)
      : coveringStatements(policy.statements, query.filter, partition, account);
    for (const { statement, coverage } of entries) {
      const held: Held = { statement, policy, source: policySource(policy) };
      denies ??= principalDenies(principal);
      const ref = refOf(statement, held.source);
      const conditionKeys = [...new Set(statement.conditions.map((c) => c.key))].sort();
      const scopedByCondition = statement.conditions.some((c) => isResourceScopingKey(c.key));
      const unconditional = statement.conditions.length === 0;
      if (unconditional && !principal.boundary && denies.length === 0) {
        results.push({
          ref,
          covered: coverage.actions,
          actions: coverage.actions,
          allowed: 'true',
          resources: coverage.resources,
          conditionKeys,
          scopedByCondition: false,
          deniedBy: [],
        });
        continue;
      }
      // Principals in the same groups share Deny statements and boundaries: the survival of one statement's
      // grant under one such context is computed once.
      contextKey ??= `${partition}:${account}|${denies.map((d) => idOf(d.statement)).join(',')}|${
        principal.boundary ? idOf(principal.boundary.statements) : ''
      }`;
      const survivalKey = `${idOf(statement)}|${idOf(query.filter)}|${contextKey}`;
      const known = survivalCache.get(survivalKey);
      if (known) {
        results.push({ ref, covered: coverage.actions, conditionKeys, ...known });
        continue;
      }
      denyIndex ??= new StatementsByService(denies);
      const actions: CatalogueAction[] = [];
      const deniedBy = new Map<string, StatementRef>();
      const resources = new Set<string>();
      let anyTrue = false;
      for (const { action, resources: elements } of coverage.covered) {
        const boundaryEffect = boundaryEffectOn(principal.boundary, action.id);
        if (boundaryEffect === 'removes') continue;
        const denying = denyIndex.naming(action.id);
        if (unconditional && boundaryEffect === 'none' && denying.length === 0) {
          actions.push(action);
          anyTrue = true;
          for (const r of elements) resources.add(r);
          continue;
        }
        // The engine over this statement alone (plus the Deny statements naming the action and the boundary):
        // does this statement's grant survive?
        const set: PolicySet = { identity: reducedPolicies([held, ...denying]) };
        if (principal.boundary) set.boundary = principal.boundary;
        let allowed: Tri = 'false';
        for (const element of elements) {
          for (const probes of probeGroups(action, element, 'every', partition, account)) {
            let groupAllowed: Tri = 'true';
            for (const probe of probes) {
              const result = evaluateRequest(
                {
                  principal: principal.arn,
                  action: action.id,
                  resource: probe,
                  resourceAccount: account,
                  context: {},
                  missingKeys: 'unknown',
                },
                set,
              );
              groupAllowed = triAnd(groupAllowed, result.allowed);
              for (const d of result.deniedBy) if (!deniedBy.has(refKey(d))) deniedBy.set(refKey(d), d);
              if (groupAllowed === 'false') break;
            }
            if (groupAllowed === 'false') continue;
            allowed = allowed === 'true' || groupAllowed === 'true' ? 'true' : 'unknown';
            resources.add(element);
          }
        }
        if (allowed === 'false') continue;
        actions.push(action);
        if (allowed === 'true') anyTrue = true;
      }
      const survival: Survival = {
        actions,
        allowed: anyTrue ? 'true' : 'unknown',
        resources: [...resources].sort(),
        scopedByCondition: scopedByCondition && !anyTrue,
        deniedBy: [...deniedBy.values()],
      };
      if (survivalCache.size >= SURVIVAL_CACHE_LIMIT) {
        const oldest = survivalCache.keys().next();
        if (oldest.done !== true) survivalCache.delete(oldest.value);
      }
      survivalCache.set(survivalKey, survival);
      results.push({ ref, covered: coverage.actions, conditionKeys, ...survival });
    }
  }
  return results;
}

/** Like coveringStatements, for the few statements a rule selected (not cached: the selection varies). */
function selectedStatements(
  statements: readonly Statement[],
  select: (statement: Statement) => boolean,
  filter: (a: CatalogueAction) => boolean,
  partition: string,
  account: string,
): { statement: Statement; coverage: StatementCoverage }[] {
  const found: { statement: Statement; coverage: StatementCoverage }[] = [];
  for (const statement of statements) {
    if (statement.effect !== 'Allow' || !select(statement) || broadResources(statement).length === 0)
      continue;
    const coverage = everyResourceCoverage(statement, filter, partition, account);
    if (coverage.covered.length > 0) found.push({ statement, coverage });
  }
  return found;
}

const coveringCache = new WeakMap<
  readonly Statement[],
  { account: string; byFilter: Map<unknown, { statement: Statement; coverage: StatementCoverage }[]> }
>();

/** The Allow statements of one document that grant something passing `filter` on every resource: cached per document. */
function coveringStatements(
  statements: readonly Statement[],
  filter: (a: CatalogueAction) => boolean,
  partition: string,
  account: string,
): { statement: Statement; coverage: StatementCoverage }[] {
  const accountKey = `${partition}:${account}`;
  let cached = coveringCache.get(statements);
  if (!cached || cached.account !== accountKey) {
    cached = { account: accountKey, byFilter: new Map() };
    coveringCache.set(statements, cached);
  }
  let found = cached.byFilter.get(filter);
  if (found) return found;
  found = [];
  for (const statement of statements) {
    if (statement.effect !== 'Allow' || broadResources(statement).length === 0) continue;
    const coverage = everyResourceCoverage(statement, filter, partition, account);
    if (coverage.covered.length > 0) found.push({ statement, coverage });
  }
  if (cached.byFilter.size < 32) cached.byFilter.set(filter, found);
  return found;
}

type Survival = Pick<StatementGrant, 'actions' | 'allowed' | 'resources' | 'scopedByCondition' | 'deniedBy'>;

const survivalCache = new Map<string, Survival>();
const SURVIVAL_CACHE_LIMIT = 20_000;
const objectIds = new WeakMap<object, number>();
let nextObjectId = 1;

/** A small number naming an object (statement, document, filter) in cache keys. */
function idOf(value: object): number {
  let id = objectIds.get(value);
  if (id === undefined) {
    id = nextObjectId++;
    objectIds.set(value, id);
  }
  return id;
}

/** `", under conditions (aws:SourceIp)"` or `", unless <Deny> applies"` for a conditional statement grant. */
export function statementConditionNote(grant: StatementGrant): string {
  if (grant.allowed === 'true') return '';
  if (grant.conditionKeys.length === 0 && grant.deniedBy[0]) {
    return `, unless ${describeStatement(grant.deniedBy[0])} applies`;
  }
  return `, under conditions${grant.conditionKeys.length ? ` (${grant.conditionKeys.join(', ')})` : ''}`;
}

/** Evidence for one grant: the first granting statement, the resources it covers, whether it is conditional. */
export function grantEvidence(grant: ResourceGrant): Evidence {
  const first = grant.grantedBy[0];
  const evidence: Evidence = first ? statementEvidence(first) : {};
  evidence.resources = grant.resources;
  evidence.conditional = grant.allowed === 'unknown';
  if (grant.conditionKeys.length > 0) evidence.conditionKeys = grant.conditionKeys;
  if (grant.grantedBy.length > 1)
    evidence.alsoGrantedBy = grant.grantedBy.slice(1).map((r) => describeStatement(r));
  return evidence;
}

/** `", under conditions (aws:SourceIp)"` for conditional grants, `""` otherwise. */
export function conditionNote(grant: ResourceGrant): string {
  if (grant.allowed === 'true') return '';
  const denied = grant.grantedBy.every((r) => r.applies === 'true') && grant.deniedBy.length > 0;
  if (denied) return `, unless ${describeStatement(grant.deniedBy[0] as StatementRef)} applies`;
  return `, under conditions${grant.conditionKeys.length ? ` (${grant.conditionKeys.join(', ')})` : ''}`;
}

/** `*`, `arn:aws:s3:::*` or `NotResource` as a phrase for messages. */
export function describeResources(grant: ResourceGrant): string {
  return describeElements(grant.resources);
}

/** Resource elements as a phrase for messages. */
export function describeElements(resources: readonly string[]): string {
  return resources.map((r) => (r === NOT_RESOURCE ? 'a NotResource' : r)).join(', ');
}

/** A finding key naming one statement: `policy#Sid`, or `policy#index` when the statement has no Sid. */
export function statementKey(ref: Pick<StatementRef, 'policyId' | 'statementIndex' | 'sid'>): string {
  return `${ref.policyId}#${ref.sid ?? ref.statementIndex}`;
}

export interface ActionSummary {
  services: string[];
  permissionsManagement: number;
  /** The first actions by id, for evidence. */
  sample: string[];
}

const summaries = new WeakMap<readonly CatalogueAction[], ActionSummary>();

/** Services, permissions-management count and a sample of a list of actions; memoised per (shared) list. */
export function summarizeActions(actions: readonly CatalogueAction[], sampleSize: number): ActionSummary {
  const cached = summaries.get(actions);
  if (cached && cached.sample.length === Math.min(sampleSize, actions.length)) return cached;
  const services = new Set<string>();
  let permissionsManagement = 0;
  for (const a of actions) {
    services.add(a.service);
    if (a.accessLevels.includes('Permissions management')) permissionsManagement++;
  }
  const summary = {
    services: [...services].sort(),
    permissionsManagement,
    sample: actions.slice(0, sampleSize).map((a) => a.id),
  };
  summaries.set(actions, summary);
  return summary;
}
