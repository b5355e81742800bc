/**
 * The synthesized stack deployed into moto's CloudFormation. moto implements a subset of resource types, so this
 * records what it accepted (written to `.e2e-results/cloudformation.json` and printed) and asserts only the core:
 * the findings table, the queues, the topic and the roles. Bootstrap-only parts are removed first: the
 * `BootstrapVersion` SSM parameter and its rule, and the code assets are uploaded to the assets bucket as empty zips
 * (moto stores function code, it never runs it).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import {
  CloudFormationClient,
  CreateStackCommand,
  DescribeStacksCommand,
  ListStackResourcesCommand,
  type StackResourceSummary,
} from '@aws-sdk/client-cloudformation';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { ListTopicsCommand, SNSClient } from '@aws-sdk/client-sns';
import { ListQueuesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SynthesizedApp, synthesizeApp } from '../../infra/synth-fixture.ts';
import type { TemplateResource } from '../../infra/template-snapshot.ts';
import { clientConfig, emptyZip, MOTO_ACCOUNT, motoEndpoint, REGION, resetMoto } from './support/moto.ts';

const RESULTS = new URL('../../.e2e-results/', import.meta.url);

/** A PUT over S3's REST protocol (no S3 client in the dependencies); moto routes on the signing service name. */
async function s3Put(path: string, body?: Uint8Array) {
  const response = await fetch(`${motoEndpoint()}/${path}`, {
    method: 'PUT',
    headers: {
      authorization: `AWS4-HMAC-SHA256 Credential=testing/20261201/${REGION}/s3/aws4_request, SignedHeaders=host, Signature=0`,
      'x-amz-content-sha256': 'UNSIGNED-PAYLOAD',
    },
    ...(body ? { body } : {}),
  });
  if (!response.ok) throw new Error(`S3 PUT ${path}: HTTP ${response.status}: ${await response.text()}`);
}

interface DeploymentReport {
  motoVersion: string | undefined;
  stackStatus: string | undefined;
  stackStatusReason: string | undefined;
  templateResources: number;
  accepted: { logicalId: string; type: string }[];
  rejected: { logicalId: string; type: string; status?: string; reason?: string }[];
  removedBeforeDeploy: string[];
}

describe('the synthesized stack in moto CloudFormation', () => {
  let synth: SynthesizedApp;
  let resources: Record<string, TemplateResource>;
  const summaries: StackResourceSummary[] = [];
  let report: DeploymentReport;
  const stackName = 'Tripline';
  const cfn = new CloudFormationClient(clientConfig());

  beforeAll(async () => {
    await resetMoto();
    synth = synthesizeApp({ account: MOTO_ACCOUNT, homeRegion: REGION });
    expect(synth.validationError).toBeUndefined();
    const template = structuredClone(synth.main.template) as unknown as {
      Resources: Record<string, TemplateResource>;
      Parameters?: Record<string, unknown>;
      Rules?: Record<string, unknown>;
    };
    const removed = [
      ...Object.keys(template.Parameters ?? {}).map((p) => `Parameters.${p}`),
      ...Object.keys(template.Rules ?? {}).map((r) => `Rules.${r}`),
    ];
    delete template.Parameters;
    delete template.Rules;
    resources = template.Resources;

    const buckets = new Set<string>();
    for (const resource of Object.values(resources)) {
      const code = (resource.Properties as { Code?: { S3Bucket?: unknown; S3Key?: unknown } } | undefined)
        ?.Code;
      if (typeof code?.S3Bucket === 'string' && typeof code.S3Key === 'string') {
        if (!buckets.has(code.S3Bucket)) {
          await s3Put(code.S3Bucket);
          buckets.add(code.S3Bucket);
        }
        await s3Put(`${code.S3Bucket}/${code.S3Key}`, emptyZip());
      }
    }

    await cfn.send(
      new CreateStackCommand({
        StackName: stackName,
        TemplateBody: JSON.stringify(template),
        Capabilities: ['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM'],
      }),
    );
    let stack: { StackStatus?: string; StackStatusReason?: string } | undefined;
    for (let i = 0; i < 100; i++) {
      stack = (await cfn.send(new DescribeStacksCommand({ StackName: stackName }))).Stacks?.[0];
      if (!stack?.StackStatus?.endsWith('_IN_PROGRESS')) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    let token: string | undefined;
    do {
      const page = await cfn.send(new ListStackResourcesCommand({ StackName: stackName, NextToken: token }));
      summaries.push(...(page.StackResourceSummaries ?? []));
      token = page.NextToken;
    } while (token);

    const byId = new Map(summaries.map((s) => [s.LogicalResourceId, s]));
    const accepted: DeploymentReport['accepted'] = [];
    const rejected: DeploymentReport['rejected'] = [];
    for (const [logicalId, resource] of Object.entries(resources).sort(([a], [b]) => a.localeCompare(b))) {
      const summary = byId.get(logicalId);
      if (summary?.ResourceStatus === 'CREATE_COMPLETE' && summary.PhysicalResourceId) {
        accepted.push({ logicalId, type: resource.Type });
      } else {
        rejected.push({
          logicalId,
          type: resource.Type,
          ...(summary?.ResourceStatus ? { status: summary.ResourceStatus } : {}),
          ...(summary?.ResourceStatusReason ? { reason: summary.ResourceStatusReason } : {}),
        });
      }
    }
    report = {
      motoVersion: process.env['TRIPLINE_E2E_MOTO_VERSION'],
      stackStatus: stack?.StackStatus,
      stackStatusReason: stack?.StackStatusReason,
      templateResources: Object.keys(resources).length,
      accepted,
      rejected,
      removedBeforeDeploy: removed,
    };
    mkdirSync(RESULTS, { recursive: true });
    writeFileSync(new URL('cloudformation.json', RESULTS), `${JSON.stringify(report, null, 2)}\n`);
    const countByType = (list: { type: string }[]) => {
      const counts = new Map<string, number>();
      for (const r of list) counts.set(r.type, (counts.get(r.type) ?? 0) + 1);
      return [...counts].map(([type, n]) => `${type} ×${n}`).join(', ');
    };
    console.log(
      `moto CloudFormation: stack ${report.stackStatus}; accepted ${accepted.length}/${report.templateResources} ` +
        `(${countByType(accepted)}); not created: ${countByType(rejected) || 'none'}`,
    );
  }, 120_000);

  afterAll(() => synth?.cleanup());

  const physicalIds = (type: string) =>
    Object.entries(resources)
      .filter(([, r]) => r.Type === type)
      .map(([id]) => summaries.find((s) => s.LogicalResourceId === id)?.PhysicalResourceId);

  it('creates the stack', () => {
    expect(report.stackStatus).toBe('CREATE_COMPLETE');
  });

  it('creates the findings table with its stream', async () => {
    const [tableName] = physicalIds('AWS::DynamoDB::Table');
    expect(tableName).toBeDefined();
    const table = await new DynamoDBClient(clientConfig()).send(
      new DescribeTableCommand({ TableName: tableName }),
    );
    expect(table.Table?.StreamSpecification).toMatchObject({
      StreamEnabled: true,
      StreamViewType: 'NEW_AND_OLD_IMAGES',
    });
  });

  it('creates every queue and topic', async () => {
    const queues = (await new SQSClient(clientConfig()).send(new ListQueuesCommand({}))).QueueUrls ?? [];
    expect(queues).toHaveLength(physicalIds('AWS::SQS::Queue').length);
    const topics = (await new SNSClient(clientConfig()).send(new ListTopicsCommand({}))).Topics ?? [];
    expect(topics).toHaveLength(physicalIds('AWS::SNS::Topic').length);
  });

  it('creates every role', async () => {
    const iam = new IAMClient(clientConfig());
    const names = physicalIds('AWS::IAM::Role');
    expect(names.length).toBeGreaterThan(0);
    for (const name of names) {
      expect(name).toBeDefined();
      const roleName = (name ?? '').split('/').pop();
      expect((await iam.send(new GetRoleCommand({ RoleName: roleName }))).Role?.RoleName).toBe(roleName);
    }
  });
});
