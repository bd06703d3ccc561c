// hs_email_headers: the JSON string HubSpot reads an email's sender and recipients from, and
// the place Mailbridge carries its idempotency key so a retry can find an email it already logged.
//
// Why here: HubSpot has no idempotency key on create, and a custom property would need the
// `crm.schemas` scope and a one-off property setup in every portal. hs_email_headers is a
// standard property every account has, stored as sent and returned by batch read; HubSpot
// parses only the keys it knows (from/to/cc/bcc), so an extra key rides along untouched
// and never shows on the timeline. Source: developers.hubspot.com/docs/api/crm/email.
import type { EmailActivity } from '../types.ts';

/** The extra keys Mailbridge adds next to HubSpot's from/to/cc/bcc. */
export const IDEMPOTENCY_HEADER = 'X-Mailbridge-Key';
export const MESSAGE_ID_HEADER = 'X-Mailbridge-Message-Id';

interface HeaderAddress {
  email: string;
  firstName: string;
  lastName: string;
}

function headerAddress(address: { address: string; name: string }): HeaderAddress {
  const parts = address.name.trim().split(/\s+/).filter(Boolean);
  return { email: address.address.toLowerCase(), firstName: parts[0] ?? '', lastName: parts.slice(1).join(' ') };
}

/**
 * The hs_email_headers value for an activity: `{"from": {email, firstName, lastName},
 * "to": [...], "cc": [...], "bcc": [], "X-Mailbridge-Key": key, "X-Mailbridge-Message-Id": id}`.
 * Display names are split at the first space into firstName / lastName, as HubSpot's example does.
 */
export function buildEmailHeaders(activity: EmailActivity): string {
  return JSON.stringify({
    from: headerAddress(activity.from),
    to: activity.to.map(headerAddress),
    cc: activity.cc.map(headerAddress),
    bcc: [],
    [IDEMPOTENCY_HEADER]: activity.idempotencyKey,
    ...(activity.messageIdHeader ? { [MESSAGE_ID_HEADER]: activity.messageIdHeader } : {}),
  });
}

/** The idempotency key inside an hs_email_headers value; null when absent (an email logged elsewhere) or unreadable. */
export function readIdempotencyKey(headers: string | null | undefined): string | null {
  if (!headers) return null;
  try {
    const parsed = JSON.parse(headers) as Record<string, unknown>;
    const key = parsed?.[IDEMPOTENCY_HEADER];
    return typeof key === 'string' && key ? key : null;
  } catch {
    return null;
  }
}
