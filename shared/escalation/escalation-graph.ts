/**
 * Privilege-escalation analysis over a whole account.
 *
 * Nodes are users and roles; an edge A → B means "A can act as B" through one method of the catalogue, and an
 * edge A → ADMIN means "A can grant itself administrator access". Every edge is decided with the policy engine
 * over A's whole effective policy set (inline, managed, groups, boundary, Deny anywhere, conditions) and, where
 * it matters, B's trust policy. A backward breadth-first search from the administrator-equivalent principals
 * gives every other principal its shortest path to administrator.
 *
 * Edge answers are cached by (source, target, method) so that after one change only the affected answers are
 * recomputed (`update`).
 */
import { matchesActionPattern } from '../engine/action-match.ts';
import { adminAccess } from '../engine/admin-equivalence.ts';
import { type EvaluationResult, evaluateRequest, type StatementRef } from '../engine/evaluate.ts';
import type { Policy, Statement } from '../engine/policy-types.ts';
import { matchesWildcard } from '../engine/policy-variables.ts';
import { policySetFor } from '../engine/principal-analysis.ts';
import type { RequestContext } from '../engine/request-types.ts';
import type {
  AccountSnapshot,
  Group,
  LambdaFunction,
  ManagedPolicy,
  Role,
  User,
} from '../snapshot/account-snapshot.ts';
import { PrincipalResolver, type ResolvedPrincipal } from '../snapshot/principal-policies.ts';
import { ESCALATION_METHODS, type EscalationMethod } from './methods.ts';

export const ADMIN = 'ADMIN';
const ADMIN_POLICY_ARN = 'arn:aws:iam::aws:policy/AdministratorAccess';

export interface ActionGrant {
  action: string;
  resource: string;
  /** The statements that allowed it (first of each policy), for evidence. */
  allowedBy: StatementRef[];
  conditional: boolean;
}

export interface EscalationStep {
  from: string;
  /** ARN of the principal acted as, or ADMIN. */
  to: string;
  method: string;
  title: string;
  /** The resource the method works through: the policy, group, role or function. */
  via: string;
  grants: ActionGrant[];
  conditional: boolean;
  /** Caveats, e.g. "no Lambda inventory: any role trusted by Lambda may run a function". */
  notes: string[];
}

export interface EscalationPath {
  principal: string;
  /** ARN of the administrator-equivalent principal reached, or ADMIN when the path ends by self-escalation. */
  reaches: string;
  steps: EscalationStep[];
  conditional: boolean;
}

export type ChangeSet = {
  /** Principals (users, roles, groups) whose identity policies, groups or boundary changed, or that were created/deleted. */
  principals?: string[];
  /** Managed policies whose versions changed. */
  managedPolicies?: string[];
  /** Roles whose trust policy changed. */
  trustPolicies?: string[];
  /** Functions created, deleted or re-pointed to another role. */
  functions?: boolean;
};

const METHOD_ACTIONS = [...new Set(ESCALATION_METHODS.flatMap((m) => m.actions))];

/** Service principals a role's trust policy admits for sts:AssumeRole. */
function trustedServices(role: Role): Set<string> {
  const services = new Set<string>();
  if (!role.trustPolicy.ok) return services;
  for (const s of role.trustPolicy.policy.statements) {
    if (s.effect !== 'Allow' || !s.principal) continue;
    if (!(s.actions ?? []).some((a) => matchesActionPattern(a, 'sts:AssumeRole'))) continue;
    for (const service of s.principal.service) services.add(service);
  }
  return services;
}

/** Per policy (shared by every principal holding it): which method actions it allows, and on which resources. */
interface PolicyFacts {
  caps: Set<string>;
  patterns: Map<string, string[]>;
}
const policyFactsCache = new WeakMap<readonly Statement[], PolicyFacts>();
const adminVersions = new WeakMap<ManagedPolicy, boolean>();

function statementAllows(s: Statement, action: string): boolean {
  return s.actions
    ? s.actions.some((a) => matchesActionPattern(a, action))
    : !(s.notActions ?? []).some((a) => matchesActionPattern(a, action));
}

function policyFacts(policy: Policy): PolicyFacts {
  let facts = policyFactsCache.get(policy.statements);
  if (!facts) {
    facts = { caps: new Set(), patterns: new Map() };
    for (const s of policy.statements) {
      if (s.effect !== 'Allow') continue;
      for (const action of METHOD_ACTIONS)
        if (!facts.caps.has(action) && statementAllows(s, action)) facts.caps.add(action);
    }
    policyFactsCache.set(policy.statements, facts);
  }
  return facts;
}

function patternsFor(policy: Policy, action: string): string[] {
  const facts = policyFacts(policy);
  let patterns = facts.patterns.get(action);
  if (!patterns) {
    const out = new Set<string>();
    for (const s of policy.statements) {
      if (s.effect === 'Allow' && statementAllows(s, action))
        for (const r of s.resources ?? ['*']) out.add(r);
    }
    patterns = [...out];
    facts.patterns.set(action, patterns);
  }
  return patterns;
}

/** Context keys IAM sets from the caller itself: known for every request the principal makes. */
function principalContext(principal: User | Role | Group): RequestContext {
  const account = principal.arn.split(':')[4] ?? '';
  const context: RequestContext = {
    'aws:PrincipalArn': principal.arn,
    'aws:PrincipalAccount': account,
    'aws:PrincipalType': principal.kind === 'user' ? 'User' : 'AssumedRole',
  };
  if (principal.kind === 'user') {
    context['aws:username'] = principal.name;
    if (principal.id) context['aws:userid'] = principal.id;
  }
  return context;
}

function policyKey(p: ResolvedPrincipal): string {
  const ids = p.policies.map((x) => `${x.source?.id ?? x.id ?? '?'}#${x.source?.group ?? ''}`).sort();
  return `${ids.join('|')}||${p.boundary?.source?.id ?? ''}`;
}

export class EscalationAnalysis {
  private snapshot!: AccountSnapshot;
  private resolver!: PrincipalResolver;
  private actors: (User | Role)[] = [];
  private byArn = new Map<string, User | Role>();
  private groupsByName = new Map<string, Group>();
  private functionsByRole = new Map<string, LambdaFunction[]>();
  private services = new Map<string, Set<string>>();

  private readonly adminByKey = new Map<string, boolean>();
  private readonly adminGroups = new Map<string, boolean>();
  private readonly admins = new Set<string>();
  private readonly capabilities = new Map<string, Set<string>>();
  private readonly grantCache = new Map<string, ActionGrant | null>();
  private readonly edgeCache = new Map<string, EscalationStep | null>();
  private paths = new Map<string, EscalationPath>();
  /** Evaluations made since construction (for benchmarks and tests of incremental work). */
  evaluations = 0;

  constructor(snapshot: AccountSnapshot) {
    this.load(snapshot);
    this.compute();
  }

  /** Re-analyses after a change, recomputing only answers that involve what changed. */
  update(snapshot: AccountSnapshot, change: ChangeSet): void {
    const dirty = new Set<string>(change.principals ?? []);
    for (const policyArn of change.managedPolicies ?? []) {
      for (const p of [...snapshot.users, ...snapshot.roles, ...snapshot.groups]) {
        if (p.attachedPolicies.some((a) => a.arn === policyArn)) dirty.add(p.arn);
        if (p.kind !== 'group' && p.permissionsBoundary === policyArn) dirty.add(p.arn);
      }
    }
    // A changed group changes its members.
    const dirtyGroups = new Set(snapshot.groups.filter((g) => dirty.has(g.arn)).map((g) => g.name));
    for (const u of snapshot.users) if (u.groups.some((g) => dirtyGroups.has(g))) dirty.add(u.arn);
    const dirtyTargets = new Set<string>(change.trustPolicies ?? []);
    this.load(snapshot);
    for (const key of [...this.grantCache.keys()]) {
      if (dirty.has(key.slice(0, key.indexOf('|')))) this.grantCache.delete(key);
    }
    for (const key of [...this.edgeCache.keys()]) {
      const [from, to] = key.split('|');
      if (
        dirty.has(from as string) ||
        dirty.has(to as string) ||
        dirtyTargets.has(to as string) ||
        change.functions
      ) {
        this.edgeCache.delete(key);
      }
    }
    for (const arn of dirty) this.capabilities.delete(arn);
    // Admin answers are cached by policy set, so unchanged sets keep theirs; a changed managed policy changes them.
    if ((change.managedPolicies ?? []).length > 0) this.adminByKey.clear();
    this.adminGroups.clear();
    this.compute();
  }

  isAdmin(arn: string): boolean {
    return this.admins.has(arn);
  }

  pathFor(arn: string): EscalationPath | undefined {
    return this.paths.get(arn);
  }

  allPaths(): EscalationPath[] {
    return [...this.paths.values()];
  }

  administrators(): string[] {
    return [...this.admins].sort();
  }

  // ---------------------------------------------------------------------------------------------------------

  private load(snapshot: AccountSnapshot): void {
    this.snapshot = snapshot;
    this.resolver = new PrincipalResolver(snapshot);
    this.actors = [...snapshot.users, ...snapshot.roles];
    this.byArn = new Map(this.actors.map((a) => [a.arn, a]));
    this.groupsByName = new Map(snapshot.groups.map((g) => [g.name, g]));
    this.functionsByRole = new Map();
    for (const fn of snapshot.functions ?? []) {
      const list = this.functionsByRole.get(fn.role) ?? [];
      list.push(fn);
      this.functionsByRole.set(fn.role, list);
    }
    this.services = new Map(snapshot.roles.map((r) => [r.arn, trustedServices(r)]));
  }

  private resolved(arn: string): ResolvedPrincipal {
    return this.resolver.resolve(this.byArn.get(arn) as User | Role);
  }

  private isAdminPolicySet(p: ResolvedPrincipal): boolean {
    const key = policyKey(p);
    let admin = this.adminByKey.get(key);
    if (admin === undefined) {
      admin = adminAccess(p).admin;
      this.adminByKey.set(key, admin);
    }
    return admin;
  }

  /** Which method actions the principal has any Allow for (a string-level precheck before evaluating). */
  private capabilitiesOf(arn: string): Set<string> {
    let caps = this.capabilities.get(arn);
    if (caps) return caps;
    caps = new Set();
    for (const policy of this.resolved(arn).policies)
      for (const action of policyFacts(policy).caps) caps.add(action);
    this.capabilities.set(arn, caps);
    return caps;
  }

  /** Resource patterns of A's Allow statements for `action` (candidate resources for "allowed somewhere"). */
  private allowPatterns(p: ResolvedPrincipal, action: string): string[] {
    const out = new Set<string>();
    for (const policy of p.policies) for (const r of patternsFor(policy, action)) out.add(r);
    return [...out];
  }

  private evaluate(
    p: ResolvedPrincipal,
    action: string,
    resource: string,
    context: RequestContext,
  ): EvaluationResult {
    this.evaluations++;
    return evaluateRequest(
      {
        principal: p.arn,
        action,
        resource,
        context: { ...principalContext(p.principal), ...context },
        missingKeys: 'unknown',
      },
      policySetFor(p),
    );
  }

  /**
   * May principal `arn` perform `action` on `resource` (or, with resource undefined, on some resource it can name)?
   * Cached per (principal, action, resource, context).
   */
  private grant(
    arn: string,
    action: string,
    resource: string | undefined,
    context: RequestContext = {},
  ): ActionGrant | null {
    const key = `${arn}|${action}|${resource ?? '?'}|${JSON.stringify(context)}`;
    const cached = this.grantCache.get(key);
    if (cached !== undefined) return cached;
    let answer: ActionGrant | null = null;
    if (this.capabilitiesOf(arn).has(action)) {
      const p = this.resolved(arn);
      const patterns = this.allowPatterns(p, action);
      const candidates =
        resource !== undefined
          ? patterns.some((pat) => pat === '*' || pat.includes('${') || matchesWildcard(pat, resource))
            ? [resource]
            : []
          : patterns;
      for (const candidate of candidates) {
        const result = this.evaluate(p, action, candidate, context);
        if (result.allowed === 'false') continue;
        const firstPerPolicy = new Map<string, StatementRef>();
        for (const ref of result.allowedBy)
          if (!firstPerPolicy.has(ref.policyId)) firstPerPolicy.set(ref.policyId, ref);
        answer = {
          action,
          resource: candidate,
          allowedBy: [...firstPerPolicy.values()],
          conditional: result.allowed === 'unknown',
        };
        if (result.allowed === 'true') break;
      }
    }
    this.grantCache.set(key, answer);
    return answer;
  }

  /** All of a method's actions: the first on `target` (with `context`), the rest anywhere. */
  private grantsFor(
    arn: string,
    method: EscalationMethod,
    target: string | undefined,
    context: RequestContext = {},
  ): ActionGrant[] | null {
    const grants: ActionGrant[] = [];
    for (const [i, action] of method.actions.entries()) {
      const g =
        i === 0
          ? this.grant(arn, action, target, context)
          : this.grant(arn, action, this.secondaryTarget(method, action, target));
      if (!g) return null;
      grants.push(g);
    }
    return grants;
  }

  /** Some follow-up actions act on the same target (invoke the function just changed; assume the role just rewritten). */
  private secondaryTarget(
    method: EscalationMethod,
    action: string,
    target: string | undefined,
  ): string | undefined {
    if (
      method.kind === 'function-code' &&
      (action === 'lambda:InvokeFunction' || action === 'lambda:AddPermission')
    )
      return target;
    if (method.kind === 'trust-update' && action === 'sts:AssumeRole') return target;
    return undefined;
  }

  private step(
    from: string,
    to: string,
    method: EscalationMethod,
    via: string,
    grants: ActionGrant[],
    notes: string[] = [],
    extraConditional = false,
  ): EscalationStep {
    return {
      from,
      to,
      method: method.id,
      title: method.title,
      via,
      grants,
      conditional: extraConditional || grants.some((g) => g.conditional),
      notes,
    };
  }

  // ---- edges ----

  /** A → ADMIN edges: self-modification, one's groups, attached policies, administrator groups. */
  private selfEscalation(arn: string): EscalationStep | null {
    const cacheKey = `${arn}|${ADMIN}|self`;
    const cached = this.edgeCache.get(cacheKey);
    if (cached !== undefined) return cached;
    const actor = this.byArn.get(arn) as User | Role;
    let found: EscalationStep | null = null;
    const attachedHere = (list: { arn: string }[]) =>
      list.map((a) => a.arn).filter((a) => !a.includes(':iam::aws:policy/'));
    for (const method of ESCALATION_METHODS) {
      if (found) break;
      if (method.principalKinds && !method.principalKinds.includes(actor.kind)) continue;
      if (!this.capabilitiesOf(arn).has(method.actions[0] as string)) continue;
      switch (method.kind) {
        case 'self-policy': {
          const g = this.grantsFor(arn, method, arn, { 'iam:PolicyARN': ADMIN_POLICY_ARN });
          if (g) found = this.step(arn, ADMIN, method, arn, g);
          break;
        }
        case 'role-policy': {
          if (actor.kind === 'role') {
            const g = this.grantsFor(arn, method, arn, { 'iam:PolicyARN': ADMIN_POLICY_ARN });
            if (g) found = this.step(arn, ADMIN, method, arn, g);
          }
          break;
        }
        case 'group-policy': {
          for (const name of actor.kind === 'user' ? actor.groups : []) {
            const group = this.groupsByName.get(name);
            if (!group) continue;
            const g = this.grantsFor(arn, method, group.arn, { 'iam:PolicyARN': ADMIN_POLICY_ARN });
            if (g) {
              found = this.step(arn, ADMIN, method, group.arn, g);
              break;
            }
          }
          break;
        }
        case 'add-to-group': {
          for (const group of this.snapshot.groups) {
            if (actor.kind === 'user' && actor.groups.includes(group.name)) continue;
            if (!this.isAdminGroup(group)) continue;
            const g = this.grantsFor(arn, method, group.arn);
            if (g) {
              found = this.step(arn, ADMIN, method, group.arn, g);
              break;
            }
          }
          break;
        }
        case 'policy-version':
        case 'default-version': {
          const attached = new Set(attachedHere(actor.attachedPolicies));
          if (actor.kind === 'user') {
            for (const name of actor.groups)
              for (const a of attachedHere(this.groupsByName.get(name)?.attachedPolicies ?? []))
                attached.add(a);
          }
          for (const policyArn of attached) {
            const managed = this.snapshot.managedPolicies.get(policyArn);
            if (method.kind === 'default-version' && !(managed && this.hasAdminVersion(managed))) continue;
            const g = this.grantsFor(arn, method, policyArn);
            if (g) {
              found = this.step(arn, ADMIN, method, policyArn, g);
              break;
            }
          }
          break;
        }
        default:
          break;
      }
    }
    this.edgeCache.set(cacheKey, found);
    return found;
  }

  private isAdminGroup(group: Group): boolean {
    const cached = this.adminGroups.get(group.arn);
    if (cached !== undefined) return cached;
    const policies: Policy[] = [];
    for (const p of group.inlinePolicies) if (p.document.ok) policies.push(p.document.policy);
    for (const a of group.attachedPolicies) {
      const managed = this.snapshot.managedPolicies.get(a.arn);
      const version = managed?.versions.find((v) => v.isDefault);
      if (version?.document.ok) policies.push(version.document.policy);
    }
    const admin = adminAccess({ arn: group.arn, policies }).admin;
    this.adminGroups.set(group.arn, admin);
    return admin;
  }

  private hasAdminVersion(policy: ManagedPolicy): boolean {
    let admin = adminVersions.get(policy);
    if (admin === undefined) {
      admin = policy.versions.some(
        (v) =>
          !v.isDefault &&
          v.document.ok &&
          adminAccess({ arn: policy.arn, policies: [v.document.policy] }).admin,
      );
      adminVersions.set(policy, admin);
    }
    return admin;
  }

  /** The best A → B edge (B a user or role), or null. */
  private edge(from: string, to: string): EscalationStep | null {
    const cacheKey = `${from}|${to}|edge`;
    const cached = this.edgeCache.get(cacheKey);
    if (cached !== undefined) return cached;
    const target = this.byArn.get(to) as User | Role;
    const caps = this.capabilitiesOf(from);
    let found: EscalationStep | null = null;
    for (const method of ESCALATION_METHODS) {
      if (found && !found.conditional) break;
      if (!caps.has(method.actions[0] as string)) continue;
      const candidate = this.methodEdge(from, target, method);
      if (candidate && (!found || (found.conditional && !candidate.conditional))) found = candidate;
    }
    this.edgeCache.set(cacheKey, found);
    return found;
  }

  private methodEdge(from: string, target: User | Role, method: EscalationMethod): EscalationStep | null {
    if (target.kind === 'user') {
      if (method.kind !== 'user-credentials') return null;
      const g = this.grantsFor(from, method, target.arn);
      return g ? this.step(from, target.arn, method, target.arn, g) : null;
    }
    const services = this.services.get(target.arn) ?? new Set<string>();
    switch (method.kind) {
      case 'assume-role': {
        if (!target.trustPolicy.ok) return null;
        const p = this.resolved(from);
        this.evaluations++;
        const result = evaluateRequest(
          { principal: from, action: 'sts:AssumeRole', resource: target.arn, missingKeys: 'unknown' },
          { ...policySetFor(p), resource: target.trustPolicy.policy },
        );
        if (result.allowed === 'false') return null;
        const grant: ActionGrant = {
          action: 'sts:AssumeRole',
          resource: target.arn,
          allowedBy: result.allowedBy,
          conditional: result.allowed === 'unknown',
        };
        return this.step(from, target.arn, method, target.arn, [grant]);
      }
      case 'trust-update': {
        const g = this.grantsFor(from, method, target.arn);
        return g ? this.step(from, target.arn, method, target.arn, g) : null;
      }
      case 'pass-role':
      case 'function-role-swap': {
        if (!method.service || !services.has(method.service)) return null;
        if (
          method.kind === 'function-role-swap' &&
          this.snapshot.functions &&
          this.snapshot.functions.length === 0
        )
          return null;
        const g = this.grantsFor(from, method, target.arn, { 'iam:PassedToService': method.service });
        return g ? this.step(from, target.arn, method, target.arn, g) : null;
      }
      case 'function-code': {
        const functions = this.functionsByRole.get(target.arn);
        if (this.snapshot.functions === undefined) {
          if (!services.has('lambda.amazonaws.com')) return null;
          const g = this.grantsFor(from, method, undefined);
          return g
            ? this.step(from, target.arn, method, `functions running as ${target.name}`, g, [
                'no Lambda inventory: any role trusted by Lambda may run a function the principal can change',
              ])
            : null;
        }
        for (const fn of functions ?? []) {
          const g = this.grantsFor(from, method, fn.arn);
          if (g) return this.step(from, target.arn, method, fn.arn, g);
        }
        return null;
      }
      case 'existing-compute': {
        if (!method.service || !services.has(method.service)) return null;
        if (method.needsInstanceProfile && target.instanceProfiles.length === 0) return null;
        const g = this.grantsFor(from, method, undefined);
        return g
          ? this.step(from, target.arn, method, target.arn, g, [
              `the snapshot lists no ${method.service.split('.')[0]} resources: assumes one runs as ${target.name}`,
            ])
          : null;
      }
      default:
        return null;
    }
  }

  /** A can modify the policies of role R that it can act as: A → R → ADMIN. */
  private rolePolicyEscalation(
    from: string,
    reachable: Map<string, EscalationStep>,
  ): EscalationStep[] | null {
    const caps = this.capabilitiesOf(from);
    for (const method of ESCALATION_METHODS) {
      if (method.kind !== 'role-policy' || !caps.has(method.actions[0] as string)) continue;
      for (const [roleArn, toRole] of reachable) {
        if (this.byArn.get(roleArn)?.kind !== 'role') continue;
        const g = this.grantsFor(from, method, roleArn, { 'iam:PolicyARN': ADMIN_POLICY_ARN });
        if (g) return [toRole, this.step(roleArn, ADMIN, method, roleArn, g, [`changed by ${from}`])];
      }
    }
    return null;
  }

  /** First actions of the methods that can reach `to`, given what it is (user, role and whom the role trusts). */
  private entryActions(to: string): Set<string> {
    const target = this.byArn.get(to);
    const actions = new Set<string>();
    if (!target) return actions;
    const services = this.services.get(to) ?? new Set<string>();
    for (const method of ESCALATION_METHODS) {
      const first = method.actions[0] as string;
      if (target.kind === 'user') {
        if (method.kind === 'user-credentials') actions.add(first);
        continue;
      }
      switch (method.kind) {
        case 'assume-role':
        case 'trust-update':
          actions.add(first);
          break;
        case 'pass-role':
        case 'function-role-swap':
        case 'existing-compute':
          if (method.service && services.has(method.service)) actions.add(first);
          break;
        case 'function-code':
          if (
            this.snapshot.functions === undefined
              ? services.has('lambda.amazonaws.com')
              : this.functionsByRole.has(to)
          ) {
            actions.add(first);
          }
          break;
        default:
          break;
      }
    }
    return actions;
  }

  /** Holders of sts:AssumeRole that the role's trust policy can admit: named ones, or all when it trusts an account or anyone. */
  private assumeCandidates(to: string, holders: string[]): string[] {
    const role = this.byArn.get(to);
    if (role?.kind !== 'role' || !role.trustPolicy.ok) return [];
    const named = new Set<string>();
    for (const s of role.trustPolicy.policy.statements) {
      if (s.effect !== 'Allow') continue;
      if (s.notPrincipal) return holders;
      const aws = s.principal?.aws ?? [];
      if (s.principal?.any || aws.some((p) => p.endsWith(':root'))) return holders;
      for (const p of aws) named.add(p);
    }
    return holders.filter((h) => named.has(h));
  }

  // ---- search ----

  private compute(): void {
    this.admins.clear();
    for (const actor of this.actors) {
      if (this.isAdminPolicySet(this.resolved(actor.arn))) this.admins.add(actor.arn);
    }
    const paths = new Map<string, EscalationPath>();
    const nonAdmins = this.actors.filter((a) => !this.admins.has(a.arn));
    // Level 1: self-escalation, and edges straight into administrators.
    let frontier: string[] = [];
    for (const actor of nonAdmins) {
      const self = this.selfEscalation(actor.arn);
      if (self) {
        paths.set(actor.arn, {
          principal: actor.arn,
          reaches: ADMIN,
          steps: [self],
          conditional: self.conditional,
        });
        frontier.push(actor.arn);
      }
    }
    // Principals that can act as some role and then make that role an administrator.
    for (const actor of nonAdmins) {
      if (paths.has(actor.arn)) continue;
      const caps = this.capabilitiesOf(actor.arn);
      if (!caps.has('iam:PutRolePolicy') && !caps.has('iam:AttachRolePolicy')) continue;
      const reachable = new Map<string, EscalationStep>();
      for (const role of this.snapshot.roles) {
        if (role.arn === actor.arn) continue;
        const step = this.edge(actor.arn, role.arn);
        if (step) reachable.set(role.arn, step);
      }
      const steps = this.rolePolicyEscalation(actor.arn, reachable);
      if (steps) {
        paths.set(actor.arn, {
          principal: actor.arn,
          reaches: ADMIN,
          steps,
          conditional: steps.some((s) => s.conditional),
        });
        frontier.push(actor.arn);
      }
    }
    let targets = [...this.admins];
    const settle = (from: string, step: EscalationStep, via: EscalationPath | undefined, reaches: string) => {
      const steps = via ? [step, ...via.steps] : [step];
      paths.set(from, { principal: from, reaches, steps, conditional: steps.some((s) => s.conditional) });
    };
    // Index sources by capability, so each target only looks at principals holding a relevant first action.
    const byCapability = new Map<string, string[]>();
    for (const actor of nonAdmins) {
      for (const action of this.capabilitiesOf(actor.arn)) {
        const list = byCapability.get(action) ?? [];
        list.push(actor.arn);
        byCapability.set(action, list);
      }
    }
    const candidateSources = (to: string) => {
      const out = new Set<string>();
      for (const action of this.entryActions(to)) {
        const holders =
          action === 'sts:AssumeRole'
            ? this.assumeCandidates(to, byCapability.get(action) ?? [])
            : byCapability.get(action);
        for (const arn of holders ?? []) if (arn !== to && !paths.has(arn)) out.add(arn);
      }
      return [...out].map((arn) => this.byArn.get(arn) as User | Role);
    };
    for (const to of targets) {
      for (const source of candidateSources(to)) {
        const step = this.edge(source.arn, to);
        if (step) {
          settle(source.arn, step, undefined, to);
          frontier.push(source.arn);
        }
      }
    }
    // Level 2+: edges into principals that already reach administrator.
    while (frontier.length > 0) {
      targets = frontier;
      frontier = [];
      for (const to of targets) {
        const via = paths.get(to);
        for (const source of candidateSources(to)) {
          const step = this.edge(source.arn, to);
          if (step) {
            settle(source.arn, step, via, via?.reaches ?? to);
            frontier.push(source.arn);
          }
        }
      }
    }
    this.paths = paths;
  }
}
