import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CloudTrailEvent } from './cloudtrail-event.ts';
import { fixtureNames, loadFixture, readFixture } from './event-fixtures.ts';
import {
  actorArn,
  actorOf,
  describeActor,
  eventBridgeSource,
  isFailedCall,
  isRedacted,
  parseEvent,
  parseLogFile,
  toEnvelope,
} from './parse-event.ts';

const names = fixtureNames();

function withDetail(name: string, detail: Record<string, unknown>): Record<string, unknown> {
  const raw = readFixture(name);
  return { ...raw, detail: { ...(raw['detail'] as Record<string, unknown>), ...detail } };
}

function reasonOf(input: unknown): string {
  const result = parseEvent(input);
  expect(result.ok).toBe(false);
  return result.ok ? '' : result.reason;
}

describe('parseEvent', () => {
  it('has fixtures', () => {
    expect(names.length).toBeGreaterThan(60);
  });

  it.each(names)('accepts fixture %s as an EventBridge event', (name) => {
    const result = parseEvent(readFixture(name));
    expect(result.ok ? result.origin : result.reason).toBe('eventbridge');
  });

  it.each(names)('accepts the CloudTrail record of %s and wraps it like EventBridge does', (name) => {
    const fixture = loadFixture(name);
    const result = parseEvent(readFixture(name)['detail']);
    if (!result.ok) throw new Error(result.reason);
    expect(result.origin).toBe('record');
    const { id, time, ...envelope } = result.event;
    const { id: _id, time: _time, ...expected } = fixture;
    expect(envelope).toEqual(expected);
    expect(id).toBe(fixture.detail.eventID);
    expect(time).toBe(fixture.detail.eventTime);
  });

  it('keeps fields it does not type', () => {
    const event = loadFixture('AttachRolePolicy');
    expect((event.detail as unknown as Record<string, unknown>)['tlsDetails']).toEqual({
      tlsVersion: 'TLSv1.3',
      cipherSuite: 'TLS_AES_128_GCM_SHA256',
      clientProvidedHostHeader: 'iam.amazonaws.com',
    });
    expect(event.detail.userIdentity.sessionContext?.sessionIssuer?.userName).toMatch(/^AWSReservedSSO_/);
  });

  it.each([
    [null, 'expected a JSON object, got null'],
    [[1], 'expected a JSON object, got an array'],
    ['{"version":"0"}', 'expected a JSON object, got string'],
    [{ hello: 'world' }, 'neither an EventBridge event (no detail-type) nor a CloudTrail record'],
    [{ Records: [] }, 'a CloudTrail log file (Records array): parse it with parseLogFile'],
  ])('rejects %j', (input, reason) => {
    expect(reasonOf(input)).toContain(reason);
  });

  it('names a detail-type that is not a CloudTrail API call', () => {
    const raw = { ...readFixture('CreateRole'), 'detail-type': 'EC2 Instance State-change Notification' };
    expect(reasonOf(raw)).toBe(
      'detail-type is "EC2 Instance State-change Notification", expected "AWS API Call via CloudTrail"',
    );
  });

  it('names missing and malformed fields by path', () => {
    const missingId = readFixture('CreateRole');
    delete (missingId['detail'] as Record<string, unknown>)['eventID'];
    expect(reasonOf(missingId)).toBe('detail.eventID: missing (expected string)');

    const noType = withDetail('CreateRole', { userIdentity: { arn: 'arn:aws:iam::111122223333:user/x' } });
    expect(reasonOf(noType)).toBe('detail.userIdentity.type: missing (expected string)');

    expect(reasonOf(withDetail('CreateRole', { requestParameters: 'roleName=x' }))).toMatch(
      /^detail\.requestParameters: /,
    );
    expect(reasonOf(withDetail('CreateRole', { eventTime: 'yesterday' }))).toBe(
      'detail.eventTime: expected an ISO 8601 time',
    );
    expect(reasonOf({ ...readFixture('CreateRole'), account: '1111' })).toBe(
      'account: expected a 12-digit account id',
    );
  });

  it('reports at most three problems', () => {
    const reason = reasonOf({ 'detail-type': 'AWS API Call via CloudTrail', detail: {} });
    expect(reason.split('; ')).toHaveLength(4);
    expect(reason).toMatch(/; and \d+ more$/);
  });

  it('rejects a record that names no account', () => {
    const record = { ...(readFixture('DeleteRole')['detail'] as Record<string, unknown>) };
    delete record['recipientAccountId'];
    record['userIdentity'] = { type: 'AWSService', invokedBy: 'cloudformation.amazonaws.com' };
    expect(reasonOf(record)).toContain('recipientAccountId: missing');
  });

  it('drops malformed optional metadata instead of failing the event', () => {
    const result = parseEvent(withDetail('CreateRole', { tlsDetails: 'TLSv1.3', sharedEventID: 42 }));
    if (!result.ok) throw new Error(result.reason);
    expect(result.event.detail.tlsDetails).toBeUndefined();
    expect(result.event.detail.sharedEventID).toBeUndefined();
  });

  it('never throws, whatever the input', () => {
    fc.assert(
      fc.property(fc.anything(), (input) => {
        expect(typeof parseEvent(input).ok).toBe('boolean');
      }),
      { numRuns: 500 },
    );
  });

  it('never throws on fixtures with fields removed or replaced', () => {
    const fixture = readFixture('CreateFunction20150331');
    const detail = fixture['detail'] as Record<string, unknown>;
    fc.assert(
      fc.property(
        fc.constantFrom(...Object.keys(detail)),
        fc.constantFrom(...Object.keys(fixture)),
        fc.jsonValue(),
        (detailKey, key, value) => {
          const broken = { ...fixture, [key]: value, detail: { ...detail, [detailKey]: value } };
          expect(typeof parseEvent(broken).ok).toBe('boolean');
          const removed = { ...fixture, detail: { ...detail, [detailKey]: undefined } };
          expect(typeof parseEvent(removed).ok).toBe('boolean');
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('parseLogFile', () => {
  it('parses every record, naming the bad ones by index', () => {
    const records = [readFixture('CreateUser')['detail'], 42, readFixture('DeleteTrail')['detail']];
    const results = parseLogFile({ Records: records });
    expect(results.map((r) => (r.ok ? r.event.detail.eventName : r.reason))).toEqual([
      'CreateUser',
      'Records[1]: expected a JSON object, got number',
      'DeleteTrail',
    ]);
  });

  it('rejects what is not a log file', () => {
    expect(parseLogFile({ records: [] })).toEqual([
      { ok: false, reason: 'expected a CloudTrail log file: an object with a Records array' },
    ]);
  });
});

describe('toEnvelope', () => {
  it.each([
    ['iam.amazonaws.com', 'aws.iam'],
    ['lambda.amazonaws.com', 'aws.lambda'],
    ['cloudformation.amazonaws.com', 'aws.cloudformation'],
    ['iam.amazonaws.com.cn', 'aws.iam'],
  ])('maps eventSource %s to source %s', (eventSource, source) => {
    expect(eventBridgeSource(eventSource)).toBe(source);
  });

  it('derives the envelope from the record, with the eventID as envelope id', () => {
    const { detail } = loadFixture('CreateFunctionUrlConfig20211031');
    const event = toEnvelope(detail);
    expect(event).toMatchObject({
      version: '0',
      id: detail.eventID,
      'detail-type': 'AWS API Call via CloudTrail',
      source: 'aws.lambda',
      account: '111122223333',
      region: 'eu-west-1',
      resources: [],
    });
  });
});

describe('reading an event', () => {
  it('detects failed calls by their errorCode', () => {
    expect(isFailedCall(loadFixture('AttachRolePolicy.access-denied'))).toBe(true);
    expect(isFailedCall(loadFixture('AttachRolePolicy'))).toBe(false);
  });

  it('treats only the whole marker as redacted', () => {
    const event = loadFixture('UpdateFunctionConfiguration20150331v2');
    const environment = event.detail.requestParameters?.['environment'] as Record<string, unknown>;
    expect(isRedacted(environment['variables'])).toBe(true);
    expect(isRedacted('prefix HIDDEN_DUE_TO_SECURITY_REASONS')).toBe(false);
    expect(isRedacted({})).toBe(false);
    expect(isRedacted(undefined)).toBe(false);
  });

  it('names an IAM user', () => {
    const actor = actorOf(loadFixture('PutUserPolicy'));
    expect(actor).toEqual({
      type: 'IAMUser',
      arn: 'arn:aws:iam::111122223333:user/ci-legacy',
      accountId: '111122223333',
    });
    expect(describeActor(actor)).toBe('arn:aws:iam::111122223333:user/ci-legacy');
  });

  it('names a role session and the role that issued it', () => {
    const event = loadFixture('CreateRole');
    expect(actorOf(event)).toEqual({
      type: 'AssumedRole',
      arn: 'arn:aws:sts::111122223333:assumed-role/cdk-hnb659fds-cfn-exec-role-111122223333-us-east-1/AWSCloudFormation',
      issuerArn: 'arn:aws:iam::111122223333:role/cdk-hnb659fds-cfn-exec-role-111122223333-us-east-1',
      accountId: '111122223333',
      invokedBy: 'cloudformation.amazonaws.com',
    });
    expect(actorArn(event)).toMatch(/^arn:aws:sts::111122223333:assumed-role\//);
  });

  it('keeps the issuer path of an Identity Center role', () => {
    expect(actorOf(loadFixture('AttachRolePolicy')).issuerArn).toBe(
      'arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_AdministratorAccess_0a1b2c3d4e5f6a7b',
    );
  });

  it('derives the issuer of a role session without a session context', () => {
    const event = loadFixture('CreateRole');
    const identity = { ...event.detail.userIdentity };
    delete identity.sessionContext;
    const actor = actorOf({ ...event, detail: { ...event.detail, userIdentity: identity } });
    expect(actor.issuerArn).toBe(
      'arn:aws:iam::111122223333:role/cdk-hnb659fds-cfn-exec-role-111122223333-us-east-1',
    );
  });

  it('names the root user', () => {
    const event = loadFixture('CreateAccessKey');
    expect(actorArn(event)).toBe('arn:aws:iam::111122223333:root');
    const noArn = { ...event.detail.userIdentity };
    delete noArn.arn;
    expect(actorArn({ ...event, detail: { ...event.detail, userIdentity: noArn } })).toBe(
      'arn:aws:iam::111122223333:root',
    );
    expect(describeActor(actorOf(event))).toBe('the root user (arn:aws:iam::111122223333:root)');
  });

  it('names an AWS service by the service principal', () => {
    const event = loadFixture('DeleteRole');
    const service: CloudTrailEvent = {
      ...event,
      detail: { ...event.detail, userIdentity: { type: 'AWSService', invokedBy: 'lambda.amazonaws.com' } },
    };
    expect(actorOf(service)).toEqual({
      type: 'AWSService',
      arn: 'lambda.amazonaws.com',
      accountId: '111122223333',
      invokedBy: 'lambda.amazonaws.com',
    });
  });

  it('leaves the ARN out when the record does not name one', () => {
    const event = loadFixture('DeleteRole');
    const ic: CloudTrailEvent = {
      ...event,
      detail: {
        ...event.detail,
        userIdentity: {
          type: 'IdentityCenterUser',
          accountId: '111122223333',
          onBehalfOf: { userId: 'u-1' },
        },
      },
    };
    expect(actorOf(ic)).toEqual({ type: 'IdentityCenterUser', accountId: '111122223333' });
    expect(describeActor(actorOf(ic))).toBe('an unidentified IdentityCenterUser caller');
  });
});
