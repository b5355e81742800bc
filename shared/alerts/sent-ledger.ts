/**
 * What this container already delivered, per channel: a stream batch that failed part-way is retried as a
 * whole (or split in halves), and the messages that did go out must not go out again. Bounded (oldest
 * forgotten first) and in memory only: a retry that lands on another container, or after the container was
 * recycled, re-sends. That is the at-least-once limit of the notifier; the deterministic alert id travels with
 * every message (SNS attribute `alertId`, Slack context line, EventBridge detail) so receivers can drop repeats.
 */
export type LedgerChannel = 'email' | 'slack' | 'events';

export class SentLedger {
  readonly #capacity: number;
  readonly #ids = new Set<string>();

  constructor(capacity = 10_000) {
    this.#capacity = capacity;
  }

  has(channel: LedgerChannel, id: string): boolean {
    return this.#ids.has(`${channel}:${id}`);
  }

  add(channel: LedgerChannel, ...ids: string[]): void {
    for (const id of ids) {
      const key = `${channel}:${id}`;
      this.#ids.delete(key);
      this.#ids.add(key);
    }
    while (this.#ids.size > this.#capacity) {
      const oldest = this.#ids.values().next().value;
      if (oldest === undefined) break;
      this.#ids.delete(oldest);
    }
  }

  get size(): number {
    return this.#ids.size;
  }
}
