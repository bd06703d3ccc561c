// What one logged email becomes in Salesforce, and where Mailbridge's idempotency key rides.
// Enhanced Email: an EmailMessage (MessageIdentifier = the Message-ID, RelatedToId = the one
// Opportunity or Account) with an EmailMessageRelation per contact or lead (ToAddress,
// CcAddress or FromAddress as the person appears on the message). Enhanced Email off: a
// completed Task with TaskSubtype = 'Email' per person.
//
// The key: EmailMessage.Headers, a text area Salesforce stores as sent and returns on query,
// gets an RFC 5322-style header block with an X-Mailbridge-Idempotency-Key line. MessageIdentifier
// (filterable) finds the candidates, Headers (a text area: selectable, not filterable)
// confirms which of them carries this key. A Task has no such field, so the same header block
// heads its Description. Neither shows in list views; both survive edits of other fields.
// Sources (developer.salesforce.com/docs/atlas.en-us.object_reference.meta/object_reference/…):
// sforce_api_objects_emailmessage.htm, …_emailmessagerelation.htm, …_task.htm; lengths from
// developer.salesforce.com/docs/platform/field-reference (EmailMessage: Subject 3000,
// HtmlBody 131072, Headers 32000, ToAddress/CcAddress 4000).
import type { EmailActivity, EmailDirection } from '../types.ts';

export const IDEMPOTENCY_HEADER = 'X-Mailbridge-Idempotency-Key';
export const EMAIL_SUBJECT_MAX = 3000;
export const EMAIL_BODY_MAX = 131_072;
export const HEADERS_MAX = 32_000;
export const ADDRESS_LIST_MAX = 4000;
export const TASK_SUBJECT_MAX = 255;
export const TASK_DESCRIPTION_MAX = 32_000;

/** EmailMessage.Status: 1 Read (received), 3 Sent, 4 Forwarded. */
const STATUS: Record<EmailDirection, string> = { incoming: '1', outgoing: '3', forwarded: '4' };

export type RelationType = 'FromAddress' | 'ToAddress' | 'CcAddress';

/** One header line's value: no CR/LF (header injection), trimmed. */
function headerValue(value: string): string {
  return value.replace(/[\r\n]+/g, ' ').trim();
}

function mailbox(a: { address: string; name: string }): string {
  const name = headerValue(a.name).replace(/"/g, "'");
  return name ? `"${name}" <${a.address}>` : `<${a.address}>`;
}

/** The Message-ID as the header writes it, <id>; null without one. */
export function angleMessageId(messageId: string | null): string | null {
  const bare = messageId?.trim().replace(/^<|>$/g, '').trim();
  return bare ? `<${bare}>` : null;
}

/** The header block written into EmailMessage.Headers and at the top of a Task's Description. */
export function headerBlock(activity: EmailActivity): string {
  const lines = [
    ...(activity.messageIdHeader ? [`Message-ID: ${angleMessageId(activity.messageIdHeader)}`] : []),
    `Date: ${new Date(activity.timestamp).toUTCString().replace('GMT', '+0000')}`,
    `From: ${mailbox(activity.from)}`,
    ...(activity.to.length ? [`To: ${activity.to.map(mailbox).join(', ')}`] : []),
    ...(activity.cc.length ? [`Cc: ${activity.cc.map(mailbox).join(', ')}`] : []),
    `Subject: ${headerValue(activity.subject)}`,
    `${IDEMPOTENCY_HEADER}: ${headerValue(activity.idempotencyKey)}`,
  ];
  return lines.join('\r\n');
}

/** The idempotency key in a Headers value or a Task Description; null when absent (logged elsewhere). */
export function readIdempotencyKey(text: string | null | undefined): string | null {
  if (!text) return null;
  const m = new RegExp(`^${IDEMPOTENCY_HEADER}:[ \\t]*(.+?)[ \\t]*$`, 'mi').exec(text);
  return m?.[1] ?? null;
}

/** The Date header of a header block, ms since the epoch; null when absent or unreadable. */
export function readHeaderDate(text: string | null | undefined): number | null {
  const m = text ? /^Date:[ \t]*(.+?)[ \t]*$/mi.exec(text) : null;
  const ms = m ? Date.parse(m[1]!) : NaN;
  return Number.isFinite(ms) ? ms : null;
}

/** How a person appears on the message: From, To, Cc; null when not at all. */
export function relationTypeOf(activity: EmailActivity, address: string | null | undefined): RelationType | null {
  const a = address?.trim().toLowerCase();
  if (!a) return null;
  if (activity.from.address.toLowerCase() === a) return 'FromAddress';
  if (activity.to.some((t) => t.address.toLowerCase() === a)) return 'ToAddress';
  if (activity.cc.some((t) => t.address.toLowerCase() === a)) return 'CcAddress';
  return null;
}

function addressList(list: { address: string }[], exclude: Set<string>): string | null {
  const kept = list.map((a) => a.address.toLowerCase()).filter((a) => !exclude.has(a));
  if (!kept.length) return null;
  let out = '';
  for (const a of kept) {
    const next = out ? `${out}; ${a}` : a;
    if (next.length > ADDRESS_LIST_MAX) break;
    out = next;
  }
  return out || null;
}

/**
 * The EmailMessage insert body. ToAddress / CcAddress list only the addresses not related
 * through EmailMessageRelation (the Object Reference: "Include only email addresses that
 * aren't associated with Contact, Lead, or User records"); `relatedAddresses` are those.
 */
export function emailMessageBody(activity: EmailActivity, relatedToId: string | null, relatedAddresses: Set<string>): Record<string, unknown> {
  return {
    Subject: activity.subject.slice(0, EMAIL_SUBJECT_MAX),
    TextBody: activity.text.slice(0, EMAIL_BODY_MAX),
    ...(activity.html ? { HtmlBody: activity.html.slice(0, EMAIL_BODY_MAX) } : {}),
    FromAddress: activity.from.address.toLowerCase(),
    ...(activity.from.name ? { FromName: activity.from.name.slice(0, 1000) } : {}),
    ToAddress: addressList(activity.to, relatedAddresses),
    CcAddress: addressList(activity.cc, relatedAddresses),
    MessageDate: new Date(activity.timestamp).toISOString(),
    Incoming: activity.direction === 'incoming',
    Status: STATUS[activity.direction],
    ...(activity.messageIdHeader ? { MessageIdentifier: angleMessageId(activity.messageIdHeader) } : {}),
    Headers: headerBlock(activity).slice(0, HEADERS_MAX),
    ...(relatedToId ? { RelatedToId: relatedToId } : {}),
  };
}

/** The Task insert body for one person (Enhanced Email off). A lead's Task takes no WhatId. */
export function emailTaskBody(activity: EmailActivity, whoId: string, whatId: string | null): Record<string, unknown> {
  const head = headerBlock(activity);
  const description = `${head}\r\n\r\n${activity.text}`.slice(0, TASK_DESCRIPTION_MAX);
  const isLead = whoId.startsWith('00Q');
  return {
    Subject: `Email: ${headerValue(activity.subject)}`.slice(0, TASK_SUBJECT_MAX),
    Description: description,
    TaskSubtype: 'Email',
    Status: 'Completed',
    Priority: 'Normal',
    ActivityDate: new Date(activity.timestamp).toISOString().slice(0, 10),
    WhoId: whoId,
    ...(whatId && !isLead ? { WhatId: whatId } : {}),
  };
}
