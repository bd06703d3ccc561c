// What gets logged for one (message, contact): the EmailActivity snapshot taken at enqueue,
// its idempotency key, and which participants may be logged at all (own addresses and the
// never-log list excluded). Snapshotting at enqueue means a later local delete loses nothing.
import { createHash } from 'node:crypto';
import type { MessageRecord } from '../store/types.ts';
import type { EmailActivity } from './types.ts';

/**
 * Stable per (CRM, email, CRM contact): sha256 over the CRM name, the email's identity —
 * its RFC 5322 Message-ID when it has one (the same email seen by two of the rep's
 * mailboxes is one email), else `account + provider message id` — and the CRM contact id.
 * Returned as `mb1-` + 40 hex characters.
 */
export function idempotencyKey(input: {
  crm: string;
  accountEmail: string;
  providerMessageId: string;
  messageIdHeader: string | null;
  crmContactId: string;
}): string {
  const identity = input.messageIdHeader
    ? `mid:${input.messageIdHeader.trim().toLowerCase()}`
    : `pm:${input.accountEmail.toLowerCase()}:${input.providerMessageId}`;
  const hash = createHash('sha256').update(`${input.crm}\n${identity}\n${input.crmContactId}`).digest('hex');
  return `mb1-${hash.slice(0, 40)}`;
}

/**
 * The activity to log for `message` and one contact. Direction is outgoing when From is one
 * of the rep's own addresses (lower-cased), else incoming. Timestamp (ms): the Date header
 * (the send time) for outgoing mail, the provider's receive time for incoming mail, each
 * falling back to the other.
 */
export function snapshotActivity(
  message: Omit<MessageRecord, 'raw'>,
  own: ReadonlySet<string>,
  key: string,
): EmailActivity {
  const outgoing = message.from !== null && own.has(message.from.address.toLowerCase());
  const role = (r: string) =>
    message.participants.filter((p) => p.role === r).map((p) => ({ address: p.address, name: p.name }));
  const timestamp = outgoing
    ? (message.date ?? message.internalDate ?? message.receivedAt)
    : (message.internalDate ?? message.date ?? message.receivedAt);
  return {
    timestamp,
    direction: outgoing ? 'outgoing' : 'incoming',
    subject: message.subject,
    text: message.text,
    html: message.html,
    from: message.from ? { address: message.from.address, name: message.from.name } : { address: '', name: '' },
    to: role('to'),
    cc: role('cc'),
    messageIdHeader: message.messageId,
    idempotencyKey: key,
  };
}

/**
 * Matches an address against never-log entries: a full address matches itself, a domain
 * (`example.com`, or `@example.com`) matches that domain and its subdomains.
 */
export function isNeverLogged(address: string, neverLog: readonly string[]): boolean {
  const a = address.trim().toLowerCase();
  const domain = a.slice(a.lastIndexOf('@') + 1);
  for (const raw of neverLog) {
    const entry = raw.trim().toLowerCase().replace(/^@/, '');
    if (!entry) continue;
    if (entry.includes('@')) {
      if (entry === a) return true;
    } else if (domain === entry || domain.endsWith(`.${entry}`)) {
      return true;
    }
  }
  return false;
}

/** From/To/Cc addresses of `message` that may be logged: not the rep's own, not never-logged; de-duplicated. */
export function loggableAddresses(
  message: Pick<MessageRecord, 'participants'>,
  own: ReadonlySet<string>,
  neverLog: readonly string[],
): string[] {
  const out = new Set<string>();
  for (const p of message.participants) {
    if (p.role !== 'from' && p.role !== 'to' && p.role !== 'cc') continue;
    const a = p.address.toLowerCase();
    if (own.has(a) || isNeverLogged(a, neverLog)) continue;
    out.add(a);
  }
  return [...out];
}
