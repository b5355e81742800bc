/**
 * The real-time path for one CloudTrail event, for one evaluator group: find what the event affected, re-read
 * that state, run the group's rules on it, and record finding transitions.
 *
 * State is truth, events are triggers: the rules read current state through the StateReader. When the event
 * carries the new document (PutRolePolicy, CreatePolicyVersion, UpdateAssumeRolePolicy…) it replaces what the
 * read returned, because IAM is eventually consistent; the outcome then asks for a delayed re-read, which runs
 * this again with `useEventDocuments: false`.
 */
import { nameFromArn } from '../engine/arn.ts';
import { parsePolicy } from '../engine/parse-policy.ts';
import { type AffectedResource, affectedResources, parseFunctionName } from '../events/affected-resources.ts';
import type { CloudTrailEvent } from '../events/cloudtrail-event.ts';
import { actorOf, isFailedCall } from '../events/parse-event.ts';
import { evaluateEventRules, isTriggeredBy } from '../events/run-event-rules.ts';
import { type FindingTrigger, observationFromResult, type Transition } from '../findings/finding-record.ts';
import type { FindingsStore } from '../findings/findings-store.ts';
import type {
  EventRuleContext,
  Rule,
  RuleContext,
  RuleResult,
  TriplineDeployment,
} from '../rules/rule-types.ts';
import { effectiveSeverity, type ScanConfig } from '../rules/scan-config.ts';
import { findingId } from '../scan/finding.ts';
import type {
  AccountSnapshot,
  Group,
  LambdaFunction,
  ManagedPolicy,
  PolicyDocument,
  Principal,
  Role,
  User,
} from '../snapshot/account-snapshot.ts';
import { PrincipalResolver } from '../snapshot/principal-policies.ts';
import { StateReadError, type StateReader } from './state-reader.ts';

export interface EvaluateEventOptions {
  reader: StateReader;
  store: FindingsStore;
  /** The rules this evaluator runs (one evaluator group). */
  rules: readonly Rule[];
  config: ScanConfig;
  deployment: TriplineDeployment;
  region: string;
  now?: () => Date;
  /** Replace read state with documents the event carries (first pass); false on the delayed re-read. */
  useEventDocuments?: boolean;
  /** This is the delayed re-read of an event already evaluated once. */
  reread?: boolean;
  /** Whole-account context for rules that need it (privilege escalation); called only when such a rule runs. */
  accountContext?: (touched: TouchedState) => Promise<AccountRuleContext>;
}

/** What the event changed, as read after the event. */
export interface TouchedState {
  principals: Principal[];
  managedPolicies: ManagedPolicy[];
  deletedPrincipals: { kind: 'role' | 'user' | 'group'; name: string }[];
  functions: LambdaFunction[];
  /** Names of functions the event named that no longer exist. */
  deletedFunctions: string[];
}

/** A full-account snapshot and the principals whose whole-account answers may have changed. */
export interface AccountRuleContext {
  snapshot: AccountSnapshot;
  principals: string[];
}

export interface EvaluationOutcome {
  eventId: string;
  eventName: string;
  skipped?: string;
  transitions: Transition[];
  /** Rule results by status (for metrics and logs). */
  results: Record<RuleResult['status'], number>;
  /** State that could not be read: the rules that needed it reported UNKNOWN. */
  unreadable: string[];
  /** The evaluation used documents carried in the event: re-read later to confirm (eventual consistency). */
  recheck: boolean;
}

type PrincipalRef = { kind: 'role' | 'user' | 'group'; name: string };

function triggerOf(event: CloudTrailEvent): FindingTrigger {
  const actor = actorOf(event);
  const trigger: FindingTrigger = {
    eventId: event.detail.eventID,
    eventName: event.detail.eventName,
    eventTime: event.detail.eventTime,
  };
  const arn = actor.issuerArn ?? actor.arn;
  if (arn) trigger.actorArn = arn;
  if (event.detail.sourceIPAddress) trigger.sourceIp = event.detail.sourceIPAddress;
  if (event.detail.userAgent) trigger.userAgent = event.detail.userAgent;
  return trigger;
}

function parseDocument(raw: unknown, kind: 'identity' | 'trust', id: string): PolicyDocument | undefined {
  const result = parsePolicy(raw, { kind, source: { id, kind } });
  return result.ok ? { ok: true, policy: result.policy } : { ok: false, errors: result.errors };
}

/** The resources an event names, expanded: a managed policy → its principals; a group → its members. */
async function resolveTargets(
  affected: AffectedResource[],
  reader: StateReader,
): Promise<{ principals: PrincipalRef[]; functions: string[]; policies: string[] }> {
  const principals = new Map<string, PrincipalRef>();
  const add = (kind: PrincipalRef['kind'], name: string | undefined) => {
    if (name) principals.set(`${kind}/${name}`, { kind, name });
  };
  const functions = new Set<string>();
  const policies = new Set<string>();
  for (const resource of affected) {
    switch (resource.kind) {
      case 'role':
      case 'user':
      case 'group':
        add(resource.kind, resource.name);
        if (resource.kind === 'user' && resource.groupName) add('group', resource.groupName);
        if (resource.kind === 'group' && resource.userName) add('user', resource.userName);
        if (resource.policyArn) policies.add(resource.policyArn);
        break;
      case 'managed-policy': {
        const arn = resource.arn ?? resource.policyArn;
        if (!arn) break;
        policies.add(arn);
        if (resource.deleted) break;
        const entities = await reader.policyEntities(arn);
        for (const name of entities.roles) add('role', name);
        for (const name of entities.users) add('user', name);
        for (const name of entities.groups) add('group', name);
        break;
      }
      case 'function':
        if (resource.name) functions.add(resource.name);
        break;
      default:
        break;
    }
  }
  return { principals: [...principals.values()], functions: [...functions], policies: [...policies] };
}

/** Replaces read state with the documents the event carries (IAM reads may lag behind the write). */
function applyEventDocuments(
  affected: AffectedResource[],
  principals: Principal[],
  policies: Map<string, ManagedPolicy>,
): boolean {
  let used = false;
  for (const resource of affected) {
    if (resource.document === undefined) continue;
    if (resource.documentType === 'trust' && resource.kind === 'role') {
      const role = principals.find((p): p is Role => p.kind === 'role' && p.name === resource.name);
      const doc = parseDocument(resource.document, 'trust', `trust:${resource.name}`);
      if (role && doc) {
        role.trustPolicy = doc;
        used = true;
      }
    } else if (
      resource.policyName &&
      (resource.kind === 'role' || resource.kind === 'user' || resource.kind === 'group')
    ) {
      const owner = principals.find((p) => p.kind === resource.kind && p.name === resource.name);
      const doc = parseDocument(
        resource.document,
        'identity',
        `inline:${resource.kind}/${resource.name}/${resource.policyName}`,
      );
      if (owner && doc) {
        owner.inlinePolicies = [
          ...owner.inlinePolicies.filter((p) => p.name !== resource.policyName),
          { name: resource.policyName, document: doc },
        ];
        used = true;
      }
    } else if (resource.kind === 'managed-policy' && resource.defaultVersion) {
      const arn = resource.arn ?? resource.policyArn;
      const policy = arn ? policies.get(arn) : undefined;
      const doc = arn ? parseDocument(resource.document, 'identity', arn) : undefined;
      if (policy && doc) {
        const versionId = resource.versionId ?? 'event';
        policy.versions = [
          ...policy.versions
            .filter((v) => v.versionId !== versionId)
            .map((v) => ({ ...v, isDefault: false })),
          { versionId, isDefault: true, document: doc },
        ];
        policy.defaultVersionId = versionId;
        used = true;
      }
    }
  }
  return used;
}

/** Evaluates one event for one evaluator group and records the transitions. */
export async function evaluateEvent(
  event: CloudTrailEvent,
  options: EvaluateEventOptions,
): Promise<EvaluationOutcome> {
  const now = options.now ?? (() => new Date());
  const outcome: EvaluationOutcome = {
    eventId: event.detail.eventID,
    eventName: event.detail.eventName,
    transitions: [],
    results: { PASS: 0, FAIL: 0, NOT_APPLICABLE: 0, UNKNOWN: 0, ERROR: 0 },
    unreadable: [],
    recheck: false,
  };
  const rules = options.rules.filter(
    (r) => !options.config.disabledRules.includes(r.id) && isTriggeredBy(r, event),
  );
  if (rules.length === 0)
    return { ...outcome, skipped: 'no rule of this evaluator is triggered by this event' };
  if (isFailedCall(event))
    return { ...outcome, skipped: `failed call (${event.detail.errorCode}): nothing changed` };

  const trigger = triggerOf(event);
  // The delayed re-read observes the same event again: a distinct id, so the store does not drop it as a duplicate.
  if (options.reread) trigger.eventId = `${trigger.eventId}#reread`;
  const accountId = event.detail.recipientAccountId ?? event.account;
  const observedAt = now();
  const pending: { rule: Rule; result: RuleResult; resourceDeleted?: boolean }[] = [];
  const evaluatedPairs = new Map<string, Set<string>>(); // resource → rule ids fully decided (no UNKNOWN/ERROR)
  const undecided = new Set<string>(); // `${rule}|${resource}`
  const emit = (rule: Rule, result: RuleResult, resourceDeleted = false) => {
    outcome.results[result.status]++;
    if (result.status === 'UNKNOWN' || result.status === 'ERROR')
      undecided.add(`${rule.id}|${result.resource}`);
    pending.push({ rule, result, resourceDeleted });
    const set = evaluatedPairs.get(result.resource) ?? new Set<string>();
    set.add(rule.id);
    evaluatedPairs.set(result.resource, set);
  };

  // 1. Rules on the event itself.
  const eventCtx: EventRuleContext = {
    config: options.config,
    now: observedAt,
    deployment: options.deployment,
  };
  evaluateEventRules(event, rules, eventCtx, ({ rule, result }) => emit(rule, result));

  // 2. Rules on state.
  const stateRules = rules.filter((r) => r.scope !== 'event');
  if (stateRules.length > 0) {
    const affected = affectedResources(event);
    try {
      await evaluateState(event, affected, stateRules, options, accountId, emit, outcome);
    } catch (error) {
      if (!(error instanceof StateReadError)) throw error;
      // Missing data is never a FAIL: every state rule is UNKNOWN for what the event touched.
      outcome.unreadable.push(`${error.action}: ${error.message}`);
      for (const resource of affected) {
        for (const rule of stateRules) {
          emit(rule, {
            status: 'UNKNOWN',
            resource: resource.arn ?? `${resource.kind}/${resource.name ?? '?'}`,
            resourceType: rule.resourceType,
            message: `could not read state (${error.reason}): ${error.action}`,
          });
        }
      }
    }
  }

  // 3. Record: FAILs and PASS/N/A as observations; then resolve findings of decided (rule, resource) pairs whose
  //    finding key no longer fails.
  const context = (rule: Rule, result: RuleResult, resourceDeleted: boolean) => ({
    accountId,
    region: options.region,
    observedAt,
    trigger,
    severity: effectiveSeverity(options.config, rule.id, result.severity ?? rule.severity),
    ...(resourceDeleted ? { resourceDeleted: true } : {}),
  });
  const failingIds = new Set<string>();
  for (const { rule, result, resourceDeleted } of pending) {
    if (result.status !== 'FAIL') continue;
    const transition = await options.store.recordObservation(
      observationFromResult(rule, result, context(rule, result, resourceDeleted ?? false)),
    );
    if (transition) outcome.transitions.push(transition);
  }
  for (const { rule, result } of pending) {
    if (result.status === 'FAIL') failingIds.add(findingId(rule.id, result.resource, result.findingKey));
  }
  for (const [resource, ruleIds] of evaluatedPairs) {
    const decided = [...ruleIds].filter((id) => !undecided.has(`${id}|${resource}`));
    if (decided.length === 0) continue;
    const existing = await openFindingsOn(options.store, resource);
    for (const record of existing) {
      if (!decided.includes(record.ruleId) || failingIds.has(record.id)) continue;
      const rule = rules.find((r) => r.id === record.ruleId);
      if (!rule || rule.scope === 'event') continue; // event findings are about a past action: never auto-resolved
      const source = pending.find((p) => p.rule.id === record.ruleId && p.result.resource === resource);
      const resourceDeleted = source?.resourceDeleted ?? false;
      const result: RuleResult = {
        status: resourceDeleted ? 'NOT_APPLICABLE' : 'PASS',
        resource,
        resourceType: record.resourceType,
        message: source?.result.message ?? 'no longer fails',
        ...(record.findingKey !== undefined ? { findingKey: record.findingKey } : {}),
      };
      const transition = await options.store.recordObservation(
        observationFromResult(rule, result, context(rule, result, resourceDeleted)),
      );
      if (transition) outcome.transitions.push(transition);
    }
  }
  return outcome;
}

async function openFindingsOn(store: FindingsStore, resource: string) {
  const records = [];
  for (const status of ['open', 'suppressed'] as const) {
    let cursor: string | undefined;
    do {
      const page = await store.query({
        status,
        resource: { exact: resource },
        limit: 100,
        ...(cursor ? { cursor } : {}),
      });
      records.push(...page.items);
      cursor = page.cursor;
    } while (cursor);
  }
  return records;
}

/** Reads the touched state, runs the state rules on it, and emits results (deleted resources resolve). */
async function evaluateState(
  event: CloudTrailEvent,
  affected: AffectedResource[],
  rules: readonly Rule[],
  options: EvaluateEventOptions,
  accountId: string,
  emit: (rule: Rule, result: RuleResult, resourceDeleted?: boolean) => void,
  outcome: EvaluationOutcome,
): Promise<void> {
  const { reader } = options;
  const targets = await resolveTargets(affected, reader);
  const principals: Principal[] = [];
  const deletedPrincipals: PrincipalRef[] = [];
  for (const ref of targets.principals) {
    const loaded =
      ref.kind === 'role'
        ? await reader.role(ref.name)
        : ref.kind === 'user'
          ? await reader.user(ref.name)
          : (await reader.group(ref.name))?.group;
    // Copies: the event's documents are applied to these, never to the reader's own objects.
    if (loaded) principals.push({ ...loaded });
    else deletedPrincipals.push(ref);
  }
  // Group members are affected by a group's policies.
  for (const group of principals.filter((p): p is Group => p.kind === 'group')) {
    const members = (await reader.group(group.name))?.members ?? [];
    for (const name of members) {
      if (principals.some((p) => p.kind === 'user' && p.name === name)) continue;
      const user = await reader.user(name);
      if (user) principals.push(user);
    }
  }
  // Users need their groups' policies.
  for (const user of principals.filter((p): p is User => p.kind === 'user')) {
    for (const name of user.groups) {
      if (principals.some((p) => p.kind === 'group' && p.name === name)) continue;
      const group = (await reader.group(name))?.group;
      if (group) principals.push(group);
    }
  }
  const policyArns = new Set<string>(targets.policies);
  for (const p of principals) {
    for (const a of p.attachedPolicies) policyArns.add(a.arn);
    if (p.kind !== 'group' && p.permissionsBoundary) policyArns.add(p.permissionsBoundary);
  }
  const managedPolicies = new Map<string, ManagedPolicy>();
  for (const arn of policyArns) {
    const policy = await reader.managedPolicy(arn);
    if (policy) managedPolicies.set(arn, { ...policy });
  }
  const functions: LambdaFunction[] = [];
  const deletedFunctions: string[] = [];
  for (const name of targets.functions) {
    const fn = await reader.lambdaFunction(name);
    if (fn) functions.push(fn);
    else deletedFunctions.push(name);
  }
  // A function's role is shared state (lambda-shared-role): load the role's other functions too.
  if (rules.some((r) => r.scope === 'account') && functions.length > 0) {
    for (const roleArn of new Set(functions.map((f) => f.role))) {
      for (const fn of await reader.functionsUsingRole(roleArn)) {
        if (!functions.some((f) => f.arn === fn.arn)) functions.push(fn);
      }
    }
  }
  if (options.useEventDocuments !== false && applyEventDocuments(affected, principals, managedPolicies)) {
    outcome.recheck = true;
  }

  const snapshot: AccountSnapshot = {
    accountId,
    partition: event.region.startsWith('cn-')
      ? 'aws-cn'
      : event.region.startsWith('us-gov-')
        ? 'aws-us-gov'
        : 'aws',
    roles: principals.filter((p): p is Role => p.kind === 'role'),
    users: principals.filter((p): p is User => p.kind === 'user'),
    groups: principals.filter((p): p is Group => p.kind === 'group'),
    managedPolicies,
    sources: {},
  };
  if (targets.functions.length > 0) snapshot.functions = functions;
  const observedAt = (options.now ?? (() => new Date()))();
  const ctx: RuleContext = {
    snapshot,
    resolver: new PrincipalResolver(snapshot),
    config: options.config,
    now: observedAt,
  };
  const touchedNames = new Set(targets.principals.map((r) => `${r.kind}/${r.name}`));
  const isTouched = (p: Principal) => touchedNames.has(`${p.kind}/${p.name}`) || p.kind === 'user';

  const guarded = (rule: Rule, resource: string, run: () => RuleResult[]) => {
    try {
      for (const result of run()) emit(rule, result);
    } catch (error) {
      emit(rule, {
        status: 'ERROR',
        resource,
        resourceType: rule.resourceType,
        message: `rule ${rule.id} failed: ${(error as Error).message}`,
      });
    }
  };

  // Whole-account rules (privilege escalation) run on the account context, for the principals it names.
  const wholeAccount = rules.filter((r) => r.id === 'iam-privilege-escalation');
  for (const rule of rules) {
    if (wholeAccount.includes(rule)) continue;
    if (rule.scope === 'principal') {
      for (const p of principals) {
        if (rule.principalKinds.includes(p.kind) && isTouched(p))
          guarded(rule, p.arn, () => rule.evaluate(ctx.resolver.resolve(p), ctx));
      }
    } else if (rule.scope === 'function') {
      for (const fn of functions)
        if (targets.functions.includes(fn.name) || targets.functions.includes(fn.arn))
          guarded(rule, fn.arn, () => rule.evaluate(fn, ctx));
    } else if (rule.scope === 'account') {
      guarded(rule, `arn:${snapshot.partition}:iam::${accountId}:root`, () => rule.evaluate(ctx));
    }
  }
  if (wholeAccount.length > 0 && options.accountContext) {
    const account = await options.accountContext({
      principals,
      managedPolicies: [...managedPolicies.values()],
      deletedPrincipals,
      functions,
      deletedFunctions,
    });
    const accountCtx: RuleContext = {
      snapshot: account.snapshot,
      resolver: new PrincipalResolver(account.snapshot),
      config: options.config,
      now: observedAt,
    };
    const byArn = new Map([...account.snapshot.roles, ...account.snapshot.users].map((p) => [p.arn, p]));
    for (const rule of wholeAccount) {
      if (rule.scope !== 'principal') continue;
      for (const arn of account.principals) {
        const p = byArn.get(arn);
        if (p && rule.principalKinds.includes(p.kind))
          guarded(rule, arn, () => rule.evaluate(accountCtx.resolver.resolve(p), accountCtx));
      }
    }
  }

  // Deleted resources: every rule of this evaluator on them is NOT_APPLICABLE, which resolves their findings.
  const deletedArns = new Set<string>();
  for (const ref of deletedPrincipals) {
    for (const arn of await findingResourcesNamed(options.store, accountId, snapshot.partition, ref))
      deletedArns.add(arn);
  }
  for (const name of deletedFunctions) {
    const ref = parseFunctionName(name, {
      region: event.region,
      account: accountId,
      partition: snapshot.partition,
    });
    if (ref) deletedArns.add(ref.arn);
  }
  for (const arn of deletedArns) {
    for (const rule of rules) {
      if (rule.scope === 'event') continue;
      emit(
        rule,
        {
          status: 'NOT_APPLICABLE',
          resource: arn,
          resourceType: rule.resourceType,
          message: `${nameFromArn(arn)} no longer exists`,
        },
        true,
      );
    }
  }
}

/** ARNs of resources with findings that name a deleted principal (its path is unknown after deletion). */
async function findingResourcesNamed(
  store: FindingsStore,
  accountId: string,
  partition: string,
  ref: PrincipalRef,
): Promise<string[]> {
  const arns = new Set<string>();
  for (const status of ['open', 'suppressed'] as const) {
    let cursor: string | undefined;
    do {
      const page = await store.query({
        status,
        resource: { prefix: `arn:${partition}:iam::${accountId}:${ref.kind}/` },
        accountId,
        limit: 100,
        ...(cursor ? { cursor } : {}),
      });
      for (const item of page.items) if (nameFromArn(item.resource) === ref.name) arns.add(item.resource);
      cursor = page.cursor;
    } while (cursor);
  }
  return [...arns];
}
