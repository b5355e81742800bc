/**
 * The real-time path end to end in-process: real-shaped CloudTrail events, state read from a snapshot, the
 * evaluator wrapper, and the in-memory findings store (the DynamoDB store runs the same suite in shared/findings).
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { describe, expect, it } from 'vitest';
import type { CloudTrailEvent } from '../events/cloudtrail-event.ts';
import { loadFixture, readFixture } from '../events/event-fixtures.ts';
import { MemoryFindingsStore } from '../findings/memory-findings-store.ts';
import { RULES as ACTIVITY } from '../rules/groups/activity.ts';
import { RULES as IDENTITY } from '../rules/groups/identity-policies.ts';
import { RULES as LAMBDA_POLICIES } from '../rules/groups/lambda-policies.ts';
import { defaultScanConfig } from '../rules/scan-config.ts';
import type { AccountSnapshot } from '../snapshot/account-snapshot.ts';
import {
  buildSnapshot,
  parseAuthorizationDetails,
  parseLambdaInventory,
} from '../snapshot/parse-authorization-details.ts';
import { AccountContextCache } from './account-context.ts';
import { type EvaluateEventOptions, evaluateEvent } from './evaluate-event.ts';
import { type EvaluatorDependencies, type MessageSender, processEvent } from './evaluator-handler.ts';
import { SnapshotStateReader } from './snapshot-state-reader.ts';
import { StateReadError, type StateReader } from './state-reader.ts';

const ACCOUNT = '111122223333';
const FN = `arn:aws:lambda:us-east-1:${ACCOUNT}:function:orders-api`;
const doc = (...Statement: object[]) => ({ Version: '2012-10-17', Statement });
const lambdaTrust = doc({
  Effect: 'Allow',
  Principal: { Service: 'lambda.amazonaws.com' },
  Action: 'sts:AssumeRole',
});

function role(name: string, inline: Record<string, object> = {}, attached: string[] = []) {
  return {
    Path: '/',
    RoleName: name,
    RoleId: `AROA${name.toUpperCase().replace(/-/g, '').padEnd(12, 'X').slice(0, 12)}EXAMPLE`,
    Arn: `arn:aws:iam::${ACCOUNT}:role/${name}`,
    CreateDate: '2025-01-10T09:00:00Z',
    AssumeRolePolicyDocument: lambdaTrust,
    RolePolicyList: Object.entries(inline).map(([PolicyName, PolicyDocument]) => ({
      PolicyName,
      PolicyDocument,
    })),
    AttachedManagedPolicies: attached.map((PolicyArn) => ({
      PolicyArn,
      PolicyName: PolicyArn.split('/').pop(),
    })),
    InstanceProfileList: [],
    Tags: [],
  };
}

function fn(name: string, roleName: string, policy?: object) {
  return {
    FunctionName: name,
    FunctionArn: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:${name}`,
    Runtime: 'nodejs22.x',
    Role: `arn:aws:iam::${ACCOUNT}:role/${roleName}`,
    Handler: 'index.handler',
    ...(policy ? { Policy: JSON.stringify(policy) } : {}),
  };
}

const publicPolicy = doc({
  Sid: 'public-invoke',
  Effect: 'Allow',
  Principal: '*',
  Action: 'lambda:InvokeFunction',
  Resource: FN,
});

function snapshot(options: {
  roles?: object[];
  users?: object[];
  policies?: object[];
  functions?: object[];
}): AccountSnapshot {
  const details = parseAuthorizationDetails(
    [
      {
        RoleDetailList: options.roles ?? [],
        UserDetailList: options.users ?? [],
        Policies: options.policies ?? [],
      },
    ],
    'test.json',
  );
  const functions = options.functions
    ? parseLambdaInventory({ Functions: options.functions }, 'lambdas.json')
    : undefined;
  return buildSnapshot(details, functions, {});
}

function options(
  reader: StateReader,
  store: MemoryFindingsStore,
  rules: EvaluateEventOptions['rules'],
): EvaluateEventOptions {
  return {
    reader,
    store,
    rules,
    config: defaultScanConfig(),
    deployment: {
      ruleNames: ['tripline-identity'],
      functionNames: ['tripline-identity-evaluator'],
      queueNames: [],
    },
    region: 'us-east-1',
    now: () => new Date('2026-12-04T10:00:00Z'),
  };
}

function withRequest(name: string, patch: Record<string, unknown>, id?: string): CloudTrailEvent {
  const raw = readFixture(name) as {
    detail: { requestParameters: Record<string, unknown>; eventID: string };
    id: string;
  };
  raw.detail.requestParameters = { ...raw.detail.requestParameters, ...patch };
  if (id) {
    raw.detail.eventID = id;
    raw.id = id;
  }
  return JSON.parse(JSON.stringify(raw)) as CloudTrailEvent;
}

describe('evaluateEvent', () => {
  it('opens a finding when a function is made public, and resolves it when the permission is removed', async () => {
    const store = new MemoryFindingsStore();
    const open = new SnapshotStateReader(
      snapshot({ roles: [role('orders-role')], functions: [fn('orders-api', 'orders-role', publicPolicy)] }),
    );
    const first = await evaluateEvent(
      loadFixture('AddPermission20150331v2'),
      options(open, store, LAMBDA_POLICIES),
    );
    expect(first.transitions.map((t) => [t.ruleId, t.resource, t.to])).toEqual([
      ['lambda-public-invoke', FN, 'OPEN'],
    ]);
    const record = await store.get(first.transitions[0]?.findingId as string);
    expect(record?.trigger?.eventName).toBe('AddPermission20150331v2');
    expect(record?.trigger?.actorArn).toBe(`arn:aws:iam::${ACCOUNT}:user/ci-legacy`);

    const closed = new SnapshotStateReader(
      snapshot({ roles: [role('orders-role')], functions: [fn('orders-api', 'orders-role')] }),
    );
    const second = await evaluateEvent(
      loadFixture('RemovePermission20150331v2'),
      options(closed, store, LAMBDA_POLICIES),
    );
    expect(second.transitions.map((t) => [t.ruleId, t.to])).toEqual([['lambda-public-invoke', 'RESOLVED']]);
  });

  it('resolves the findings of a function deleted before evaluation', async () => {
    const store = new MemoryFindingsStore();
    const before = new SnapshotStateReader(
      snapshot({ roles: [role('orders-role')], functions: [fn('orders-api', 'orders-role', publicPolicy)] }),
    );
    await evaluateEvent(loadFixture('AddPermission20150331v2'), options(before, store, LAMBDA_POLICIES));
    const gone = new SnapshotStateReader(snapshot({ roles: [role('orders-role')], functions: [] }));
    const deleted = withRequest('DeleteFunction20150331', { functionName: 'orders-api' });
    const outcome = await evaluateEvent(deleted, options(gone, store, LAMBDA_POLICIES));
    expect(outcome.transitions.map((t) => [t.ruleId, t.to])).toEqual([['lambda-public-invoke', 'RESOLVED']]);
    expect((await store.get(outcome.transitions[0]?.findingId as string))?.history.at(-1)?.reason).toMatch(
      /exist|deleted/i,
    );
  });

  it('changes nothing for a failed call or an unrelated event', async () => {
    const store = new MemoryFindingsStore();
    const reader = new SnapshotStateReader(snapshot({}));
    const failed = await evaluateEvent(
      loadFixture('AttachRolePolicy.access-denied'),
      options(reader, store, IDENTITY),
    );
    expect(failed.skipped).toMatch(/failed call/);
    const unrelated = await evaluateEvent(loadFixture('PutBucketTagging'), options(reader, store, IDENTITY));
    expect(unrelated.skipped).toMatch(/no rule/);
    expect((await store.query({ status: 'all' })).items).toEqual([]);
  });

  it('uses the document carried in the event, then lets the delayed re-read (state is truth) decide', async () => {
    const store = new MemoryFindingsStore();
    // IAM has not caught up: the read still shows the role without the new inline policy.
    const stale = new SnapshotStateReader(snapshot({ roles: [role('orders-api-handler-role')] }));
    const event = withRequest('PutRolePolicy', {
      policyDocument: JSON.stringify(doc({ Effect: 'Allow', Action: '*', Resource: '*' })),
    });
    const first = await evaluateEvent(event, { ...options(stale, store, IDENTITY), useEventDocuments: true });
    expect(first.recheck).toBe(true);
    expect(first.transitions.map((t) => [t.ruleId, t.to])).toContainEqual(['iam-admin-access', 'OPEN']);
    const reread = await evaluateEvent(event, {
      ...options(stale, store, IDENTITY),
      useEventDocuments: false,
      reread: true,
      now: () => new Date('2026-12-04T10:01:00Z'),
    });
    expect(reread.recheck).toBe(false);
    expect(reread.transitions.map((t) => [t.ruleId, t.to])).toContainEqual(['iam-admin-access', 'RESOLVED']);
  });

  it('reports UNKNOWN and changes nothing when state cannot be read', async () => {
    const store = new MemoryFindingsStore();
    const base = new SnapshotStateReader(snapshot({ roles: [role('orders-api-handler-role')] }));
    const denied: StateReader = Object.assign(Object.create(base) as StateReader, {
      role: async () => {
        throw new StateReadError('AccessDenied', 'iam:GetRole', 'access-denied');
      },
    });
    const outcome = await evaluateEvent(loadFixture('PutRolePolicy'), options(denied, store, IDENTITY));
    expect(outcome.results.UNKNOWN).toBeGreaterThan(0);
    expect(outcome.results.FAIL).toBe(0);
    expect(outcome.unreadable[0]).toContain('iam:GetRole');
    expect(outcome.transitions).toEqual([]);
  });

  it('finds a privilege-escalation path created by a new policy version, through the whole-account context', async () => {
    const policyArn = `arn:aws:iam::${ACCOUNT}:policy/orders-api-dynamodb`;
    const escalating = doc(
      { Effect: 'Allow', Action: 'iam:PassRole', Resource: '*' },
      { Effect: 'Allow', Action: ['lambda:CreateFunction', 'lambda:InvokeFunction'], Resource: '*' },
    );
    const state = snapshot({
      roles: [
        role('orders-api-role', {}, [policyArn]),
        role('admin-fn-role', {}, ['arn:aws:iam::aws:policy/AdministratorAccess']),
      ],
      policies: [
        {
          PolicyName: 'orders-api-dynamodb',
          Arn: policyArn,
          DefaultVersionId: 'v2',
          PolicyVersionList: [{ VersionId: 'v2', IsDefaultVersion: true, Document: escalating }],
        },
        {
          PolicyName: 'AdministratorAccess',
          Arn: 'arn:aws:iam::aws:policy/AdministratorAccess',
          DefaultVersionId: 'v1',
          PolicyVersionList: [
            {
              VersionId: 'v1',
              IsDefaultVersion: true,
              Document: doc({ Effect: 'Allow', Action: '*', Resource: '*' }),
            },
          ],
        },
      ],
    });
    const store = new MemoryFindingsStore();
    const reader = new SnapshotStateReader(state);
    const cache = new AccountContextCache(reader, store);
    const event = withRequest('CreatePolicyVersion', { policyDocument: JSON.stringify(escalating) });
    const outcome = await evaluateEvent(event, {
      ...options(reader, store, IDENTITY),
      accountContext: (touched) => cache.contextFor(touched),
    });
    const escalation = outcome.transitions.find((t) => t.ruleId === 'iam-privilege-escalation');
    expect(escalation?.resource).toBe(`arn:aws:iam::${ACCOUNT}:role/orders-api-role`);
    const record = await store.get(escalation?.findingId as string);
    expect(JSON.stringify(record?.evidence)).toContain('passrole-lambda-create-invoke');
  });
});

describe('processEvent (the evaluator wrapper)', () => {
  function deps(store: MemoryFindingsStore, reader: StateReader, sent: unknown[]): EvaluatorDependencies {
    const queue: MessageSender = { send: async (body) => void sent.push(body) };
    return {
      reader,
      store,
      config: defaultScanConfig(),
      deployment: { ruleNames: [], functionNames: [], queueNames: [] },
      region: 'us-east-1',
      recheck: queue,
      recheckDelaySeconds: 60,
      deadLetter: queue,
      logger: new Logger({ logLevel: 'SILENT' }),
      metrics: new Metrics({ namespace: 'Test' }),
      now: () => new Date('2026-12-04T10:00:00Z'),
    };
  }

  it('evaluates a duplicate delivery once: one finding, one transition', async () => {
    const store = new MemoryFindingsStore();
    const reader = new SnapshotStateReader(
      snapshot({ roles: [role('orders-role')], functions: [fn('orders-api', 'orders-role', publicPolicy)] }),
    );
    const d = deps(store, reader, []);
    const spec = { group: 'lambda-policies' as const, rules: LAMBDA_POLICIES };
    const first = await processEvent(spec, d, readFixture('AddPermission20150331v2'));
    const second = await processEvent(spec, d, readFixture('AddPermission20150331v2'));
    expect(first.status).toBe('evaluated');
    expect(second.status).toBe('duplicate');
    expect((await store.query({ status: 'open' })).items).toHaveLength(1);
  });

  it('sends a malformed event to the dead-letter queue instead of retrying it', async () => {
    const sent: unknown[] = [];
    const d = deps(new MemoryFindingsStore(), new SnapshotStateReader(snapshot({})), sent);
    const result = await processEvent({ group: 'activity', rules: ACTIVITY }, d, {
      id: 'x-1',
      detail: { eventName: 'X' },
    });
    expect(result.status).toBe('malformed');
    expect(sent).toHaveLength(1);
    expect(JSON.stringify(sent[0])).toContain('x-1');
  });

  it('schedules a delayed re-read when it used a document carried in the event', async () => {
    const sent: unknown[] = [];
    const reader = new SnapshotStateReader(snapshot({ roles: [role('orders-api-handler-role')] }));
    const d = deps(new MemoryFindingsStore(), reader, sent);
    const result = await processEvent(
      { group: 'identity-policies', rules: IDENTITY },
      d,
      withRequest('PutRolePolicy', {}),
    );
    expect(result.status).toBe('evaluated');
    expect(sent).toEqual([expect.objectContaining({ kind: 'recheck', evaluator: 'identity-policies' })]);
  });

  it('releases its claim and rethrows when the store fails, so Lambda retries', async () => {
    const store = new MemoryFindingsStore();
    const reader = new SnapshotStateReader(
      snapshot({ roles: [role('orders-role')], functions: [fn('orders-api', 'orders-role', publicPolicy)] }),
    );
    const broken = new Proxy(store, {
      get(target, property) {
        if (property === 'recordObservation')
          return async () => Promise.reject(new Error('table unavailable'));
        const value = Reflect.get(target, property, target) as unknown;
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const d = deps(broken, reader, []);
    const spec = { group: 'lambda-policies' as const, rules: LAMBDA_POLICIES };
    await expect(processEvent(spec, d, readFixture('AddPermission20150331v2'))).rejects.toThrow(
      'table unavailable',
    );
    const retry = await processEvent(spec, deps(store, reader, []), readFixture('AddPermission20150331v2'));
    expect(retry.status).toBe('evaluated');
  });
});
