// Outlook's per-mailbox limits on Graph: at most 4 concurrent requests (the next one gets
// 429 MailboxConcurrency) and 10,000 requests per 10 minutes (429 with Retry-After until the
// oldest request leaves the window). Limits are per app per mailbox; the emulator has one app.
// Every call costs the same here — a read, PATCH, move or sendMail takes one request of the
// window and one concurrency slot — since Outlook documents no per-operation cost; the
// 150 MB-per-5-minutes upload limit is not modelled.
// Source: https://learn.microsoft.com/en-us/graph/throttling-limits#outlook-service-limits

export class MailboxThrottle {
  readonly #inFlight = new Map<string, number>();
  /** Admission times (ms, performance.now) per mailbox, oldest first. */
  readonly #windows = new Map<string, number[]>();
  peak = 0;

  /** Marks a request in flight; returns false (and does not count it) when `limit` are already running. */
  enter(mailbox: string, limit: number | null): boolean {
    const running = this.#inFlight.get(mailbox) ?? 0;
    if (limit !== null && running >= limit) return false;
    this.#inFlight.set(mailbox, running + 1);
    this.peak = Math.max(this.peak, running + 1);
    return true;
  }

  leave(mailbox: string): void {
    this.#inFlight.set(mailbox, Math.max(0, (this.#inFlight.get(mailbox) ?? 1) - 1));
  }

  /**
   * Admits one request into `mailbox`'s sliding window of `windowMs` holding at most `limit`.
   * Returns 0 when admitted, else the whole seconds until a slot frees (≥ 1).
   */
  admit(mailbox: string, limit: number, windowMs: number, now = performance.now()): number {
    const times = this.#windows.get(mailbox) ?? [];
    this.#windows.set(mailbox, times);
    let expired = 0;
    while (expired < times.length && times[expired]! <= now - windowMs) expired += 1;
    if (expired) times.splice(0, expired);
    if (times.length < limit) {
      times.push(now);
      return 0;
    }
    return Math.max(1, Math.ceil((times[times.length - limit]! + windowMs - now) / 1000));
  }

  /** In-flight counts survive (their requests are still running); windows and the peak reset. */
  reset(): void {
    this.#windows.clear();
    this.peak = Math.max(0, ...this.#inFlight.values());
  }
}
