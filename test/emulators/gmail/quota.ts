// Gmail's per-user rate limit as a token bucket: 250 quota units per second, each method
// costing its documented units, so clients that go too fast get 429 rateLimitExceeded.
// Source: https://developers.google.com/gmail/api/reference/quota

/** Quota units per method (the ids googleapis uses, e.g. gmail.users.messages.get). */
export const QUOTA_COST: Record<string, number> = {
  'gmail.users.getProfile': 1,
  'gmail.users.labels.list': 1,
  'gmail.users.labels.get': 1,
  'gmail.users.messages.list': 5,
  'gmail.users.messages.get': 5,
  'gmail.users.messages.attachments.get': 5,
  'gmail.users.messages.modify': 5,
  'gmail.users.messages.batchModify': 50,
  'gmail.users.messages.trash': 5,
  'gmail.users.messages.untrash': 5,
  'gmail.users.messages.delete': 10,
  'gmail.users.messages.send': 100,
  'gmail.users.threads.get': 10,
  'gmail.users.history.list': 2,
};

export class QuotaBuckets {
  readonly #buckets = new Map<string, { units: number; at: number }>();

  /**
   * Takes `cost` units from `user`'s bucket (capacity and refill: `unitsPerSecond`).
   * Returns 0 when granted, else the seconds to wait before the request would fit (≥ 1).
   */
  take(user: string, cost: number, unitsPerSecond: number, now = performance.now()): number {
    const bucket = this.#buckets.get(user) ?? { units: unitsPerSecond, at: now };
    bucket.units = Math.min(unitsPerSecond, bucket.units + ((now - bucket.at) / 1000) * unitsPerSecond);
    bucket.at = now;
    this.#buckets.set(user, bucket);
    if (bucket.units >= cost) {
      bucket.units -= cost;
      return 0;
    }
    return Math.max(1, Math.ceil((cost - bucket.units) / unitsPerSecond));
  }

  reset(): void {
    this.#buckets.clear();
  }
}
