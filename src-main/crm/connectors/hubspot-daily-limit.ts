// HubSpot's daily API limit: private-app tokens get a quota per day (250,000 on Free/Starter,
// 500,000 on Professional/Enterprise, more with the API add-on) that "resets at midnight based
// on the time zone setting of the HubSpot account"; OAuth apps have none and get no daily
// headers. Once spent every call answers 429 {errorType: RATE_LIMIT, policyName: DAILY} until
// that midnight, so waiting seconds and retrying only burns requests.
// Sources: developers.hubspot.com/docs/developer-tooling/platform/usage-guidelines (429 body,
//          "The daily limit resets at midnight based on your time zone setting"),
//          developers.hubspot.com/apisbytier (limits per tier), developers.hubspot.com/changelog/
//          rate-limit-headers-will-now-appear-for-oauth-authenticated-calls (no daily headers for OAuth).

/** X-HubSpot-RateLimit-Daily: requests allowed per day. */
export const DAILY_HEADER = 'x-hubspot-ratelimit-daily';
/** X-HubSpot-RateLimit-Daily-Remaining: requests still allowed today (after this one). */
export const DAILY_REMAINING_HEADER = 'x-hubspot-ratelimit-daily-remaining';

/** Whether a 429 is the daily limit: policyName DAILY, or a Daily-Remaining of 0 whatever the body says. */
export function isDailyLimit(body: { policyName?: string } | null, headers: Headers): boolean {
  return body?.policyName === 'DAILY' || headers.get(DAILY_REMAINING_HEADER)?.trim() === '0';
}

/** Whether a successful answer spent the last request of the day (the next one would be a DAILY 429). */
export function spentDailyQuota(headers: Headers): boolean {
  return headers.get(DAILY_REMAINING_HEADER)?.trim() === '0';
}

/** What the account details say about its clock (GET /account-info/v3/details: timeZone, utcOffsetMilliseconds). */
export interface AccountClock {
  /** An IANA zone (HubSpot sends e.g. "US/Eastern", "Europe/Berlin"); null when unknown. */
  timeZone: string | null;
  /** The account's current offset, ms; used when Intl does not know `timeZone`. */
  utcOffsetMs?: number | null;
}

/**
 * The first midnight after `now` (ms since the epoch) in the account's time zone, as ms since
 * the epoch: the daily limit's reset. Without a usable zone, the fixed `utcOffsetMs`; without
 * either, the next midnight UTC — hours off the real reset for most accounts: late east of
 * UTC; early west of it, where the retry draws another 429 and then waits for the next UTC
 * midnight, most of a day too long. So learn the zone before the limit hits (verify()).
 */
export function nextDailyReset(now: number, clock: AccountClock | null): number {
  const utc = new Date(now);
  const nextUtcMidnight = Date.UTC(utc.getUTCFullYear(), utc.getUTCMonth(), utc.getUTCDate() + 1);
  const wall = clock?.timeZone ? wallClock(clock.timeZone) : null;
  if (wall) {
    const today = wall(now);
    const target = Date.UTC(today.year, today.month - 1, today.day + 1);
    // Local midnight = target − offset at that instant; two passes settle a DST change that
    // day. Where midnight itself is skipped (a DST jump at 00:00) this lands on 01:00, the first
    // local time of the new day.
    let guess = target - offsetAt(wall, target);
    guess = target - offsetAt(wall, guess);
    return guess > now ? guess : guess + 86_400_000;
  }
  if (typeof clock?.utcOffsetMs === 'number' && Number.isFinite(clock.utcOffsetMs)) {
    const local = new Date(now + clock.utcOffsetMs);
    return Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate() + 1) - clock.utcOffsetMs;
  }
  return nextUtcMidnight;
}

interface WallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

/** A reader of the wall clock in `timeZone`, or null when Intl does not know the zone. */
function wallClock(timeZone: string): ((at: number) => WallTime) | null {
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
    });
  } catch {
    return null;
  }
  return (at) => {
    const parts = Object.fromEntries(format.formatToParts(at).map((p) => [p.type, p.value]));
    return {
      year: Number(parts.year), month: Number(parts.month), day: Number(parts.day),
      hour: Number(parts.hour), minute: Number(parts.minute), second: Number(parts.second),
    };
  };
}

/** The zone's offset from UTC at `at`, ms (whole seconds: Intl formats no milliseconds). */
function offsetAt(wall: (at: number) => WallTime, at: number): number {
  const w = wall(at);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return asUtc - Math.floor(at / 1000) * 1000;
}
