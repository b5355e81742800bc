import { describe, expect, it } from 'vitest';
import { parsePolicy } from '../engine/parse-policy.ts';
import cases from './affected-resources.cases.json' with { type: 'json' };
import {
  type AffectedResource,
  affectedResources,
  IAM_CHANGE_EVENTS,
  LAMBDA_CHANGE_EVENTS,
  lambdaOperation,
  parseFunctionName,
  resourceArn,
} from './affected-resources.ts';
import type { CloudTrailEvent } from './cloudtrail-event.ts';
import { fixtureNames, hasFixture, loadFixture } from './event-fixtures.ts';

const expected = cases as Record<string, AffectedResource[]>;

/** The event with its request parameters replaced. */
function withRequest(name: string, requestParameters: Record<string, unknown>): CloudTrailEvent {
  const event = loadFixture(name);
  return { ...event, detail: { ...event.detail, requestParameters } };
}

/** The document decoded (JSON string, URL-encoded string or object), after checking the policy engine reads it. */
function decoded(resource: AffectedResource): AffectedResource {
  const { document } = resource;
  if (document === undefined) return resource;
  const parsed = parsePolicy(document, { kind: resource.documentType === 'trust' ? 'trust' : 'identity' });
  if (!parsed.ok) throw new Error(`document does not parse: ${JSON.stringify(parsed.errors)}`);
  if (typeof document !== 'string') return resource;
  const text = document.trim().startsWith('%') ? decodeURIComponent(document) : document;
  return { ...resource, document: JSON.parse(text) };
}

describe('affectedResources', () => {
  it('has an expectation for every fixture, and a fixture for every expectation', () => {
    expect(Object.keys(expected).sort()).toEqual(fixtureNames());
  });

  it.each(fixtureNames())('maps %s', (name) => {
    expect(affectedResources(loadFixture(name)).map(decoded)).toEqual(expected[name]);
  });

  it.each([...IAM_CHANGE_EVENTS, ...LAMBDA_CHANGE_EVENTS])(
    'has a fixture for %s that maps to something',
    (name) => {
      expect(hasFixture(name)).toBe(true);
      expect(affectedResources(loadFixture(name)).length).toBeGreaterThan(0);
    },
  );

  it('maps an unrelated event to nothing', () => {
    expect(affectedResources(loadFixture('PutBucketTagging'))).toEqual([]);
  });

  it('maps a known event without its parameters to nothing', () => {
    for (const name of [
      'PutRolePolicy',
      'AddPermission20150331v2',
      'DeleteRule',
      'StopLogging',
      'DeleteStack',
    ]) {
      const event = loadFixture(name);
      expect(affectedResources({ ...event, detail: { ...event.detail, requestParameters: null } })).toEqual(
        [],
      );
    }
  });

  it('maps a duplicate delivery exactly like the original', () => {
    expect(affectedResources(loadFixture('PutUserPolicy.duplicate'))).toEqual(
      affectedResources(loadFixture('PutUserPolicy')),
    );
  });

  it('carries URL-encoded and object documents as recorded, and drops redacted ones', () => {
    const text = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}';
    const encoded = encodeURIComponent(text);
    const [fromEncoded] = affectedResources(
      withRequest('PutRolePolicy', { roleName: 'r', policyName: 'p', policyDocument: encoded }),
    );
    expect(fromEncoded?.document).toBe(encoded);
    expect(decoded(fromEncoded as AffectedResource).document).toEqual(JSON.parse(text));

    const object = JSON.parse(text) as unknown;
    const [fromObject] = affectedResources(
      withRequest('UpdateAssumeRolePolicy', { roleName: 'r', policyDocument: object }),
    );
    expect(fromObject).toMatchObject({ document: object, documentType: 'trust' });

    const [redacted] = affectedResources(
      withRequest('PutUserPolicy', {
        userName: 'u',
        policyName: 'p',
        policyDocument: 'HIDDEN_DUE_TO_SECURITY_REASONS',
      }),
    );
    expect(redacted).toEqual({ kind: 'user', change: 'inline-policy', name: 'u', policyName: 'p' });
  });

  it('attributes credential calls without a user name to the caller', () => {
    const own = withRequest('UpdateLoginProfile', {});
    expect(affectedResources(own)).toEqual([
      {
        kind: 'user',
        change: 'credentials',
        name: 'ci-legacy',
        arn: 'arn:aws:iam::111122223333:user/ci-legacy',
      },
    ]);
    const root = loadFixture('CreateAccessKey');
    const rootKey: CloudTrailEvent = {
      ...root,
      detail: {
        ...root.detail,
        requestParameters: {},
        responseElements: { accessKey: { status: 'Active' } },
      },
    };
    expect(affectedResources(rootKey)).toEqual([
      { kind: 'root', change: 'credentials', arn: 'arn:aws:iam::111122223333:root' },
    ]);
  });

  it('builds a role ARN from the request path when the response has none', () => {
    const event = loadFixture('CreateRole');
    const noResponse: CloudTrailEvent = {
      ...event,
      detail: {
        ...event.detail,
        requestParameters: { roleName: 'svc', path: 'service-role' },
        responseElements: null,
      },
    };
    expect(affectedResources(noResponse)[0]?.arn).toBe('arn:aws:iam::111122223333:role/service-role/svc');
  });

  it('keeps a function that loses one version', () => {
    expect(
      affectedResources(withRequest('DeleteFunction20150331', { functionName: 'orders-api:3' })),
    ).toEqual([
      {
        kind: 'function',
        change: 'version',
        name: 'orders-api',
        arn: 'arn:aws:lambda:us-east-1:111122223333:function:orders-api',
        qualifier: '3',
      },
    ]);
    expect(
      affectedResources(
        withRequest('DeleteFunction20150331', { functionName: 'orders-api', qualifier: '4' }),
      )[0],
    ).toMatchObject({ change: 'version', qualifier: '4' });
  });

  it('maps Lambda event names with any API-version suffix', () => {
    for (const name of [
      'AddPermission',
      'AddPermission20150331',
      'AddPermission20150331v2',
      'AddPermission20150331v3',
    ]) {
      const event = loadFixture('AddPermission20150331v2');
      const renamed = { ...event, detail: { ...event.detail, eventName: name } };
      expect(affectedResources(renamed)).toEqual(expected['AddPermission20150331v2']);
    }
  });

  it('names rules on custom buses and trails and stacks by ARN', () => {
    const rule = withRequest('DisableRule', {
      name: 'audit',
      eventBusName: 'arn:aws:events:us-east-1:111122223333:event-bus/security',
    });
    expect(affectedResources(rule)[0]).toMatchObject({
      name: 'audit',
      eventBusName: 'security',
      arn: 'arn:aws:events:us-east-1:111122223333:rule/security/audit',
    });
    const trail = withRequest('DeleteTrail', {
      name: 'arn:aws:cloudtrail:us-east-1:111122223333:trail/org-trail',
    });
    expect(affectedResources(trail)[0]).toMatchObject({
      name: 'org-trail',
      arn: 'arn:aws:cloudtrail:us-east-1:111122223333:trail/org-trail',
    });
    const stackId =
      'arn:aws:cloudformation:us-east-1:111122223333:stack/Tripline/0f1e2d3c-4b5a-6978-8695-a4b3c2d1e0f9';
    expect(affectedResources(withRequest('DeleteStack', { stackName: stackId }))[0]).toMatchObject({
      name: 'Tripline',
      arn: stackId,
    });
    expect(
      affectedResources(
        withRequest('DeleteTable', { tableName: 'arn:aws:dynamodb:us-east-1:111122223333:table/t' }),
      )[0],
    ).toMatchObject({
      name: 't',
      arn: 'arn:aws:dynamodb:us-east-1:111122223333:table/t',
    });
  });
});

describe('parseFunctionName', () => {
  const defaults = { region: 'us-east-1', account: '111122223333' };
  it.each([
    ['orders-api', 'orders-api', 'arn:aws:lambda:us-east-1:111122223333:function:orders-api', undefined],
    ['orders-api:live', 'orders-api', 'arn:aws:lambda:us-east-1:111122223333:function:orders-api', 'live'],
    ['444455556666:function:x', 'x', 'arn:aws:lambda:us-east-1:444455556666:function:x', undefined],
    ['444455556666:function:x:$LATEST', 'x', 'arn:aws:lambda:us-east-1:444455556666:function:x', '$LATEST'],
    [
      'arn:aws:lambda:eu-west-1:444455556666:function:x',
      'x',
      'arn:aws:lambda:eu-west-1:444455556666:function:x',
      undefined,
    ],
    [
      'arn:aws-cn:lambda:cn-north-1:444455556666:function:x:7',
      'x',
      'arn:aws-cn:lambda:cn-north-1:444455556666:function:x',
      '7',
    ],
  ])('reads %s', (value, name, arn, qualifier) => {
    const ref = parseFunctionName(value, defaults);
    expect(ref).toEqual(qualifier === undefined ? { name, arn } : { name, arn, qualifier });
  });

  it.each([
    'arn:aws:lambda:us-east-1:111122223333:layer:x:1',
    'arn:aws:s3:::bucket',
    'a:b:c',
    'orders-api:',
    '111122223333:function:x:1:2',
  ])('rejects %s', (value) => {
    expect(parseFunctionName(value, defaults)).toBeUndefined();
  });

  it('uses the partition of the Region for bare names', () => {
    expect(parseFunctionName('f', { region: 'us-gov-west-1', account: '111122223333' })?.arn).toBe(
      'arn:aws-us-gov:lambda:us-gov-west-1:111122223333:function:f',
    );
  });
});

describe('lambdaOperation and resourceArn', () => {
  it('strips API-version suffixes', () => {
    expect(lambdaOperation('UpdateFunctionConfiguration20150331v2')).toBe('UpdateFunctionConfiguration');
    expect(lambdaOperation('PublishLayerVersion20181031')).toBe('PublishLayerVersion');
    expect(lambdaOperation('GetFunction')).toBe('GetFunction');
  });

  it('prefers the exact ARN and builds a path-less one from a name', () => {
    const event = loadFixture('DeleteRole');
    expect(resourceArn({ kind: 'role', change: 'deleted', name: 'legacy-etl-role' }, event)).toBe(
      'arn:aws:iam::111122223333:role/legacy-etl-role',
    );
    expect(
      resourceArn(
        { kind: 'user', change: 'created', name: 'x', arn: 'arn:aws:iam::111122223333:user/ops/x' },
        event,
      ),
    ).toBe('arn:aws:iam::111122223333:user/ops/x');
    expect(resourceArn({ kind: 'stack', change: 'deleted', name: 'Tripline' }, event)).toBe(
      'arn:aws:cloudformation:us-east-1:111122223333:stack/Tripline',
    );
  });
});
