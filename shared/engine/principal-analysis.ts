/**
 * Questions rules ask about one principal, answered with the evaluation engine (never by string matching
 * alone), each answer explained by the policies and statements that decided it.
 */
import {
  type CatalogueAction,
  expandActionPattern,
  invertNotAction,
  lookupAction,
} from '../catalogue/action-catalogue.ts';
import { evaluateRequest, type StatementRef } from './evaluate.ts';
import type { Policy, PolicySource, Statement } from './policy-types.ts';
import type { PolicySet, RequestContext, Tri } from './request-types.ts';

/** Everything that shapes what one principal may do. */
export interface PrincipalPolicies {
  /** ARN of the user or role. */
  arn: string;
  /** Identity policies in play: inline, attached managed and (users) their groups' inline and managed. */
  policies: Policy[];
  /** Permissions boundary, when one is set. */
  boundary?: Policy;
}

export interface EffectiveStatement {
  statement: Statement;
  policy: Policy;
  source: PolicySource;
}

export function policySetFor(principal: PrincipalPolicies, resource?: Policy): PolicySet {
  const set: PolicySet = { identity: principal.policies };
  if (principal.boundary) set.boundary = principal.boundary;
  if (resource) set.resource = resource;
  return set;
}

function sourceOf(policy: Policy): PolicySource {
  return policy.source ?? { id: policy.id ?? '(policy)', kind: 'identity' };
}

/**
 * The union of a principal's identity statements (inline, managed, group), split by effect. The boundary's
 * own statements are returned separately: an Allow counts only where the boundary allows too.
 */
export function effectiveStatements(principal: PrincipalPolicies): {
  allows: EffectiveStatement[];
  denies: EffectiveStatement[];
  boundary: EffectiveStatement[];
} {
  const allows: EffectiveStatement[] = [];
  const denies: EffectiveStatement[] = [];
  for (const policy of principal.policies) {
    for (const statement of policy.statements) {
      (statement.effect === 'Allow' ? allows : denies).push({ statement, policy, source: sourceOf(policy) });
    }
  }
  const boundary = (principal.boundary?.statements ?? []).map((statement) => ({
    statement,
    policy: principal.boundary as Policy,
    source: sourceOf(principal.boundary as Policy),
  }));
  return { allows, denies, boundary };
}

/** Catalogue actions named by a statement's Action, or left over by its NotAction. */
export function statementActions(statement: Statement): readonly CatalogueAction[] {
  if (statement.actions) {
    if (statement.actions.length === 1) return expandActionPattern(statement.actions[0] as string);
    const seen = new Map<string, CatalogueAction>();
    for (const pattern of statement.actions) for (const a of expandActionPattern(pattern)) seen.set(a.id, a);
    return [...seen.values()];
  }
  return statement.notActions ? invertNotAction(statement.notActions) : [];
}

/** Whether a statement's resource element covers the literal `*` (every resource). */
export function statementCoversAllResources(statement: Statement): boolean {
  if (statement.resources) return statement.resources.includes('*');
  // NotResource lists ARNs; `*` (as a whole) is never one of them unless it says "*" itself.
  if (statement.notResources) return !statement.notResources.includes('*');
  return false;
}

export interface ActionGrant {
  /** Catalogue id, e.g. `lambda:InvokeFunction`. */
  action: string;
  catalogue: CatalogueAction;
  /** `true` whatever the request context; `unknown` only under some contexts (conditions). */
  allowed: Tri;
  allowedBy: StatementRef[];
  deniedBy: StatementRef[];
}

export interface GrantQueryOptions {
  /** Keep only these catalogue actions (e.g. by access level). Applied before evaluation, so it also saves time. */
  filter?: (action: CatalogueAction) => boolean;
  /** Context known about the caller (e.g. `aws:PrincipalTag/...`); other keys are unknown. */
  context?: RequestContext;
}

/**
 * Which catalogue actions the principal may perform on every resource (`"Resource": "*"`), after Deny,
 * boundary and conditions. Actions granted only on specific ARNs are not listed.
 */
export function actionsOnAllResources(
  principal: PrincipalPolicies,
  options: GrantQueryOptions = {},
): ActionGrant[] {
  const candidates = new Map<string, CatalogueAction>();
  for (const { statement } of effectiveStatements(principal).allows) {
    if (!statementCoversAllResources(statement)) continue;
    for (const action of statementActions(statement)) {
      if (!candidates.has(action.id) && (!options.filter || options.filter(action)))
        candidates.set(action.id, action);
    }
  }
  const set = policySetFor(principal);
  const grants: ActionGrant[] = [];
  for (const action of candidates.values()) {
    const result = evaluateRequest(
      {
        principal: principal.arn,
        action: action.id,
        resource: '*',
        context: options.context ?? {},
        missingKeys: 'unknown',
      },
      set,
    );
    if (result.allowed === 'false') continue;
    grants.push({
      action: action.id,
      catalogue: action,
      allowed: result.allowed,
      allowedBy: result.allowedBy,
      deniedBy: result.deniedBy,
    });
  }
  return grants.sort((a, b) => a.action.localeCompare(b.action));
}

/** Whether the principal may perform `action` on `resource`, with the explanation. */
export function canPerform(
  principal: PrincipalPolicies,
  action: string,
  resource: string,
  options: { context?: RequestContext; resourcePolicy?: Policy } = {},
) {
  return evaluateRequest(
    { principal: principal.arn, action, resource, context: options.context ?? {}, missingKeys: 'unknown' },
    policySetFor(principal, options.resourcePolicy),
  );
}

/** Data-plane actions that read or write stored data, by store. */
export const DATA_ACCESS_ACTIONS: readonly {
  store: string;
  access: 'read' | 'write';
  actions: readonly string[];
}[] = [
  { store: 's3', access: 'read', actions: ['s3:GetObject', 's3:GetObjectVersion'] },
  { store: 's3', access: 'write', actions: ['s3:PutObject', 's3:DeleteObject', 's3:DeleteObjectVersion'] },
  {
    store: 'dynamodb',
    access: 'read',
    actions: [
      'dynamodb:GetItem',
      'dynamodb:BatchGetItem',
      'dynamodb:Query',
      'dynamodb:Scan',
      'dynamodb:PartiQLSelect',
    ],
  },
  {
    store: 'dynamodb',
    access: 'write',
    actions: ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'],
  },
  {
    store: 'secretsmanager',
    access: 'read',
    actions: ['secretsmanager:GetSecretValue', 'secretsmanager:BatchGetSecretValue'],
  },
  {
    store: 'ssm',
    access: 'read',
    actions: ['ssm:GetParameter', 'ssm:GetParameters', 'ssm:GetParametersByPath'],
  },
  { store: 'kms', access: 'read', actions: ['kms:Decrypt'] },
  {
    store: 'rds-data',
    access: 'read',
    actions: ['rds-data:ExecuteStatement', 'rds-data:BatchExecuteStatement'],
  },
  { store: 'sqs', access: 'read', actions: ['sqs:ReceiveMessage'] },
  { store: 'kinesis', access: 'read', actions: ['kinesis:GetRecords'] },
];

export interface DataAccessGrant {
  store: string;
  access: 'read' | 'write';
  action: string;
  /** Resource patterns the Allow statements name for this action (`*` when unscoped). */
  resources: string[];
  /** True when granted on `"*"`: every store of the kind in the account (and beyond, for cross-account stores). */
  onAllResources: boolean;
  allowed: Tri;
  allowedBy: StatementRef[];
  deniedBy: StatementRef[];
}

/**
 * Which data stores the principal can read or write, and on which resource patterns. Each pattern is checked
 * with the engine as if it were the requested resource, so Deny statements and the boundary apply.
 */
export function dataStoreAccess(
  principal: PrincipalPolicies,
  options: { context?: RequestContext } = {},
): DataAccessGrant[] {
  const { allows } = effectiveStatements(principal);
  const set = policySetFor(principal);
  const grants: DataAccessGrant[] = [];
  for (const group of DATA_ACCESS_ACTIONS) {
    for (const actionId of group.actions) {
      const action = lookupAction(actionId)?.id ?? actionId;
      const patterns = new Set<string>();
      for (const { statement } of allows) {
        const matches = statementActions(statement).some((a) => a.id === action);
        if (!matches) continue;
        for (const pattern of statement.resources ?? ['*']) patterns.add(pattern);
      }
      const surviving: string[] = [];
      let allowed: Tri = 'false';
      const allowedBy: StatementRef[] = [];
      const deniedBy: StatementRef[] = [];
      for (const pattern of patterns) {
        const result = evaluateRequest(
          {
            principal: principal.arn,
            action,
            resource: pattern,
            context: options.context ?? {},
            missingKeys: 'unknown',
          },
          set,
        );
        if (result.allowed === 'false') continue;
        surviving.push(pattern);
        allowed = allowed === 'true' || result.allowed === 'true' ? 'true' : 'unknown';
        allowedBy.push(...result.allowedBy);
        deniedBy.push(...result.deniedBy);
      }
      if (surviving.length === 0) continue;
      grants.push({
        store: group.store,
        access: group.access,
        action,
        resources: surviving.sort(),
        onAllResources: surviving.includes('*'),
        allowed,
        allowedBy,
        deniedBy,
      });
    }
  }
  return grants;
}
