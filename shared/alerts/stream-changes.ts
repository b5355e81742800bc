/**
 * Finding changes from a DynamoDB stream batch of the findings table (NEW_AND_OLD_IMAGES). Each record is one
 * write; its transition (if any) is read from the old and new images with `transitionFromImages`. Ignored:
 * removals, the table's other items (suppression rules `SUPPRESSION`, event claims `EVENT#…`), and writes
 * without a transition (re-evaluations, suppression switches). The same write seen twice in a batch (same
 * finding id and version) is kept once. Pure.
 */
import type { AttributeValue, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { EVENT_PREFIX, recordFromItem, SUPPRESSION_PK } from '../findings/table-schema.ts';
import { transitionFromImages } from '../findings/transitions.ts';
import { changeOf, type FindingChange } from './alert.ts';

type Image = Record<string, AttributeValue>;

/**
 * A stream image (DynamoDB JSON, as Lambda delivers it) as plain values, the way lib-dynamodb reads items:
 * numbers become numbers, string and number sets become Sets, binary values Uint8Arrays.
 */
export function unmarshallImage(image: Image): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(image)) out[key] = unmarshallValue(value);
  return out;
}

function unmarshallValue(value: AttributeValue): unknown {
  if (value.S !== undefined) return value.S;
  if (value.N !== undefined) return Number(value.N);
  if (value.BOOL !== undefined) return value.BOOL;
  if (value.NULL !== undefined) return null;
  if (value.M !== undefined) return unmarshallImage(value.M);
  if (value.L !== undefined) return value.L.map(unmarshallValue);
  if (value.SS !== undefined) return new Set(value.SS);
  if (value.NS !== undefined) return new Set(value.NS.map(Number));
  if (value.B !== undefined) return new Uint8Array(Buffer.from(value.B, 'base64'));
  if (value.BS !== undefined) return new Set(value.BS.map((b) => new Uint8Array(Buffer.from(b, 'base64'))));
  return undefined;
}

export type IgnoredReason = 'removal' | 'not-a-finding' | 'no-transition' | 'duplicate' | 'no-image';

export interface StreamChanges {
  /** In stream order. */
  changes: FindingChange[];
  ignored: Record<IgnoredReason, number>;
}

function partitionKey(record: DynamoDBRecord): string | undefined {
  const key = record.dynamodb?.Keys?.['pk'] ?? record.dynamodb?.NewImage?.['pk'];
  return key?.S;
}

/** Classifies one stream record: a change, or why it is ignored. */
export function changeFromRecord(record: DynamoDBRecord): FindingChange | IgnoredReason {
  if (record.eventName === 'REMOVE') return 'removal';
  const pk = partitionKey(record);
  if (pk === SUPPRESSION_PK || pk?.startsWith(EVENT_PREFIX)) return 'not-a-finding';
  const newImage = record.dynamodb?.NewImage;
  if (newImage === undefined) return 'no-image';
  const after = recordFromItem(unmarshallImage(newImage));
  if (after === undefined) return 'not-a-finding';
  const oldImage = record.dynamodb?.OldImage;
  const before = oldImage === undefined ? undefined : recordFromItem(unmarshallImage(oldImage));
  const transition = transitionFromImages(before, after);
  if (transition === undefined) return 'no-transition';
  return changeOf(after, transition);
}

export function changesFromStream(event: Pick<DynamoDBStreamEvent, 'Records'>): StreamChanges {
  const ignored: Record<IgnoredReason, number> = {
    removal: 0,
    'not-a-finding': 0,
    'no-transition': 0,
    duplicate: 0,
    'no-image': 0,
  };
  const seen = new Set<string>();
  const changes: FindingChange[] = [];
  for (const record of event.Records ?? []) {
    const change = changeFromRecord(record);
    if (typeof change === 'string') {
      ignored[change] += 1;
    } else if (seen.has(change.id)) {
      ignored.duplicate += 1;
    } else {
      seen.add(change.id);
      changes.push(change);
    }
  }
  return { changes, ignored };
}
