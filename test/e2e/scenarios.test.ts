/**
 * The whole path end to end against moto: each scenario makes real SDK calls on a clean emulated account, builds
 * the CloudTrail event each call produces, routes it with the stack's EventBridge patterns, runs the evaluator with
 * its clients on moto, checks the findings table, runs the notifier on the table's stream, checks the email alerts
 * that reached an SQS queue subscribed to the topic, and reads the findings back with `tripline findings list`.
 */
import {
  AttachRolePolicyCommand,
  CreatePolicyCommand,
  CreatePolicyVersionCommand,
  CreateRoleCommand,
  DeleteRoleCommand,
  IAMClient,
  UpdateAssumeRolePolicyCommand,
} from '@aws-sdk/client-iam';
import {
  AddPermissionCommand,
  CreateFunctionCommand,
  DeleteFunctionCommand,
  LambdaClient,
  RemovePermissionCommand,
} from '@aws-sdk/client-lambda';
import { beforeEach, describe, expect, it } from 'vitest';
import { runCliCaptured } from '../../cli/capture-io.ts';
import type { FindingRecord } from '../../shared/findings/finding-record.ts';
import { clientConfig, emptyZip, MOTO_ACCOUNT, motoEndpoint } from './support/moto.ts';
import { cloudTrailEvent, Pipeline } from './support/pipeline.ts';

const iam = new IAMClient(clientConfig());
const lambda = new LambdaClient(clientConfig());

const LAMBDA_TRUST = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
});
const roleArn = (name: string) => `arn:aws:iam::${MOTO_ACCOUNT}:role/${name}`;
const functionArn = (name: string) => `arn:aws:lambda:us-east-1:${MOTO_ACCOUNT}:function:${name}`;

async function createRole(name: string, trust = LAMBDA_TRUST) {
  await iam.send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: trust }));
  return cloudTrailEvent('CreateRole', {
    requestParameters: { roleName: name, path: '/', assumeRolePolicyDocument: trust },
    responseElements: { role: { path: '/', roleName: name, arn: roleArn(name) } },
  });
}

async function createFunction(name: string, role: string) {
  await lambda.send(
    new CreateFunctionCommand({
      FunctionName: name,
      Runtime: 'nodejs22.x',
      Role: roleArn(role),
      Handler: 'index.handler',
      Code: { ZipFile: emptyZip() },
    }),
  );
  return cloudTrailEvent('CreateFunction20150331', {
    requestParameters: {
      functionName: name,
      runtime: 'nodejs22.x',
      role: roleArn(role),
      handler: 'index.handler',
    },
    responseElements: { functionName: name, functionArn: functionArn(name), role: roleArn(role) },
  });
}

const open = (findings: FindingRecord[], ruleId: string) =>
  findings.filter((f) => f.ruleId === ruleId && f.status === 'OPEN');
const byRule = (findings: FindingRecord[], ruleId: string) => findings.filter((f) => f.ruleId === ruleId);

async function listFindings(pipeline: Pipeline, status = 'open') {
  const out = await runCliCaptured(
    [
      'findings',
      'list',
      '--endpoint',
      motoEndpoint(),
      '--table',
      pipeline.tableName,
      '--status',
      status,
      '--format',
      'json',
    ],
    { env: { AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing', AWS_REGION: 'us-east-1' } },
  );
  expect(out.stderr).toBe('');
  expect(out.exitCode).toBe(0);
  return JSON.parse(out.stdout) as { findings: FindingRecord[]; count: number };
}

describe('end to end against moto', () => {
  let pipeline: Pipeline;
  beforeEach(async () => {
    pipeline = await Pipeline.start();
  });

  it('a public function policy added then removed: one finding opened then resolved, two alerts', async () => {
    await pipeline.deliver(await createRole('orders-api-role'));
    await pipeline.deliver(await createFunction('orders-api', 'orders-api-role'));
    await pipeline.notify();
    expect(await pipeline.alerts()).toEqual([]);

    await lambda.send(
      new AddPermissionCommand({
        FunctionName: 'orders-api',
        StatementId: 'public-invoke',
        Action: 'lambda:InvokeFunction',
        Principal: '*',
      }),
    );
    const added = cloudTrailEvent('AddPermission20150331v2', {
      requestParameters: {
        functionName: 'orders-api',
        statementId: 'public-invoke',
        action: 'lambda:InvokeFunction',
        principal: '*',
      },
      responseElements: {
        statement: JSON.stringify({
          Sid: 'public-invoke',
          Effect: 'Allow',
          Principal: '*',
          Action: 'lambda:InvokeFunction',
          Resource: functionArn('orders-api'),
        }),
      },
    });
    const delivery = await pipeline.deliver(added);
    expect(delivery.groups).toContain('lambda-policies');
    const [finding] = open(await pipeline.findings(), 'lambda-public-invoke');
    expect(finding).toMatchObject({ resource: functionArn('orders-api'), severity: 'critical' });
    await pipeline.notify();
    const opened = await pipeline.alerts();
    expect(opened).toHaveLength(1);
    expect(opened[0]?.subject).toMatch(/orders-api/);

    const listed = await listFindings(pipeline);
    expect(listed.findings.map((f) => f.id)).toContain(finding?.id);

    await lambda.send(
      new RemovePermissionCommand({ FunctionName: 'orders-api', StatementId: 'public-invoke' }),
    );
    await pipeline.deliver(
      cloudTrailEvent('RemovePermission20150331v2', {
        requestParameters: { functionName: functionArn('orders-api'), statementId: 'public-invoke' },
      }),
    );
    expect(byRule(await pipeline.findings(), 'lambda-public-invoke')).toMatchObject([
      { id: finding?.id, status: 'RESOLVED' },
    ]);
    await pipeline.notify();
    const resolved = await pipeline.alerts();
    expect(resolved).toHaveLength(1);
    expect(resolved[0]?.subject).toMatch(/resolved/i);
    expect((await listFindings(pipeline)).findings.map((f) => f.id)).not.toContain(finding?.id);
  });
  it('a role shared by a second function: one finding on the role, one alert', async () => {
    await pipeline.deliver(await createRole('shared-role'));
    await pipeline.deliver(await createFunction('billing-a', 'shared-role'));
    expect(byRule(await pipeline.findings(), 'lambda-shared-role')).toEqual([]);
    await pipeline.notify();
    expect(await pipeline.alerts()).toEqual([]);

    const delivery = await pipeline.deliver(await createFunction('billing-b', 'shared-role'));
    expect(delivery.groups).toContain('lambda-config');
    const [finding] = open(await pipeline.findings(), 'lambda-shared-role');
    expect(finding?.resource).toBe(roleArn('shared-role'));
    expect(finding?.message).toMatch(/billing-a, billing-b/);
    await pipeline.notify();
    const alerts = await pipeline.alerts();
    expect(alerts).toHaveLength(1);
    expect(alerts[0]?.subject).toMatch(/shared-role/);
  });

  it('an administrator policy attached to a workload role: a critical finding and an alert', async () => {
    await pipeline.deliver(await createRole('workload-role'));
    const document = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
    });
    const created = await iam.send(
      new CreatePolicyCommand({ PolicyName: 'break-glass', PolicyDocument: document }),
    );
    const policyArn = created.Policy?.Arn ?? '';
    await pipeline.deliver(
      cloudTrailEvent('CreatePolicy', {
        requestParameters: { policyName: 'break-glass', policyDocument: document },
        responseElements: { policy: { policyName: 'break-glass', arn: policyArn, defaultVersionId: 'v1' } },
      }),
    );
    expect(await pipeline.findings()).toEqual([]);

    await iam.send(new AttachRolePolicyCommand({ RoleName: 'workload-role', PolicyArn: policyArn }));
    const delivery = await pipeline.deliver(
      cloudTrailEvent('AttachRolePolicy', { requestParameters: { roleName: 'workload-role', policyArn } }),
    );
    expect(delivery.groups).toContain('identity-policies');
    expect(delivery.rechecks).toBeGreaterThanOrEqual(0);
    const [finding] = open(await pipeline.findings(), 'iam-admin-access');
    expect(finding).toMatchObject({ resource: roleArn('workload-role'), severity: 'critical' });
    await pipeline.notify();
    // The narrower identity rules stand down on an administrator-equivalent principal: one alert, not a digest.
    const findings = (await pipeline.findings()).filter((f) => f.status === 'OPEN');
    expect(
      findings
        .map((f) => f.ruleId)
        .filter((id) => id !== 'iam-admin-access' && id !== 'iam-not-action-allow'),
    ).toEqual([]);
    const alerts = await pipeline.alerts();
    expect(alerts).toHaveLength(1);
    expect(alerts[0]?.attributes['severity']).toBe('critical');
    expect(alerts[0]?.subject).toMatch(/^\[Tripline\] CRITICAL iam-admin-access on workload-role/);
  });

  it('a cross-account trust without an external id, fixed by adding one: opened, resolved, two alerts', async () => {
    const trust = (condition?: Record<string, unknown>) =>
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { AWS: 'arn:aws:iam::444455556666:root' },
            Action: 'sts:AssumeRole',
            ...(condition ? { Condition: condition } : {}),
          },
        ],
      });
    const delivery = await pipeline.deliver(await createRole('partner-audit', trust()));
    expect(delivery.groups).toContain('trust-policies');
    const [finding] = open(await pipeline.findings(), 'trust-cross-account-no-external-id');
    expect(finding?.resource).toBe(roleArn('partner-audit'));
    await pipeline.notify();
    expect(await pipeline.alerts()).toHaveLength(1);

    const fixed = trust({ StringEquals: { 'sts:ExternalId': 'a1b2c3d4e5f6' } });
    await iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: 'partner-audit', PolicyDocument: fixed }));
    await pipeline.deliver(
      cloudTrailEvent('UpdateAssumeRolePolicy', {
        requestParameters: { roleName: 'partner-audit', policyDocument: fixed },
      }),
    );
    expect(byRule(await pipeline.findings(), 'trust-cross-account-no-external-id')).toMatchObject([
      { id: finding?.id, status: 'RESOLVED' },
    ]);
    await pipeline.notify();
    const alerts = await pipeline.alerts();
    expect(alerts).toHaveLength(1);
    expect(alerts[0]?.subject).toMatch(/resolved/i);
  });

  it('a privilege-escalation path created by a new policy version', async () => {
    await pipeline.deliver(await createRole('ci-deployer'));
    const v1 = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::ci-artifacts/*' }],
    });
    const created = await iam.send(new CreatePolicyCommand({ PolicyName: 'ci-deploy', PolicyDocument: v1 }));
    const policyArn = created.Policy?.Arn ?? '';
    await iam.send(new AttachRolePolicyCommand({ RoleName: 'ci-deployer', PolicyArn: policyArn }));
    await pipeline.deliver(
      cloudTrailEvent('AttachRolePolicy', { requestParameters: { roleName: 'ci-deployer', policyArn } }),
    );
    expect(open(await pipeline.findings(), 'iam-privilege-escalation')).toEqual([]);
    await pipeline.notify();
    await pipeline.alerts();

    const v2 = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::ci-artifacts/*' },
        { Effect: 'Allow', Action: 'iam:CreatePolicyVersion', Resource: policyArn },
      ],
    });
    const version = await iam.send(
      new CreatePolicyVersionCommand({ PolicyArn: policyArn, PolicyDocument: v2, SetAsDefault: true }),
    );
    const delivery = await pipeline.deliver(
      cloudTrailEvent('CreatePolicyVersion', {
        requestParameters: { policyArn, policyDocument: v2, setAsDefault: true },
        responseElements: {
          policyVersion: { versionId: version.PolicyVersion?.VersionId ?? 'v2', isDefaultVersion: true },
        },
      }),
    );
    expect(delivery.groups).toContain('identity-policies');
    const [finding] = open(await pipeline.findings(), 'iam-privilege-escalation');
    expect(finding?.resource).toBe(roleArn('ci-deployer'));
    expect(finding?.message).toMatch(/escalate to administrator/);
    await pipeline.notify();
    const alerts = await pipeline.alerts();
    expect(alerts.filter((a) => /ci-deployer/.test(a.subject + a.message))).toHaveLength(alerts.length);
    expect(alerts.length).toBeGreaterThanOrEqual(1);
  });

  it('a duplicate delivery of the same event: one finding, one alert', async () => {
    const trust = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::444455556666:root' }, Action: 'sts:AssumeRole' },
      ],
    });
    const event = await createRole('vendor-access', trust);
    const first = await pipeline.deliver(event);
    const afterFirst = byRule(await pipeline.findings(), 'trust-cross-account-no-external-id');
    const second = await pipeline.deliver(structuredClone(event));
    expect(first.results['trust-policies']?.status).toBe('evaluated');
    expect(second.results['trust-policies']).toMatchObject({ status: 'duplicate' });
    expect(second.rechecks).toBe(0);
    const findings = byRule(await pipeline.findings(), 'trust-cross-account-no-external-id');
    expect(findings).toHaveLength(1);
    // The duplicate changed nothing: same version, same count of observations.
    expect(findings).toEqual(afterFirst);
    await pipeline.notify();
    expect(await pipeline.alerts()).toHaveLength(1);
  });

  it('an event for a resource deleted before evaluation: no finding, no alert, nothing dead-lettered', async () => {
    const trust = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::444455556666:root' }, Action: 'sts:AssumeRole' },
      ],
    });
    const roleEvent = await createRole('short-lived', trust);
    await iam.send(new DeleteRoleCommand({ RoleName: 'short-lived' }));
    const roleDelivery = await pipeline.deliver(roleEvent);
    expect(roleDelivery.results['trust-policies']?.status).toBe('evaluated');

    await pipeline.deliver(await createRole('gone-fn-role'));
    const fnEvent = await createFunction('gone-fn', 'gone-fn-role');
    await lambda.send(
      new AddPermissionCommand({
        FunctionName: 'gone-fn',
        StatementId: 'public-invoke',
        Action: 'lambda:InvokeFunction',
        Principal: '*',
      }),
    );
    await lambda.send(new DeleteFunctionCommand({ FunctionName: 'gone-fn' }));
    await pipeline.deliver(fnEvent);
    await pipeline.deliver(
      cloudTrailEvent('AddPermission20150331v2', {
        requestParameters: {
          functionName: 'gone-fn',
          statementId: 'public-invoke',
          action: 'lambda:InvokeFunction',
          principal: '*',
        },
      }),
    );
    expect((await pipeline.findings()).filter((f) => f.status === 'OPEN')).toEqual([]);
    expect(await pipeline.deadLetters()).toEqual([]);
    await pipeline.notify();
    expect(await pipeline.alerts()).toEqual([]);
  });

  it('an unrelated event: routed nowhere, nothing changes', async () => {
    const event = cloudTrailEvent('PutBucketTagging', {
      requestParameters: {
        bucketName: 'reports',
        Tagging: { TagSet: { Tag: [{ Key: 'team', Value: 'data' }] } },
      },
    });
    const delivery = await pipeline.deliver(event);
    expect(delivery.groups).toEqual([]);
    expect(await pipeline.findings()).toEqual([]);
    expect(await pipeline.notify()).toBe(0);
    expect(await pipeline.alerts()).toEqual([]);
    expect((await listFindings(pipeline)).count).toBe(0);
  });
});
