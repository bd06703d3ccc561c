// Retry timing for the outboxes (CRM logging, sending, mail actions): exponential backoff with full jitter (AWS Architecture Blog,
// "Exponential Backoff And Jitter", 2015), never earlier than a 429's Retry-After
// (RFC 9110 §10.2.3; HubSpot usage guidelines).

export interface BackoffPolicy {
  /** First retry's ceiling, ms. */
  baseMs: number;
  /** Largest ceiling, ms. */
  capMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 2_000, capMs: 5 * 60_000 };

/**
 * Delay before attempt `attempt + 1` (ms), `attempt` ≥ 1 being the number of attempts made:
 * uniform in [0, min(cap, base · 2^(attempt−1))], and at least `retryAfterMs` when given.
 * `random` returns [0, 1) (Math.random, or a seeded one in tests).
 */
export function backoffDelay(
  attempt: number,
  policy: BackoffPolicy = DEFAULT_BACKOFF,
  random: () => number = Math.random,
  retryAfterMs = 0,
): number {
  const exponent = Math.min(Math.max(attempt - 1, 0), 30);
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** exponent);
  return Math.max(Math.max(0, retryAfterMs), Math.floor(random() * ceiling));
}
