// Receives authorization responses that arrive as custom-scheme deep links
// (mailbridge://auth/microsoft?code=…&state=…, RFC 8252 §7.1): the OS hands the URL to the
// running app, which passes it here. Each pending sign-in accepts exactly one URL whose
// state matches; a wrong or replayed state is rejected and logged without its values.
import { createHash } from 'node:crypto';
import { createLogger } from '../platform/logger.ts';
import { AuthError } from './errors.ts';
import {
  DEFAULT_SIGN_IN_TIMEOUT_MS,
  readAuthorizationResponse,
  stateMatches,
  type AuthorizationOutcome,
  type AuthorizationResponse,
} from './loopback-redirect.ts';

const log = createLogger('auth.deeplink');

export interface PendingRedirect {
  /** Settles once: the code, or AuthError access_denied, authorization_error, invalid_response, timeout or cancelled. */
  result: Promise<AuthorizationResponse>;
  /** Stops waiting; a pending `result` rejects with AuthError('cancelled'). Idempotent. */
  cancel(): void;
}

interface Waiter {
  redirectUri: string;
  state: string;
  settle(outcome: AuthorizationOutcome): void;
}

/** Remembered so a second delivery of a used response can be told apart from a forgery. */
const MAX_REMEMBERED_STATES = 64;
const fingerprint = (state: string) => createHash('sha256').update(state, 'utf8').digest('base64url');

/** Strips query and fragment: the part of a redirect URI that identifies the receiver. */
function redirectTarget(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname}`.replace(/\/$/, '');
}

export class DeepLinkBroker {
  readonly #waiters = new Set<Waiter>();
  readonly #used: string[] = [];

  /**
   * Waits for one deep link to `redirectUri` carrying `state`. Links with another state do
   * not end the wait (a forged link must not cancel the rep's sign-in); the timeout (default
   * 5 minutes) and `signal` do.
   */
  expect(options: { redirectUri: string; state: string; timeoutMs?: number; signal?: AbortSignal }): PendingRedirect {
    const timeoutMs = options.timeoutMs ?? DEFAULT_SIGN_IN_TIMEOUT_MS;
    let waiter!: Waiter;
    const result = new Promise<AuthorizationResponse>((resolve, reject) => {
      let settled = false;
      const timer = setTimeout(
        () => waiter.settle({ ok: false, error: new AuthError('timeout', `No sign-in response within ${timeoutMs} ms`) }),
        timeoutMs,
      );
      const onAbort = () => waiter.settle({ ok: false, error: new AuthError('cancelled', 'Sign-in was cancelled') });
      waiter = {
        redirectUri: redirectTarget(new URL(options.redirectUri)),
        state: options.state,
        settle: (outcome) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          options.signal?.removeEventListener('abort', onAbort);
          this.#waiters.delete(waiter);
          if (outcome.ok) resolve(outcome.value);
          else reject(outcome.error);
        },
      };
      this.#waiters.add(waiter);
      if (options.signal?.aborted) onAbort();
      else options.signal?.addEventListener('abort', onAbort, { once: true });
    });
    result.catch(() => {});
    return { result, cancel: () => waiter.settle({ ok: false, error: new AuthError('cancelled', 'Sign-in was cancelled') }) };
  }

  /** True while some sign-in waits for a deep link. */
  get pending(): boolean {
    return this.#waiters.size > 0;
  }

  /**
   * Hands a deep link to the pending sign-in whose redirect URI and state it matches (state
   * compared in constant time). Returns true when a sign-in took it; false (and a log line
   * naming only the reason) for an unknown target, no pending sign-in, or a wrong or
   * replayed state.
   */
  handle(rawUrl: string): boolean {
    const url = URL.parse(rawUrl);
    if (!url) {
      log.warn('deep link rejected', { reason: 'not a URL' });
      return false;
    }
    const target = redirectTarget(url);
    const candidates = [...this.#waiters].filter((w) => w.redirectUri === target);
    if (!candidates.length && ![...this.#waiters].length) {
      const replayed = this.#wasUsed(url.searchParams.get('state'));
      log.warn('deep link rejected', { reason: replayed ? 'replayed state' : 'no sign-in is waiting', target });
      return false;
    }
    if (!candidates.length) {
      log.warn('deep link rejected', { reason: 'unknown target', target });
      return false;
    }
    const state = url.searchParams.get('state');
    const waiter = candidates.find((w) => stateMatches(state, w.state));
    if (!waiter) {
      log.warn('deep link rejected', { reason: this.#wasUsed(state) ? 'replayed state' : 'state mismatch', target });
      return false;
    }
    this.#remember(waiter.state);
    const outcome = readAuthorizationResponse(url.searchParams);
    log.info('authorization response received', { outcome: outcome.ok ? 'code' : outcome.error.code });
    waiter.settle(outcome);
    return true;
  }

  #remember(state: string): void {
    this.#used.push(fingerprint(state));
    if (this.#used.length > MAX_REMEMBERED_STATES) this.#used.shift();
  }

  #wasUsed(state: string | null): boolean {
    if (state === null) return false;
    const print = fingerprint(state);
    return this.#used.some((used) => stateMatches(print, used));
  }
}
