/**
 * Each Tripline function's IAM permissions, generated (never hand-written):
 *
 * - **Reads** = the `readActions` the function's rules declare ∪ the actions of the StateReader methods its code
 *   path calls (`SDK_STATE_READER_ACTIONS`). Each action is scoped with the action catalogue: to ARNs of this
 *   account (and Region, for regional services) of each resource type the action supports, `*` only for actions
 *   without resource-level permissions (`iam:GetAccountAuthorizationDetails`, `lambda:ListFunctions`…).
 * - **Infrastructure** = exactly the table, queue, topic, key, log and secret actions the function's code and its
 *   event sources use, on those resources only.
 *
 * Every action carries its reasons (the rules that declared it, the reader methods or code that call it), which
 * `docs/permissions.md` renders. Pure data: no aws-cdk-lib here; `tripline-construct.ts` resolves the resources.
 */
import { lookupAction } from '../shared/catalogue/action-catalogue.ts';
import { SDK_STATE_READER_ACTIONS } from '../shared/evaluation/sdk-state-reader.ts';
import type { EvaluatorGroup } from '../shared/rules/rule-types.ts';
import { pascalCase } from './logical-ids.ts';
import { TRIPLINE_FUNCTIONS, type TriplineFunctionSpec } from './tripline-functions.ts';

export type QueueId = 'event-dead-letters' | 'notifier-failures' | `recheck-${EvaluatorGroup}`;

export type ResourceRef =
  /** `"*"`: only for actions without resource-level permissions. */
  | { kind: 'any' }
  /** An ARN template with `${Partition}`, `${Region}` and `${Account}` placeholders. */
  | { kind: 'arn'; template: string; label: string }
  | { kind: 'findings-table' }
  | { kind: 'findings-table-indexes' }
  | { kind: 'findings-table-stream' }
  | { kind: 'queue'; queue: QueueId }
  | { kind: 'alert-topic' }
  | { kind: 'alert-key' }
  /** The function's own log group. */
  | { kind: 'log-group' }
  | { kind: 'slack-secret' }
  /** The home Region's default event bus. */
  | { kind: 'default-event-bus' };

export type GrantCategory = 'read' | 'store' | 'queue' | 'logs' | 'alerts' | 'precondition';

export interface ActionGrant {
  action: string;
  category: GrantCategory;
  resources: ResourceRef[];
  /** Why the function holds it: `rule <id>`, `StateReader.<method>()`, or what the code does with it. */
  reasons: string[];
}

export interface PermissionStatement {
  sid: string;
  actions: string[];
  resources: ResourceRef[];
}

export interface PermissionOptions {
  /** A Slack webhook secret is configured: the notifier may read it (and only it). */
  slackSecret: boolean;
}

/**
 * Resource types that AWS also owns copies of, outside the account: AWS managed policies are
 * `arn:aws:iam::aws:policy/…`, and a role's attached AWS managed policies must be readable.
 */
const AWS_OWNED_RESOURCE_TYPES: Readonly<Record<string, readonly string[]>> = { iam: ['policy'] };

const PLACEHOLDERS = new Set(['Partition', 'Region', 'Account']);

/** The resources a read action is scoped to, from the action catalogue. */
export function readResources(action: string): ResourceRef[] {
  const entry = lookupAction(action);
  if (!entry) throw new Error(`${action} is not in the action catalogue`);
  if (!entry.supportsResourceLevel) return [{ kind: 'any' }];
  const refs: ResourceRef[] = [];
  for (const type of entry.resourceTypes) {
    // Every name part becomes `*`: any role, any function of the account (and Region).
    const template = type.arn.replace(/\$\{(\w+)\}/g, (whole, name: string) =>
      PLACEHOLDERS.has(name) ? whole : '*',
    );
    const label = `${entry.service} ${type.name}`;
    refs.push({ kind: 'arn', template, label });
    if (AWS_OWNED_RESOURCE_TYPES[entry.service]?.includes(type.name)) {
      refs.push({
        kind: 'arn',
        template: template.replace('${Account}', 'aws'),
        label: `${label} (AWS managed)`,
      });
    }
  }
  return refs;
}

function addReason(map: Map<string, Set<string>>, action: string, reason: string): void {
  const set = map.get(action) ?? new Set<string>();
  set.add(reason);
  map.set(action, set);
}

/** The read actions of a function: its rules' declared actions ∪ its reader methods' actions, with reasons. */
export function readGrants(spec: TriplineFunctionSpec): ActionGrant[] {
  const reasons = new Map<string, Set<string>>();
  for (const rule of spec.rules)
    for (const action of rule.readActions) addReason(reasons, action, `rule ${rule.id}`);
  for (const method of spec.readerMethods) {
    for (const action of SDK_STATE_READER_ACTIONS[method])
      addReason(reasons, action, `StateReader.${method}()`);
  }
  return [...reasons.keys()].sort().map((action) => ({
    action,
    category: 'read',
    resources: readResources(action),
    reasons: [...(reasons.get(action) ?? [])].sort(),
  }));
}

const LOGS: ActionGrant[] = [
  {
    action: 'logs:CreateLogStream',
    category: 'logs',
    resources: [{ kind: 'log-group' }],
    reasons: ['Lambda writes the function’s logs to its own log group'],
  },
  {
    action: 'logs:PutLogEvents',
    category: 'logs',
    resources: [{ kind: 'log-group' }],
    reasons: ['Lambda writes the function’s logs to its own log group'],
  },
];

const TABLE = [{ kind: 'findings-table' }, { kind: 'findings-table-indexes' }] satisfies ResourceRef[];

function store(action: string, reason: string, resources: ResourceRef[] = TABLE): ActionGrant {
  return { action: `dynamodb:${action}`, category: 'store', resources, reasons: [reason] };
}

function sendTo(queue: QueueId, reasons: string[]): ActionGrant {
  return { action: 'sqs:SendMessage', category: 'queue', resources: [{ kind: 'queue', queue }], reasons };
}

function evaluatorInfrastructure(spec: TriplineFunctionSpec): ActionGrant[] {
  const group = spec.id as EvaluatorGroup;
  const grants: ActionGrant[] = [
    store('GetItem', 'findings store: read a finding before its transition; read an event claim', [
      { kind: 'findings-table' },
    ]),
    store(
      'PutItem',
      'findings store: conditional write of each transition; claim each event id (idempotency)',
      [{ kind: 'findings-table' }],
    ),
    store('UpdateItem', 'findings store: mark a claimed event done', [{ kind: 'findings-table' }]),
    store('DeleteItem', 'findings store: release an event claim after a failure, so the retry runs at once', [
      { kind: 'findings-table' },
    ]),
    store('Query', 'findings store: open findings on a resource or rule (indexes), suppressions (table)'),
    store('BatchGetItem', 'findings store: full records of the findings a query returned', [
      { kind: 'findings-table' },
    ]),
    sendTo('event-dead-letters', [
      'the handler sends malformed events there',
      'on-failure destination of asynchronous invocations (EventBridge events that failed every retry)',
    ]),
  ];
  if (spec.recheck) {
    const queue: QueueId = `recheck-${group}`;
    grants.push(
      sendTo(queue, ['the handler queues a delayed re-read (IAM is eventually consistent)']),
      ...['ReceiveMessage', 'DeleteMessage', 'GetQueueAttributes'].map(
        (action): ActionGrant => ({
          action: `sqs:${action}`,
          category: 'queue',
          resources: [{ kind: 'queue', queue }],
          reasons: ['the event source mapping polls the re-read queue'],
        }),
      ),
    );
  }
  return grants;
}

function sweepInfrastructure(): ActionGrant[] {
  return [
    store('GetItem', 'findings store: read a finding before its transition', [{ kind: 'findings-table' }]),
    store('PutItem', 'findings store: conditional write of each transition', [{ kind: 'findings-table' }]),
    store('Query', 'findings store: every open and suppressed finding (indexes), suppressions (table)'),
    store('BatchGetItem', 'findings store: full records of the findings a query returned', [
      { kind: 'findings-table' },
    ]),
    sendTo('event-dead-letters', ['on-failure destination of the scheduled (asynchronous) invocation']),
    {
      action: 'cloudtrail:DescribeTrails',
      category: 'precondition',
      resources: [{ kind: 'any' }],
      reasons: ['precondition: warn when no trail records management events (events would never arrive)'],
    },
    ...['cloudtrail:GetEventSelectors', 'cloudtrail:GetTrailStatus'].map(
      (action): ActionGrant => ({
        action,
        category: 'precondition',
        // Organization trails belong to the management account, and multi-Region trails to their home Region.
        resources: [
          { kind: 'arn', template: 'arn:${Partition}:cloudtrail:*:*:trail/*', label: 'cloudtrail trail' },
        ],
        reasons: ['precondition: warn when no trail records management events (events would never arrive)'],
      }),
    ),
  ];
}

function alertGrants(options: PermissionOptions, deadLetterReasons: string[]): ActionGrant[] {
  const grants: ActionGrant[] = [
    sendTo('notifier-failures', deadLetterReasons),
    {
      action: 'sns:Publish',
      category: 'alerts',
      resources: [{ kind: 'alert-topic' }],
      reasons: ['publishes alerts (message attribute `severity`) to the alert topic'],
    },
    ...['kms:GenerateDataKey', 'kms:Decrypt'].map(
      (action): ActionGrant => ({
        action,
        category: 'alerts',
        resources: [{ kind: 'alert-key' }],
        reasons: ['the alert topic is encrypted with this key'],
      }),
    ),
  ];
  if (options.slackSecret) {
    grants.push({
      action: 'secretsmanager:GetSecretValue',
      category: 'alerts',
      resources: [{ kind: 'slack-secret' }],
      reasons: ['reads the Slack webhook URL (this secret only)'],
    });
  }
  return grants;
}

function notifierInfrastructure(options: PermissionOptions): ActionGrant[] {
  const stream: ResourceRef[] = [{ kind: 'findings-table-stream' }];
  return [
    ...['DescribeStream', 'GetRecords', 'GetShardIterator'].map((action) =>
      store(action, 'the event source mapping reads the findings table stream', stream),
    ),
    store(
      'ListStreams',
      'the event source mapping reads the findings table stream (no resource-level permissions)',
      [{ kind: 'any' }],
    ),
    ...alertGrants(options, [
      'on-failure destination of the stream event source mapping',
      'the handler parks Slack messages Slack did not take (DEAD_LETTER_QUEUE_URL)',
    ]),
    {
      action: 'events:PutEvents',
      category: 'alerts',
      resources: [{ kind: 'default-event-bus' }],
      reasons: [
        'puts `Tripline Finding` events on the default event bus (EVENT_BUS_NAME) for other consumers',
      ],
    },
  ];
}

function digestInfrastructure(options: PermissionOptions): ActionGrant[] {
  return [
    store('Query', 'findings store: every open finding (by-status index)'),
    store('BatchGetItem', 'findings store: full records of the findings a query returned', [
      { kind: 'findings-table' },
    ]),
    ...alertGrants(options, [
      'on-failure destination of the scheduled (asynchronous) invocation',
      'the handler parks Slack messages Slack did not take (DEAD_LETTER_QUEUE_URL)',
    ]),
  ];
}

/** Every action the function's role holds, with its resources and reasons, sorted by action. */
export function functionGrants(spec: TriplineFunctionSpec, options: PermissionOptions): ActionGrant[] {
  const infrastructure = {
    evaluator: () => evaluatorInfrastructure(spec),
    sweep: sweepInfrastructure,
    notifier: () => notifierInfrastructure(options),
    digest: () => digestInfrastructure(options),
  }[spec.kind]();
  const grants = [...readGrants(spec), ...infrastructure, ...LOGS];
  const seen = new Set<string>();
  for (const g of grants) {
    for (const r of g.resources) {
      const key = `${g.action} ${resourceKey(r)}`;
      if (seen.has(key)) throw new Error(`${spec.id}: ${key} is granted twice`);
      seen.add(key);
    }
  }
  return grants.sort((a, b) => a.action.localeCompare(b.action));
}

export function resourceKey(ref: ResourceRef): string {
  switch (ref.kind) {
    case 'arn':
      return `arn:${ref.template}`;
    case 'queue':
      return `queue:${ref.queue}`;
    default:
      return ref.kind;
  }
}

const CATEGORY_PREFIX: Record<GrantCategory, string> = {
  read: 'Read',
  store: 'Store',
  queue: 'Queue',
  logs: 'Logs',
  alerts: 'Alerts',
  precondition: 'CloudTrailCheck',
};

function resourceLabel(ref: ResourceRef): string {
  switch (ref.kind) {
    case 'any':
      return 'AnyResource';
    case 'arn':
      return pascalCase(ref.label.replace(/\(AWS managed\)/, ''));
    case 'queue':
      return pascalCase(ref.queue);
    default:
      return pascalCase(ref.kind);
  }
}

/** Grants folded into policy statements: one per category and set of resources, actions sorted. */
export function permissionStatements(grants: readonly ActionGrant[]): PermissionStatement[] {
  const byKey = new Map<string, { category: GrantCategory; resources: ResourceRef[]; actions: string[] }>();
  for (const grant of grants) {
    const key = `${grant.category}|${grant.resources.map(resourceKey).join(',')}`;
    const entry = byKey.get(key) ?? { category: grant.category, resources: grant.resources, actions: [] };
    entry.actions.push(grant.action);
    byKey.set(key, entry);
  }
  const sids = new Set<string>();
  return [...byKey.values()].map((entry) => {
    const base = CATEGORY_PREFIX[entry.category] + entry.resources.map(resourceLabel).join('');
    let sid = base;
    for (let n = 2; sids.has(sid); n++) sid = `${base}${n}`;
    sids.add(sid);
    return { sid, actions: [...entry.actions].sort(), resources: entry.resources };
  });
}

/** Every function's grants (the permissions document and the tests iterate this). */
export function allFunctionGrants(
  options: PermissionOptions,
): { spec: TriplineFunctionSpec; grants: ActionGrant[] }[] {
  return TRIPLINE_FUNCTIONS.map((spec) => ({ spec, grants: functionGrants(spec, options) }));
}
