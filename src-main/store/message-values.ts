// The messages row a fetched or imported message becomes (message-repository.ts saves it).
import type { IncomingMessage, ParsedMessage } from '../mail/types.ts';
import type { MessageRow } from './message-reads.ts';
import { encodeBodies, encodeRaw, RAW_ENCODING, type BodyEncoding } from './raw-encoding.ts';

export const UNREAD_LABEL = 'UNREAD';

export type MessageValues = Omit<MessageRow, 'id' | 'raw' | 'account_id' | 'provider_message_id'> & {
  raw: Uint8Array;
  now: number;
};

/**
 * A message's compressed columns (raw source in RAW_ENCODING, body text and HTML against it
 * where it is small: encodeBodies), made ahead wherever a core is free: the mail worker encodes before it hands
 * a batch to the store writer thread, which then only inserts.
 */
export interface EncodedContent {
  raw: Buffer;
  bodyText: Buffer | string;
  bodyHtml: Buffer | string | null;
  bodyEncoding: BodyEncoding;
}

export function encodeContent(raw: Uint8Array, parsed: Pick<ParsedMessage, 'text' | 'html'>): EncodedContent {
  const stored = encodeRaw(raw);
  const bodies = encodeBodies(raw, stored, parsed.text, parsed.html);
  return { raw: stored, bodyText: bodies.text, bodyHtml: bodies.html, bodyEncoding: bodies.encoding };
}

/** The row for a message in thread `threadId`, at `now` (ms); `encoded` when the content was compressed ahead. */
export function messageValues(
  incoming: IncomingMessage,
  parsed: ParsedMessage,
  threadId: number,
  now: number,
  encoded: EncodedContent = encodeContent(incoming.raw, parsed),
): MessageValues {
  return {
    thread_id: threadId,
    message_id_header: parsed.messageId,
    subject: parsed.subject,
    from_address: parsed.from ? parsed.from.address.trim().toLowerCase() : null,
    from_name: parsed.from?.name ?? '',
    date: parsed.date,
    internal_date: incoming.internalDate,
    received_at: incoming.internalDate ?? parsed.date ?? 0,
    snippet: parsed.snippet,
    body_text: encoded.bodyText,
    body_html: encoded.bodyHtml,
    body_encoding: encoded.bodyEncoding,
    has_attachments: parsed.attachments.length > 0 ? 1 : 0,
    attachments_json: JSON.stringify(parsed.attachments),
    warnings_json: JSON.stringify(parsed.warnings),
    unread: incoming.labels.includes(UNREAD_LABEL) ? 1 : 0,
    raw: encoded.raw,
    raw_encoding: RAW_ENCODING,
    now,
  };
}

