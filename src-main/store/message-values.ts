// The messages row a fetched or imported message becomes (message-repository.ts saves it).
import type { IncomingMessage, ParsedMessage } from '../mail/types.ts';
import type { MessageRow } from './message-reads.ts';
import { BODY_ENCODING, encodeBody, encodeRaw, RAW_ENCODING } from './raw-encoding.ts';

export const UNREAD_LABEL = 'UNREAD';

export type MessageValues = Omit<MessageRow, 'id' | 'raw' | 'account_id' | 'provider_message_id'> & {
  raw: Uint8Array;
  now: number;
};

/**
 * A message's compressed columns (raw source, body text and HTML in RAW_ENCODING and
 * BODY_ENCODING), made ahead wherever a core is free: the mail worker encodes before it hands
 * a batch to the store writer thread, which then only inserts.
 */
export interface EncodedContent {
  raw: Buffer;
  bodyText: Buffer | string;
  bodyHtml: Buffer | string | null;
}

export function encodeContent(raw: Uint8Array, parsed: Pick<ParsedMessage, 'text' | 'html'>): EncodedContent {
  return { raw: encodeRaw(raw), bodyText: encodeBody(parsed.text), bodyHtml: parsed.html === null ? null : encodeBody(parsed.html) };
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
    body_encoding: BODY_ENCODING,
    has_attachments: parsed.attachments.length > 0 ? 1 : 0,
    attachments_json: JSON.stringify(parsed.attachments),
    warnings_json: JSON.stringify(parsed.warnings),
    unread: incoming.labels.includes(UNREAD_LABEL) ? 1 : 0,
    raw: encoded.raw,
    raw_encoding: RAW_ENCODING,
    now,
  };
}

