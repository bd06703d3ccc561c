// What a failed send means for an outbox item, decided apart from the scheduler that acts on
// it: retried when (backoff with jitter, the CRM's Retry-After, the daily allowance's reset,
// a short cap while the CRM is unreachable) and whether its outcome is now unknown, or
// failed for good; and what the outbox as a whole learns (the CRM is reachable or not, the
// token is refused, the CRM's allowance is spent).
import type { OutboxItem, OutboxWaitReason } from '../store/outbox-repository.ts';
import { backoffDelay, type BackoffPolicy } from '../platform/backoff.ts';
import { classifyCrmError, neverSent } from './crm-errors.ts';
import type { CrmAuthError } from './types.ts';

/** Server errors tolerated per item before it is marked failed (the rep can retry it). */
export const MAX_SERVER_ATTEMPTS = 8;

export type RetryDecision =
  | { action: 'retry'; at: number; reason: OutboxWaitReason; message: string; outcome: 'pending' | 'unknown' }
  | { action: 'fail'; message: string };

/** What the outbox learns beside the item's fate. */
export interface RetryEffects {
  /** The CRM answered (true) or could not be reached (false). */
  online?: boolean;
  /** The token is refused: pause until the rep reconnects. */
  refused?: CrmAuthError;
  /** The item's CRM takes nothing before this time (ms): its daily allowance is spent. */
  holdCrmUntil?: number;
  /** No new attempt before this time (ms) while offline: one probe per backoff interval. */
  offlineUntil?: number;
}

export interface RetryContext {
  now: number;
  backoff: BackoffPolicy;
  random: () => number;
  /** While the CRM is unreachable, the next attempt comes no later than this (ms). */
  unreachableRetryCapMs: number;
  /** The item's CRM is already held until then (ms). */
  heldUntil: number;
}

/** The item's fate after `error`, and what the outbox learns from it. */
export function decideRetry(item: OutboxItem, error: unknown, ctx: RetryContext): { decision: RetryDecision; effects: RetryEffects } {
  const attempts = item.attempts + 1;
  const message = error instanceof Error ? error.message : String(error);
  const outcome = item.state === 'unknown' ? 'unknown' : 'pending';
  const retry = (at: number, reason: OutboxWaitReason, text = message, after: 'pending' | 'unknown' = outcome): RetryDecision =>
    ({ action: 'retry', at, reason, message: text, outcome: after });
  const failure = classifyCrmError(error);
  switch (failure.kind) {
    case 'auth':
      // Not the item's fault: it keeps its place and waits for a reconnect.
      return { decision: retry(ctx.now, 'auth'), effects: { refused: failure.error } };
    case 'rate_limited': {
      if (failure.error.policy === 'daily') {
        // The day's allowance is spent: everything waits for the reset instead of retrying
        // into it, and this item does not lose its place or count the attempt against it.
        const resetAt = ctx.now + failure.error.retryAfterMs;
        return {
          decision: retry(resetAt, 'rate_limited', `${message}: logging resumes at ${new Date(resetAt).toISOString()}`),
          effects: { online: true, holdCrmUntil: Math.max(ctx.heldUntil, resetAt) },
        };
      }
      const delay = backoffDelay(attempts, ctx.backoff, ctx.random, failure.error.retryAfterMs);
      return { decision: retry(ctx.now + delay, 'rate_limited'), effects: { online: true } };
    }
    case 'unreachable': {
      const at = ctx.now + Math.min(backoffDelay(attempts, ctx.backoff, ctx.random), ctx.unreachableRetryCapMs);
      return { decision: retry(at, 'unreachable', message, neverSent(error) ? outcome : 'unknown'), effects: { online: false, offlineUntil: at } };
    }
    case 'rejected':
      return { decision: { action: 'fail', message }, effects: { online: true } };
    case 'server':
      if (attempts >= MAX_SERVER_ATTEMPTS) return { decision: { action: 'fail', message }, effects: {} };
      // The CRM may have committed, so check before resending.
      return { decision: retry(ctx.now + backoffDelay(attempts, ctx.backoff, ctx.random), 'server', message, 'unknown'), effects: {} };
  }
}
