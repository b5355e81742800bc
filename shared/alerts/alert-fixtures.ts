/**
 * Test support for the alert path: finding records made by the real transition functions, and DynamoDB
 * stream records of them as Lambda delivers them (DynamoDB JSON images). Not shipped in a bundle.
 */
import type { AttributeValue, DynamoDBRecord } from 'aws-lambda';
import type { FindingRecord, FindingSuppression, Observation } from '../findings/finding-record.ts';
import { findingItem } from '../findings/table-schema.ts';
import { applyManualStatus, applyObservation } from '../findings/transitions.ts';
import type { Severity } from '../rules/rule-types.ts';

export const ACCOUNT = '111122223333';
export const FUNCTION_ARN = `arn:aws:lambda:us-east-1:${ACCOUNT}:function:my-function`;
export const ACTOR = `arn:aws:iam::${ACCOUNT}:user/alice`;

/** A FAIL of lambda-public-invoke on my-function, caused by an AddPermission event from alice. */
export function observation(overrides: Partial<Observation> & { eventId?: string } = {}): Observation {
  const { eventId, ...rest } = overrides;
  return {
    ruleId: 'lambda-public-invoke',
    title: 'Function can be invoked by anyone',
    remediation: {
      summary:
        'Remove the public statement, or add aws:SourceAccount / aws:SourceArn / aws:PrincipalOrgID conditions.',
      cli: 'aws lambda remove-permission --function-name FUNCTION --statement-id SID',
    },
    severity: 'critical',
    status: 'FAIL',
    resource: FUNCTION_ARN,
    resourceType: 'AWS::Lambda::Function',
    findingKey: 'lambda:InvokeFunction:public',
    accountId: ACCOUNT,
    region: 'us-east-1',
    message:
      'function my-function can be invoked by anyone (lambda:InvokeFunction) through resource policy Statement[0] (Sid public)',
    evidence: {
      policy: 'resource policy',
      statement: 0,
      sid: 'public',
      action: 'lambda:InvokeFunction',
      principal: '*',
    },
    observedAt: '2026-12-01T10:00:00.000Z',
    trigger: {
      eventId: eventId ?? 'ev-1',
      eventName: 'AddPermission20150331v2',
      eventTime: '2026-12-01T09:59:30.000Z',
      actorArn: ACTOR,
      sourceIp: '203.0.113.10',
      userAgent: 'aws-cli/2.15.0 Python/3.11 Linux',
    },
    ...rest,
  };
}

export const SUPPRESSION: FindingSuppression = {
  id: 'sp-0123456789abcdef',
  ruleId: 'lambda-public-invoke',
  resourcePattern: '*',
  reason: 'public API by design',
  createdBy: ACTOR,
  createdAt: '2026-12-01T00:00:00.000Z',
};

export interface Step {
  name: string;
  before: FindingRecord | undefined;
  after: FindingRecord;
}

function at(minute: number): { iso: string; date: Date } {
  const iso = new Date(Date.parse('2026-12-01T10:00:00.000Z') + minute * 60_000).toISOString();
  return { iso, date: new Date(Date.parse(iso) + 5_000) };
}

/** One finding's life, one write per step: every transition kind and an unchanged re-evaluation. */
export function findingLife(): Step[] {
  const steps: Step[] = [];
  let current: FindingRecord | undefined;
  const observe = (
    name: string,
    minute: number,
    o: Partial<Observation>,
    suppressions: FindingSuppression[] = [],
  ) => {
    const t = at(minute);
    const result = applyObservation(
      current,
      observation({ observedAt: t.iso, eventId: `ev-${minute}`, ...o }),
      suppressions,
      t.date,
    );
    if (!result.write || result.record === undefined) throw new Error(`step ${name} wrote nothing`);
    steps.push({ name, before: current, after: result.record });
    current = result.record;
  };
  observe('OPENED', 0, { severity: 'high' });
  observe('no transition', 1, { severity: 'high' });
  observe('SEVERITY_RAISED', 2, { severity: 'critical' });
  observe('SEVERITY_LOWERED', 3, { severity: 'high' });
  observe('RESOLVED', 4, { status: 'PASS' });
  observe('REOPENED', 5, { severity: 'high' });
  observe('SUPPRESSED', 6, { severity: 'high' }, [SUPPRESSION]);
  observe('SEVERITY_RAISED while suppressed', 7, { severity: 'critical' }, [SUPPRESSION]);
  observe('RESOLVED while suppressed', 8, { status: 'PASS' });
  observe('REOPENED into a suppression', 9, { severity: 'critical' }, [SUPPRESSION]);
  observe('UNSUPPRESSED', 10, { severity: 'critical' });
  const manual = applyManualStatus(
    current!,
    { status: 'RESOLVED', reason: 'fixed by hand', actor: `arn:aws:iam::${ACCOUNT}:user/bob` },
    at(11).date,
  );
  steps.push({ name: 'RESOLVED by hand', before: current, after: manual.record });
  return steps;
}

/** A JS value as a DynamoDB JSON attribute value (what the stream carries). */
export function marshallValue(value: unknown): AttributeValue {
  if (value === null) return { NULL: true };
  if (typeof value === 'string') return { S: value };
  if (typeof value === 'number') return { N: String(value) };
  if (typeof value === 'boolean') return { BOOL: value };
  if (Array.isArray(value)) return { L: value.map(marshallValue) };
  if (typeof value === 'object') return { M: marshallItem(value as Record<string, unknown>) };
  throw new TypeError(`cannot marshall ${typeof value}`);
}

export function marshallItem(item: Record<string, unknown>): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {};
  for (const [key, value] of Object.entries(item)) if (value !== undefined) out[key] = marshallValue(value);
  return out;
}

let sequence = 1000;

/** The stream record of a write of `after` over `before` (an INSERT when there was none). */
export function streamRecord(before: FindingRecord | undefined, after: FindingRecord): DynamoDBRecord {
  const newItem = findingItem(after);
  const record: DynamoDBRecord = {
    eventID: `stream-${sequence}`,
    eventName: before === undefined ? 'INSERT' : 'MODIFY',
    eventSource: 'aws:dynamodb',
    eventVersion: '1.1',
    awsRegion: 'us-east-1',
    dynamodb: {
      Keys: { pk: { S: String(newItem['pk']) }, sk: { S: String(newItem['sk']) } },
      NewImage: marshallItem(newItem),
      SequenceNumber: String(sequence++),
      StreamViewType: 'NEW_AND_OLD_IMAGES',
    },
  };
  if (before !== undefined) record.dynamodb!.OldImage = marshallItem(findingItem(before));
  return record;
}

/** `count` new findings of one rule (a deployment creating many functions), as INSERT stream records. */
export function openedBatch(
  count: number,
  severity: Severity = 'high',
  ruleId = 'lambda-public-invoke',
): DynamoDBRecord[] {
  return Array.from({ length: count }, (_, i) => {
    const result = applyObservation(
      undefined,
      observation({
        ruleId,
        severity,
        resource: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:service-${String(i).padStart(3, '0')}`,
        eventId: `deploy-${i}`,
      }),
      [],
      new Date('2026-12-01T10:00:05.000Z'),
    );
    return streamRecord(undefined, result.record!);
  });
}
