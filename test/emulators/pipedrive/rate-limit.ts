// Pipedrive's limits as the emulator keeps them: burst windows of 2 seconds per token (one for
// all requests, one for the Search API) and a daily token budget per company that resets at
// 00:00 UTC. Source: pipedrive.readme.io/docs/core-api-concepts-rate-limiting (token costs
// per operation: `x-token-cost` in openapi/upstream/v1.yaml and v2.yaml, github.com/juhokoskela/pipedrive-go).

export const BURST_WINDOW_MS = 2_000;

export class BurstWindow {
  /** Arrival times (ms) of admitted requests inside the window, oldest first. */
  #times: number[] = [];

  /** Requests still allowed at `now`. */
  remaining(limit: number, now = Date.now()): number {
    this.#prune(now);
    return Math.max(0, limit - this.#times.length);
  }

  /** Admits one request at `now` (the caller checked remaining()). */
  take(now = Date.now()): void {
    this.#prune(now);
    this.#times.push(now);
  }

  /** Ms until the oldest admitted request leaves the window (0 when the window is empty). */
  resetMs(now = Date.now()): number {
    this.#prune(now);
    return this.#times.length ? Math.max(1, this.#times[0]! + BURST_WINDOW_MS - now) : 0;
  }

  /** The x-ratelimit-* headers for `limit` at `now`: reset in whole seconds, as the rate-limiting page's example shows. */
  headers(limit: number, now = Date.now()): Record<string, string> {
    return {
      'x-ratelimit-limit': String(limit),
      'x-ratelimit-remaining': String(this.remaining(limit, now)),
      'x-ratelimit-reset': String(Math.max(1, Math.ceil(this.resetMs(now) / 1000))),
    };
  }

  reset(): void {
    this.#times = [];
  }

  #prune(now: number): void {
    let drop = 0;
    while (drop < this.#times.length && this.#times[drop]! <= now - BURST_WINDOW_MS) drop += 1;
    if (drop) this.#times.splice(0, drop);
  }
}

/** The company's daily token budget and the day's POST/PUT count (x-daily-requests-left). */
export class DailyBudget {
  #day = '';
  #spent = 0;
  #writes = 0;

  spent(now = Date.now()): number {
    this.#roll(now);
    return this.#spent;
  }

  writes(now = Date.now()): number {
    this.#roll(now);
    return this.#writes;
  }

  /** Whether `cost` more tokens fit in `budget` today. */
  fits(cost: number, budget: number, now = Date.now()): boolean {
    this.#roll(now);
    return this.#spent + cost <= budget;
  }

  charge(cost: number, write: boolean, now = Date.now()): void {
    this.#roll(now);
    this.#spent += cost;
    if (write) this.#writes += 1;
  }

  reset(): void {
    this.#day = '';
  }

  #roll(now: number): void {
    const day = new Date(now).toISOString().slice(0, 10);
    if (day === this.#day) return;
    this.#day = day;
    this.#spent = 0;
    this.#writes = 0;
  }
}
