import { describe, expect, it } from 'vitest';
import { lookupAction } from '../catalogue/action-catalogue.ts';
import { parsePolicy } from '../engine/parse-policy.ts';
import type { AccountSnapshot, Role } from '../snapshot/account-snapshot.ts';
import { buildSnapshot, parseAuthorizationDetails } from '../snapshot/parse-authorization-details.ts';
import { ADMIN, EscalationAnalysis } from './escalation-graph.ts';
import { ESCALATION_METHODS } from './methods.ts';

const ACCOUNT = '111122223333';
const roleArn = (name: string) => `arn:aws:iam::${ACCOUNT}:role/${name}`;
const doc = (...Statement: object[]) => ({ Version: '2012-10-17', Statement });
const lambdaTrust = doc({
  Effect: 'Allow',
  Principal: { Service: 'lambda.amazonaws.com' },
  Action: 'sts:AssumeRole',
});

function role(name: string, inline: object, trust: object = lambdaTrust) {
  return {
    Path: '/',
    RoleName: name,
    RoleId: `AROA${name.toUpperCase().padEnd(12, 'X').slice(0, 12)}EXAMPLE`,
    Arn: roleArn(name),
    CreateDate: '2025-01-10T09:00:00Z',
    AssumeRolePolicyDocument: trust,
    RolePolicyList: [{ PolicyName: 'inline', PolicyDocument: inline }],
    AttachedManagedPolicies: [],
    InstanceProfileList: [],
    Tags: [],
  };
}

/** A chain of 200 roles each allowed to assume the next, the last one an administrator, plus bystanders. */
function chainAccount(): AccountSnapshot {
  const roles = [];
  for (let i = 0; i < 200; i++) {
    const next = i === 199 ? undefined : roleArn(`chain-${i + 1}`);
    const inline = next
      ? doc({ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: next })
      : doc({ Effect: 'Allow', Action: '*', Resource: '*' });
    const trust =
      i === 0
        ? lambdaTrust
        : doc({ Effect: 'Allow', Principal: { AWS: roleArn(`chain-${i - 1}`) }, Action: 'sts:AssumeRole' });
    roles.push(role(`chain-${i}`, inline, trust));
  }
  for (let i = 0; i < 300; i++)
    roles.push(role(`bystander-${i}`, doc({ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' })));
  return buildSnapshot(parseAuthorizationDetails([{ RoleDetailList: roles }], 'chain.json'), undefined, {});
}

describe('escalation method catalogue', () => {
  it('has unique ids, documented sources and catalogue actions only', () => {
    const ids = ESCALATION_METHODS.map((m) => m.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const method of ESCALATION_METHODS) {
      expect(method.source, method.id).toMatch(/https:\/\//);
      expect(method.exploitation.length, method.id).toBeGreaterThan(10);
      expect(method.fix.length, method.id).toBeGreaterThan(10);
      expect(
        method.actions.filter((a) => !lookupAction(a)),
        method.id,
      ).toEqual([]);
      if (method.kind === 'pass-role' || method.kind === 'existing-compute')
        expect(method.service, method.id).toBeDefined();
    }
  });

  it('covers the published methods the issue lists', () => {
    const actions = new Set(ESCALATION_METHODS.flatMap((m) => m.actions));
    for (const action of [
      'iam:CreatePolicyVersion',
      'iam:SetDefaultPolicyVersion',
      'ec2:RunInstances',
      'lambda:CreateFunction',
      'lambda:CreateEventSourceMapping',
      'lambda:AddPermission',
      'glue:CreateDevEndpoint',
      'cloudformation:CreateStack',
      'datapipeline:CreatePipeline',
      'sagemaker:CreateNotebookInstance',
      'codestar:CreateProject',
      'iam:CreateAccessKey',
      'iam:CreateLoginProfile',
      'iam:UpdateLoginProfile',
      'iam:AttachUserPolicy',
      'iam:AttachGroupPolicy',
      'iam:AttachRolePolicy',
      'iam:PutUserPolicy',
      'iam:PutGroupPolicy',
      'iam:PutRolePolicy',
      'iam:AddUserToGroup',
      'iam:UpdateAssumeRolePolicy',
      'glue:UpdateDevEndpoint',
      'lambda:UpdateFunctionCode',
      'lambda:UpdateFunctionConfiguration',
      'sagemaker:CreatePresignedNotebookInstanceUrl',
      'codebuild:StartBuild',
      'ecs:RegisterTaskDefinition',
      'ssm:SendCommand',
      'ssm:StartSession',
      'ec2:ModifyInstanceAttribute',
      'ec2:CreateLaunchTemplateVersion',
      'cloudformation:UpdateStack',
      'cloudformation:ExecuteChangeSet',
      'apprunner:CreateService',
      'glue:CreateJob',
    ]) {
      expect(actions.has(action), action).toBe(true);
    }
  });
});

describe('EscalationAnalysis', () => {
  it('follows a 200-hop chain to the administrator and reports the shortest path', () => {
    const analysis = new EscalationAnalysis(chainAccount());
    expect(analysis.administrators()).toEqual([roleArn('chain-199')]);
    const path = analysis.pathFor(roleArn('chain-0'));
    expect(path?.steps).toHaveLength(199);
    expect(path?.reaches).toBe(roleArn('chain-199'));
    expect(path?.steps.every((s) => s.method === 'sts-assume-role')).toBe(true);
    expect(analysis.pathFor(roleArn('bystander-0'))).toBeUndefined();
  });

  it('re-checks only what a change affects, and gets the same answer as a full analysis', () => {
    const snapshot = chainAccount();
    const analysis = new EscalationAnalysis(snapshot);
    const full = analysis.evaluations;
    // Break the chain in the middle: chain-100 may no longer assume chain-101.
    const changed = snapshot.roles.find((r) => r.name === 'chain-100') as Role;
    const parsed = parsePolicy(doc({ Effect: 'Allow', Action: 's3:ListBucket', Resource: '*' }), {
      source: { id: 'inline:role/chain-100/inline', kind: 'identity' },
    });
    if (!parsed.ok) throw new Error('fixture');
    changed.inlinePolicies = [{ name: 'inline', document: { ok: true, policy: parsed.policy } }];
    const before = analysis.evaluations;
    analysis.update(snapshot, { principals: [changed.arn] });
    const incremental = analysis.evaluations - before;
    expect(incremental).toBeLessThan(full / 10);
    expect(analysis.pathFor(roleArn('chain-100'))).toBeUndefined();
    expect(analysis.pathFor(roleArn('chain-0'))).toBeUndefined();
    expect(analysis.pathFor(roleArn('chain-101'))?.steps).toHaveLength(98);
    const fresh = new EscalationAnalysis(snapshot);
    expect(
      fresh
        .allPaths()
        .map((p) => [p.principal, p.steps.length])
        .sort(),
    ).toEqual(
      analysis
        .allPaths()
        .map((p) => [p.principal, p.steps.length])
        .sort(),
    );
  });

  it('marks self-escalation paths as reaching ADMIN', () => {
    const snapshot = buildSnapshot(
      parseAuthorizationDetails(
        [
          {
            RoleDetailList: [
              role(
                'self-editor',
                doc({ Effect: 'Allow', Action: 'iam:PutRolePolicy', Resource: roleArn('self-editor') }),
              ),
            ],
          },
        ],
        'self.json',
      ),
      undefined,
      {},
    );
    const path = new EscalationAnalysis(snapshot).pathFor(roleArn('self-editor'));
    expect(path?.reaches).toBe(ADMIN);
    expect(path?.steps[0]?.grants[0]?.allowedBy[0]?.policyId).toBe('inline:role/self-editor/inline');
  });
});
