// HubSpot's burst limits as rolling windows: every request in the last 10 s counts against
// the ten-secondly limit, every search in the last second against the search limit.
// Source: developers.hubspot.com/docs/developer-tooling/platform/usage-guidelines.

export class RollingWindow {
  readonly #windowMs: number;
  /** Arrival times (ms) of accepted requests inside the window, oldest first. */
  #times: number[] = [];

  constructor(windowMs: number) {
    this.#windowMs = windowMs;
  }

  /**
   * Admits one request at `now` when fewer than `limit` were admitted in the window; returns
   * 0 when admitted, else ms until a slot frees. Rejected requests do not count.
   */
  take(limit: number, now = Date.now()): number {
    this.#prune(now);
    if (this.#times.length >= limit) return Math.max(1, this.#times[0]! + this.#windowMs - now);
    this.#times.push(now);
    return 0;
  }

  /** Requests still allowed in the window at `now`. */
  remaining(limit: number, now = Date.now()): number {
    this.#prune(now);
    return Math.max(0, limit - this.#times.length);
  }

  reset(): void {
    this.#times = [];
  }

  #prune(now: number): void {
    let drop = 0;
    while (drop < this.#times.length && this.#times[drop]! <= now - this.#windowMs) drop += 1;
    if (drop) this.#times.splice(0, drop);
  }
}
