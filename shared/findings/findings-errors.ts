/**
 * Errors of the findings store. Infrastructure failures carry the SDK error as `cause` and propagate (so Lambda
 * retries and dead-letter queues apply); they are never turned into "no transition".
 */

/** DynamoDB (or the network) failed after the SDK's own retries. */
export class FindingsStoreError extends Error {
  override readonly name = 'FindingsStoreError';
}

/** Optimistic concurrency gave up: the item kept changing under us for every attempt. */
export class FindingConflictError extends Error {
  override readonly name = 'FindingConflictError';
}

export class FindingNotFoundError extends Error {
  override readonly name = 'FindingNotFoundError';
}

/** A query the table cannot answer with a Query (e.g. a resource prefix without an account), or a bad cursor. */
export class FindingsQueryError extends Error {
  override readonly name = 'FindingsQueryError';
}
