/**
 * The StateReader methods each function declares (and is granted the actions of) are exactly those its code path
 * calls: every trigger event of the group is replayed through `evaluateEvent` with a reader that answers every
 * question with a principal, policy or function that has everything (attached and boundary policies, groups,
 * members, functions on the role), so every branch that can read does read.
 */
import { describe, expect, it } from 'vitest';
import { AccountContextCache } from '../shared/evaluation/account-context.ts';
import { evaluateEvent } from '../shared/evaluation/evaluate-event.ts';
import type { StateReader } from '../shared/evaluation/state-reader.ts';
import { sweep } from '../shared/evaluation/sweep.ts';
import { loadFixture } from '../shared/events/event-fixtures.ts';
import { MemoryFindingsStore } from '../shared/findings/memory-findings-store.ts';
import { defaultScanConfig } from '../shared/rules/scan-config.ts';
import type { AccountSnapshot, LambdaFunction } from '../shared/snapshot/account-snapshot.ts';
import {
  buildSnapshot,
  parseAuthorizationDetails,
  parseLambdaInventory,
} from '../shared/snapshot/parse-authorization-details.ts';
import { EVALUATOR_GROUPS, functionSpec, type ReaderMethod } from './tripline-functions.ts';

const ACCOUNT = '111122223333';
const POLICY = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }],
};
const TRUST = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
};
const attached = [{ PolicyArn: `arn:aws:iam::${ACCOUNT}:policy/attached`, PolicyName: 'attached' }];
const boundary = { PermissionsBoundaryArn: `arn:aws:iam::${ACCOUNT}:policy/boundary` };

function details(kind: 'role' | 'user' | 'group', name: string) {
  const common = { Path: '/', AttachedManagedPolicies: attached };
  const inline = [{ PolicyName: 'inline', PolicyDocument: POLICY }];
  const page =
    kind === 'role'
      ? {
          RoleDetailList: [
            {
              ...common,
              RoleName: name,
              Arn: `arn:aws:iam::${ACCOUNT}:role/${name}`,
              AssumeRolePolicyDocument: TRUST,
              RolePolicyList: inline,
              PermissionsBoundary: boundary,
            },
          ],
        }
      : kind === 'user'
        ? {
            UserDetailList: [
              {
                ...common,
                UserName: name,
                Arn: `arn:aws:iam::${ACCOUNT}:user/${name}`,
                UserPolicyList: inline,
                GroupList: ['member-of'],
                PermissionsBoundary: boundary,
              },
            ],
          }
        : {
            GroupDetailList: [
              {
                ...common,
                GroupName: name,
                Arn: `arn:aws:iam::${ACCOUNT}:group/${name}`,
                GroupPolicyList: inline,
              },
            ],
          };
  return parseAuthorizationDetails([page], 'fabricated');
}

function lambdaFunction(name: string): LambdaFunction {
  const [fn] = parseLambdaInventory(
    {
      Functions: [
        {
          FunctionName: name,
          FunctionArn: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:${name}`,
          Role: `arn:aws:iam::${ACCOUNT}:role/shared-role`,
          Runtime: 'nodejs24.x',
        },
      ],
    },
    'fabricated',
  );
  return fn as LambdaFunction;
}

/** A reader that has everything, and records which methods were called. */
function recordingReader(calls: Set<ReaderMethod>): StateReader {
  const record = <T>(method: ReaderMethod, value: () => T) => {
    calls.add(method);
    return Promise.resolve(value());
  };
  const account = (): AccountSnapshot => {
    const parsed = details('role', 'everything');
    return buildSnapshot(parsed, [lambdaFunction('fn')], {});
  };
  return {
    accountId: () => record('accountId', () => ACCOUNT),
    role: (name) => record('role', () => details('role', name).roles[0]),
    user: (name) => record('user', () => details('user', name).users[0]),
    group: (name) => {
      const group = details('group', name).groups[0];
      return record('group', () => (group ? { group, members: ['member'] } : undefined));
    },
    managedPolicy: (arn) =>
      record('managedPolicy', () => ({
        arn,
        name: arn.split('/').pop() ?? 'policy',
        path: '/',
        awsManaged: false,
        defaultVersionId: 'v1',
        versions: [],
      })),
    policyEntities: () => record('policyEntities', () => ({ roles: ['r'], users: ['u'], groups: ['g'] })),
    lambdaFunction: (name) => record('lambdaFunction', () => lambdaFunction(name)),
    functionsUsingRole: () => record('functionsUsingRole', () => [lambdaFunction('other')]),
    account: () => record('account', account),
  };
}

describe('StateReader methods per function', () => {
  it.each(EVALUATOR_GROUPS)(
    '%s: the declared methods are exactly those its trigger events call',
    async (group) => {
      const spec = functionSpec(group);
      const calls = new Set<ReaderMethod>();
      const reader = recordingReader(calls);
      const store = new MemoryFindingsStore();
      const cache = new AccountContextCache(reader, store);
      const events = new Set(spec.rules.flatMap((r) => r.triggers.flatMap((t) => t.eventNames)));
      for (const name of events) {
        const outcome = await evaluateEvent(loadFixture(name), {
          reader,
          store,
          rules: spec.rules,
          config: defaultScanConfig(),
          deployment: { ruleNames: [], functionNames: [], queueNames: [] },
          region: 'us-east-1',
          ...(spec.wholeAccount ? { accountContext: (touched) => cache.contextFor(touched) } : {}),
        });
        expect(outcome.unreadable).toEqual([]);
      }
      expect([...calls].sort()).toEqual([...spec.readerMethods].sort());
    },
  );

  it('sweep: reads the whole account, and only that', async () => {
    const calls = new Set<ReaderMethod>();
    const spec = functionSpec('sweep');
    await sweep({
      reader: recordingReader(calls),
      store: new MemoryFindingsStore(),
      rules: spec.rules,
      config: defaultScanConfig(),
      region: 'us-east-1',
    });
    expect([...calls].sort()).toEqual([...spec.readerMethods].sort());
  });

  it('the notifier reads no account state', () => {
    expect(functionSpec('notifier').readerMethods).toEqual([]);
  });
});
