import {
  CloudTrailClient,
  DescribeTrailsCommand,
  GetEventSelectorsCommand,
  GetTrailStatusCommand,
} from '@aws-sdk/client-cloudtrail';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { checkCloudTrail, recordsManagementWrites } from './cloudtrail-check.ts';

const cloudtrail = mockClient(CloudTrailClient);
const TRAIL = 'arn:aws:cloudtrail:us-east-1:111122223333:trail/management-events';

describe('checkCloudTrail', () => {
  beforeEach(() => cloudtrail.reset());

  it('is satisfied by a logging trail that records management write events', async () => {
    cloudtrail
      .on(DescribeTrailsCommand)
      .resolves({ trailList: [{ Name: 'management-events', TrailARN: TRAIL }] });
    cloudtrail.on(GetTrailStatusCommand).resolves({ IsLogging: true });
    cloudtrail
      .on(GetEventSelectorsCommand)
      .resolves({ EventSelectors: [{ ReadWriteType: 'All', IncludeManagementEvents: true }] });
    const check = await checkCloudTrail(new CloudTrailClient({ region: 'us-east-1' }));
    expect(check).toMatchObject({ ok: true, recording: [TRAIL] });
  });

  it('warns when the only trail is stopped or records data events only', async () => {
    cloudtrail.on(DescribeTrailsCommand).resolves({ trailList: [{ Name: 'a', TrailARN: TRAIL }] });
    cloudtrail.on(GetTrailStatusCommand).resolves({ IsLogging: false });
    cloudtrail
      .on(GetEventSelectorsCommand)
      .resolves({ EventSelectors: [{ ReadWriteType: 'All', IncludeManagementEvents: true }] });
    expect((await checkCloudTrail(new CloudTrailClient({ region: 'us-east-1' }))).ok).toBe(false);
    cloudtrail.on(GetTrailStatusCommand).resolves({ IsLogging: true });
    cloudtrail
      .on(GetEventSelectorsCommand)
      .resolves({ EventSelectors: [{ ReadWriteType: 'All', IncludeManagementEvents: false }] });
    const check = await checkCloudTrail(new CloudTrailClient({ region: 'us-east-1' }));
    expect(check.ok).toBe(false);
    expect(check.message).toContain('no logging CloudTrail trail records management write events');
  });

  it('reads advanced event selectors', () => {
    const management = { Field: 'eventCategory', Equals: ['Management'] };
    expect(recordsManagementWrites({ AdvancedEventSelectors: [{ FieldSelectors: [management] }] })).toBe(
      true,
    );
    expect(
      recordsManagementWrites({
        AdvancedEventSelectors: [{ FieldSelectors: [management, { Field: 'readOnly', Equals: ['true'] }] }],
      }),
    ).toBe(false);
    expect(
      recordsManagementWrites({
        AdvancedEventSelectors: [{ FieldSelectors: [{ Field: 'eventCategory', Equals: ['Data'] }] }],
      }),
    ).toBe(false);
  });
});
