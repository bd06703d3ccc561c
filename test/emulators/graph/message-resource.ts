// Turns raw RFC 5322 bytes into the fields of Graph's message resource once, at load, so
// delta pages and message reads only assemble precomputed values (no per-request parsing).
// Source: https://learn.microsoft.com/en-us/graph/api/resources/message?view=graph-rest-1.0
import addressparser from 'nodemailer/lib/addressparser';
import { decodeCharset, headerValue, parseHeaders, parseTree, splitHeaderBody, type Header } from '../gmail/mime.ts';

export interface Recipient {
  emailAddress: { name: string; address: string };
}

/** The message fields that never change after delivery. */
export interface FixedFields {
  receivedDateTime: string;
  sentDateTime: string;
  hasAttachments: boolean;
  internetMessageId: string | null;
  subject: string;
  bodyPreview: string;
  importance: 'low' | 'normal' | 'high';
  isDeliveryReceiptRequested: boolean;
  isReadReceiptRequested: boolean;
  body: { contentType: 'text' | 'html'; content: string };
  sender: Recipient | null;
  from: Recipient | null;
  toRecipients: Recipient[];
  ccRecipients: Recipient[];
  bccRecipients: Recipient[];
  replyTo: Recipient[];
}

/** What threading needs from the headers (In-Reply-To/References, subject, participants). */
export interface ThreadingHeaders {
  messageId: string | null;
  inReplyTo: string | null;
  references: string | null;
  subject: string;
  from: string | null;
  to: string | null;
  cc: string | null;
}

/** Graph's date-time format: ISO 8601 UTC without fractional seconds, e.g. 2001-05-14T16:39:00Z. */
export function graphDateTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * Parses `raw` once. receivedDateTime is the date of the topmost Received header (the last
 * hop), else the Date header, else `fallbackMs`; sentDateTime is the Date header, else receivedDateTime.
 */
export function readMessage(raw: Buffer, fallbackMs: number): { fixed: FixedFields; threading: ThreadingHeaders; receivedMs: number } {
  const headers = parseHeaders(splitHeaderBody(raw).head);
  const h = (name: string): string | null => headerValue(headers, name);
  const sentMs = dateOf(h('date'));
  const receivedMs = dateOf(headers.find((x) => x.name.toLowerCase() === 'received')?.value.split(';').at(-1)) ?? sentMs ?? fallbackMs;
  const tree = parseTree(raw, () => '');
  let text: string | null = null;
  let html: string | null = null;
  let hasAttachments = false;
  for (const leaf of tree.leaves.values()) {
    if (leaf.filename) {
      hasAttachments = true;
      continue;
    }
    if (leaf.mimeType === 'text/plain' && text === null) text = decodeCharset(leaf.bytes, leaf.charset) ?? leaf.bytes.toString('latin1');
    if (leaf.mimeType === 'text/html' && html === null) html = decodeCharset(leaf.bytes, leaf.charset) ?? leaf.bytes.toString('latin1');
  }
  const previewSource = text ?? (html === null ? '' : htmlToText(html));
  const from = recipients(h('from'))[0] ?? null;
  const importance = (h('importance') ?? h('x-priority') ?? '').toLowerCase();
  return {
    receivedMs,
    fixed: {
      receivedDateTime: graphDateTime(receivedMs),
      sentDateTime: graphDateTime(sentMs ?? receivedMs),
      hasAttachments,
      internetMessageId: h('message-id')?.trim() || null,
      subject: h('subject') ?? '',
      // Only the head of a long body can reach the preview: bound the work per message.
      bodyPreview: [...previewSource.slice(0, 2_000).replace(/\s+/g, ' ').trim()].slice(0, 255).join(''),
      importance: /high|urgent|^[12]\b/.test(importance) ? 'high' : /low|^[45]\b/.test(importance) ? 'low' : 'normal',
      isDeliveryReceiptRequested: h('return-receipt-to') !== null,
      isReadReceiptRequested: h('disposition-notification-to') !== null,
      body: html !== null ? { contentType: 'html', content: html } : { contentType: 'text', content: text ?? '' },
      sender: recipients(h('sender'))[0] ?? from,
      from,
      toRecipients: recipients(h('to')),
      ccRecipients: recipients(h('cc')),
      bccRecipients: recipients(h('bcc')),
      replyTo: recipients(h('reply-to')),
    },
    threading: {
      messageId: h('message-id'), inReplyTo: h('in-reply-to'), references: h('references'),
      subject: h('subject') ?? '', from: h('from'), to: h('to'), cc: h('cc'),
    },
  };
}

/** Header fields as Graph's internetMessageHeaders lists them (decoded, in order). */
export function internetMessageHeaders(raw: Buffer): Header[] {
  return parseHeaders(splitHeaderBody(raw).head);
}

/** Address-list header → Graph recipients; a mailbox without a display name shows its address as name (as Exchange does). */
export function recipients(value: string | null): Recipient[] {
  if (!value) return [];
  return addressparser(value, { flatten: true })
    .filter((a) => a.address || a.name)
    .map((a) => ({ emailAddress: { name: a.name || a.address, address: a.address } }));
}

/**
 * The body in the requested format, converted as Exchange does: text becomes a minimal HTML
 * document (escaped, line breaks kept), HTML becomes text with tags and entities removed.
 */
export function bodyAs(body: FixedFields['body'], type: 'text' | 'html'): FixedFields['body'] {
  if (body.contentType === type) return body;
  if (type === 'text') return { contentType: 'text', content: htmlToText(body.content, Infinity).replace(/[ \t]+/g, ' ').trim() };
  const escaped = body.content.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
  return {
    contentType: 'html',
    content: '<html><head>\r\n<meta http-equiv="Content-Type" content="text/html; charset=utf-8"></head><body>' +
      `<div class="PlainText">${escaped.replace(/\r?\n/g, '<br>\r\n')}</div></body></html>`,
  };
}

function htmlToText(html: string, limit = 20_000): string {
  return html.slice(0, limit).replace(/<(style|script)[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<br\s*\/?>|<\/(?:p|div|tr|li|h\d)>/gi, '\n').replace(/<[^>]*>/g, ' ')
    .replace(/&nbsp;/g, ' ').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&');
}

function dateOf(value: string | null | undefined): number | null {
  if (!value) return null;
  const ms = Date.parse(value.trim().replace(/\s*\([^)]*\)\s*$/, ''));
  return Number.isNaN(ms) ? null : ms;
}
