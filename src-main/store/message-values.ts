// The messages row a fetched or imported message becomes (message-repository.ts saves it).
import type { IncomingMessage, ParsedMessage } from '../mail/types.ts';
import type { MessageRow } from './message-reads.ts';
import { BODY_ENCODING, encodeBody, encodeRaw, RAW_ENCODING } from './raw-encoding.ts';

export const UNREAD_LABEL = 'UNREAD';

export type MessageValues = Omit<MessageRow, 'id' | 'raw' | 'account_id' | 'provider_message_id'> & {
  raw: Uint8Array;
  now: number;
};

/** The row for a message in thread `threadId`, at `now` (ms). */
export function messageValues(incoming: IncomingMessage, parsed: ParsedMessage, threadId: number, now: number): MessageValues {
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
    body_text: encodeBody(parsed.text),
    body_html: parsed.html === null ? null : encodeBody(parsed.html),
    body_encoding: BODY_ENCODING,
    has_attachments: parsed.attachments.length > 0 ? 1 : 0,
    attachments_json: JSON.stringify(parsed.attachments),
    warnings_json: JSON.stringify(parsed.warnings),
    unread: incoming.labels.includes(UNREAD_LABEL) ? 1 : 0,
    raw: encodeRaw(incoming.raw),
    raw_encoding: RAW_ENCODING,
    now,
  };
}

