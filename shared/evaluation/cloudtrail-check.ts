/**
 * The CloudTrail precondition: Tripline's real-time path sees only what a trail records. The sweep checks that at
 * least one logging trail (an organization trail counts) records management write events, and warns otherwise.
 */
import {
  type CloudTrailClient,
  DescribeTrailsCommand,
  GetEventSelectorsCommand,
  type GetEventSelectorsCommandOutput,
  GetTrailStatusCommand,
} from '@aws-sdk/client-cloudtrail';

export interface TrailCheck {
  ok: boolean;
  /** Trails that log management write events. */
  recording: string[];
  message: string;
}

/** Whether a trail's selectors (basic or advanced) record management write events. */
export function recordsManagementWrites(
  selectors: Pick<GetEventSelectorsCommandOutput, 'EventSelectors' | 'AdvancedEventSelectors'>,
): boolean {
  for (const s of selectors.EventSelectors ?? []) {
    if (s.IncludeManagementEvents !== false && s.ReadWriteType !== 'ReadOnly') return true;
  }
  for (const advanced of selectors.AdvancedEventSelectors ?? []) {
    const fields = advanced.FieldSelectors ?? [];
    const category = fields.find((f) => f.Field === 'eventCategory');
    if (!category?.Equals?.includes('Management')) continue;
    const readOnly = fields.find((f) => f.Field === 'readOnly');
    if (!readOnly?.Equals?.includes('true')) return true;
  }
  return false;
}

export async function checkCloudTrail(client: CloudTrailClient): Promise<TrailCheck> {
  const { trailList = [] } = await client.send(new DescribeTrailsCommand({ includeShadowTrails: true }));
  const recording: string[] = [];
  for (const trail of trailList) {
    const name = trail.TrailARN ?? trail.Name;
    if (!name) continue;
    const [status, selectors] = await Promise.all([
      client.send(new GetTrailStatusCommand({ Name: name })),
      client.send(new GetEventSelectorsCommand({ TrailName: name })),
    ]);
    if (status.IsLogging && recordsManagementWrites(selectors)) recording.push(name);
  }
  return recording.length > 0
    ? { ok: true, recording, message: `management events recorded by ${recording.join(', ')}` }
    : {
        ok: false,
        recording,
        message:
          'no logging CloudTrail trail records management write events: IAM and Lambda changes will not reach ' +
          'Tripline in real time (only this sweep will find them). Create a trail, or an organization trail.',
      };
}
