/**
 * Every method of the catalogue, generated as a case: a principal holding exactly the method's permissions and a
 * target of the right kind finds the path with that method id; the same principal missing any one permission
 * (split permissions) finds none.
 */
import { describe, expect, it } from 'vitest';
import type { AccountSnapshot } from '../snapshot/account-snapshot.ts';
import {
  buildSnapshot,
  parseAuthorizationDetails,
  parseLambdaInventory,
} from '../snapshot/parse-authorization-details.ts';
import { EscalationAnalysis } from './escalation-graph.ts';
import { ESCALATION_METHODS, type EscalationMethod } from './methods.ts';

const ACCOUNT = '111122223333';
const ADMIN_POLICY = 'arn:aws:iam::aws:policy/AdministratorAccess';
const CI_POLICY = `arn:aws:iam::${ACCOUNT}:policy/ci-policy`;
const doc = (...Statement: object[]) => ({ Version: '2012-10-17', Statement });
const trustService = (service: string) =>
  doc({ Effect: 'Allow', Principal: { Service: service }, Action: 'sts:AssumeRole' });
const trustAccount = doc({
  Effect: 'Allow',
  Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
  Action: 'sts:AssumeRole',
});

function role(
  name: string,
  trust: object,
  inline?: object,
  attached: string[] = [],
  instanceProfile = false,
) {
  return {
    Path: '/',
    RoleName: name,
    RoleId: `AROA${name
      .toUpperCase()
      .replace(/[^A-Z]/g, '')
      .padEnd(12, 'X')
      .slice(0, 12)}EXAMPLE`,
    Arn: `arn:aws:iam::${ACCOUNT}:role/${name}`,
    AssumeRolePolicyDocument: trust,
    RolePolicyList: inline ? [{ PolicyName: 'attacker', PolicyDocument: inline }] : [],
    AttachedManagedPolicies: attached.map((PolicyArn) => ({
      PolicyArn,
      PolicyName: PolicyArn.split('/').pop(),
    })),
    InstanceProfileList: instanceProfile
      ? [
          {
            Arn: `arn:aws:iam::${ACCOUNT}:instance-profile/${name}`,
            InstanceProfileName: name,
            Path: '/',
            Roles: [],
          },
        ]
      : [],
  };
}

function managed(arn: string, versions: [string, boolean, object][]) {
  return {
    PolicyName: arn.split('/').pop(),
    Arn: arn,
    DefaultVersionId: versions.find((v) => v[1])?.[0],
    PolicyVersionList: versions.map(([VersionId, IsDefaultVersion, Document]) => ({
      VersionId,
      IsDefaultVersion,
      Document,
    })),
  };
}

/** An account where `actions` (on "*") are the attacker's only permissions, with the target the method needs. */
function accountFor(
  method: EscalationMethod,
  actions: string[],
): { snapshot: AccountSnapshot; attacker: string } {
  const grant = doc({
    Effect: 'Allow',
    Action: actions.length ? actions : ['s3:ListAllMyBuckets'],
    Resource: '*',
  });
  const adminVersion: [string, boolean, object] = [
    'v1',
    true,
    doc({ Effect: 'Allow', Action: '*', Resource: '*' }),
  ];
  const roles: object[] = [];
  const users: object[] = [];
  const groups: object[] = [];
  const policies: object[] = [managed(ADMIN_POLICY, [adminVersion])];
  let functions: object[] | undefined;
  const attackerUser = {
    UserName: 'attacker',
    UserId: 'AIDAATTACKERXXXXEXAMPLE',
    Arn: `arn:aws:iam::${ACCOUNT}:user/attacker`,
    UserPolicyList: [{ PolicyName: 'attacker', PolicyDocument: grant }],
    GroupList: [] as string[],
    AttachedManagedPolicies: [] as object[],
  };
  const attacker = attackerUser.Arn;
  users.push(attackerUser);
  switch (method.kind) {
    case 'group-policy':
      attackerUser.GroupList = ['team'];
      groups.push({
        GroupName: 'team',
        Arn: `arn:aws:iam::${ACCOUNT}:group/team`,
        GroupPolicyList: [],
        AttachedManagedPolicies: [],
      });
      break;
    case 'add-to-group':
      groups.push({
        GroupName: 'admins',
        Arn: `arn:aws:iam::${ACCOUNT}:group/admins`,
        GroupPolicyList: [],
        AttachedManagedPolicies: [{ PolicyArn: ADMIN_POLICY, PolicyName: 'AdministratorAccess' }],
      });
      break;
    case 'policy-version':
      attackerUser.AttachedManagedPolicies = [{ PolicyArn: CI_POLICY, PolicyName: 'ci-policy' }];
      policies.push(
        managed(CI_POLICY, [['v1', true, doc({ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' })]]),
      );
      break;
    case 'default-version':
      attackerUser.AttachedManagedPolicies = [{ PolicyArn: CI_POLICY, PolicyName: 'ci-policy' }];
      policies.push(
        managed(CI_POLICY, [
          ['v1', false, adminVersion[2]],
          ['v2', true, doc({ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' })],
        ]),
      );
      break;
    case 'role-policy':
      roles.push(
        role('sandbox', trustAccount, doc({ Effect: 'Allow', Action: 's3:ListAllMyBuckets', Resource: '*' })),
      );
      attackerUser.UserPolicyList[0] = {
        PolicyName: 'attacker',
        PolicyDocument: doc({ Effect: 'Allow', Action: [...actions, 'sts:AssumeRole'], Resource: '*' }),
      };
      break;
    case 'user-credentials':
      users.push({
        UserName: 'boss',
        UserId: 'AIDABOSSXXXXXXXXEXAMPLE',
        Arn: `arn:aws:iam::${ACCOUNT}:user/boss`,
        AttachedManagedPolicies: [{ PolicyArn: ADMIN_POLICY, PolicyName: 'AdministratorAccess' }],
      });
      break;
    case 'assume-role':
      roles.push(role('admin', trustAccount, undefined, [ADMIN_POLICY]));
      break;
    case 'trust-update':
      roles.push(role('admin', trustService('ec2.amazonaws.com'), undefined, [ADMIN_POLICY]));
      break;
    case 'pass-role':
    case 'function-role-swap':
    case 'existing-compute':
      roles.push(
        role(
          'admin',
          trustService(method.service as string),
          undefined,
          [ADMIN_POLICY],
          method.needsInstanceProfile === true,
        ),
      );
      if (method.kind === 'function-role-swap')
        functions = [
          {
            FunctionName: 'any',
            FunctionArn: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:any`,
            Role: `arn:aws:iam::${ACCOUNT}:role/small`,
          },
        ];
      break;
    case 'function-code':
      roles.push(role('admin', trustService('lambda.amazonaws.com'), undefined, [ADMIN_POLICY]));
      functions = [
        {
          FunctionName: 'admin-fn',
          FunctionArn: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:admin-fn`,
          Role: `arn:aws:iam::${ACCOUNT}:role/admin`,
        },
      ];
      break;
    default:
      break;
  }
  const details = parseAuthorizationDetails(
    [{ RoleDetailList: roles, UserDetailList: users, GroupDetailList: groups, Policies: policies }],
    `${method.id}.json`,
  );
  return {
    snapshot: buildSnapshot(
      details,
      functions ? parseLambdaInventory({ Functions: functions }, 'l.json') : undefined,
      {},
    ),
    attacker,
  };
}

describe.each(ESCALATION_METHODS.map((m) => [m.id, m] as const))('method %s', (_id, method) => {
  it('is found, with its id, when the principal holds every permission it needs', () => {
    const { snapshot, attacker } = accountFor(method, method.actions);
    const path = new EscalationAnalysis(snapshot).pathFor(attacker);
    expect(path?.steps.map((s) => s.method)).toContain(method.id);
  });

  it.each(method.actions.map((missing) => [missing] as const))(
    'is not found when %s is missing',
    (missing) => {
      const { snapshot, attacker } = accountFor(
        method,
        method.actions.filter((a) => a !== missing),
      );
      const path = new EscalationAnalysis(snapshot).pathFor(attacker);
      expect(path?.steps.some((s) => s.method === method.id) ?? false).toBe(false);
    },
  );
});
