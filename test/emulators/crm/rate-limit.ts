// HubSpot's burst limits as rolling windows (every request in the last 10 s counts against
// the ten-secondly limit, every search in the last second against the search limit), and the
// daily limit as a count per calendar day in the account's time zone.
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

/**
 * HubSpot's daily limit for private apps: a number of requests per calendar day, the day as the
 * account's time zone counts it ("resets at midnight based on the time zone setting of the
 * HubSpot account", usage guidelines). Only admitted requests count.
 */
export class DailyBudget {
  #day = '';
  #used = 0;

  /** Requests left today at `now` under `limit` in `timeZone`. */
  remaining(limit: number, timeZone: string, now = Date.now()): number {
    this.#roll(timeZone, now);
    return Math.max(0, limit - this.#used);
  }

  /** Counts one admitted request. */
  spend(timeZone: string, now = Date.now()): void {
    this.#roll(timeZone, now);
    this.#used += 1;
  }

  /** Leaves exactly `remaining` requests for today (a test's shortcut to a spent quota). */
  setRemaining(limit: number, remaining: number, timeZone: string, now = Date.now()): void {
    this.#roll(timeZone, now);
    this.#used = Math.max(0, limit - remaining);
  }

  used(timeZone: string, now = Date.now()): number {
    this.#roll(timeZone, now);
    return this.#used;
  }

  reset(): void {
    this.#day = '';
    this.#used = 0;
  }

  /** A new local date in `timeZone` starts a new day's count. */
  #roll(timeZone: string, now: number): void {
    const day = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
    if (day !== this.#day) {
      this.#day = day;
      this.#used = 0;
    }
  }
}
