// Raw RFC 5322 bytes → ParsedMessage. postal-mime does the MIME decoding; this module
// makes the result safe to store: it never throws, never drops a message, normalises
// addresses, ids and dates, and says in `warnings` whatever could not be read properly.
import PostalMime from 'postal-mime';
import type { Email } from 'postal-mime';
import { createLogger } from '../../platform/logger.ts';
import type { AttachmentInfo, ParsedMessage } from '../types.ts';
import { htmlToText, makeSnippet } from './body-text.ts';
import { decodeHeaderBytes, decodeUtf7, isKnownCharset, isUtf7 } from './charset.ts';
import { decodeText, readAddresses, readMessageIds } from './header-fields.ts';
import { allHeaders, firstHeader, readHeaderSection, stripMboxFromLine } from './header-section.ts';
import type { RawHeader } from './header-section.ts';
import { parseMailDate } from './mail-date.ts';
import './postal-mime-decoders.ts';
import { inspectMimeStructure } from './mime-structure.ts';
import type { TextPart } from './mime-structure.ts';

const log = createLogger('mail.mime');
/** Cap on `warnings` per message, so a pathological message cannot bloat the store. */
export const MAX_WARNINGS = 40;

/**
 * Parses one raw message (RFC 5322, MIME per RFC 2045–2049) into the store's shape.
 * Never rejects: a message postal-mime cannot read still yields its headers (read by a
 * minimal fallback reader) and a warning; an internal error yields an empty message with
 * a warning. A leading mbox "From " line (RFC 4155) is stripped. See ParsedMessage for the
 * field shapes; `warnings` holds plain-language notes, at most MAX_WARNINGS.
 */
export async function parseMessage(raw: Uint8Array): Promise<ParsedMessage> {
  try {
    return await parseOrThrow(raw);
  } catch (error) {
    log.error('message could not be parsed', { error: errorText(error), bytes: raw.length });
    return { ...emptyMessage(), warnings: [`internal parser error: ${errorText(error)}; message kept unparsed`] };
  }
}

async function parseOrThrow(raw: Uint8Array): Promise<ParsedMessage> {
  const warnings: string[] = [];
  const { bytes, stripped } = stripMboxFromLine(raw);
  if (stripped) warnings.push("mbox 'From ' separator line stripped");
  if (isBlank(bytes)) {
    return { ...emptyMessage(), warnings: [...warnings, 'message is empty'] };
  }

  const section = readHeaderSection(bytes);
  let email: Email | null = null;
  try {
    email = await PostalMime.parse(bytes, { attachmentEncoding: 'arraybuffer' });
  } catch (error) {
    warnings.push(`MIME parse failed: ${errorText(error)}; headers read with the fallback parser`);
  }
  const structure = inspectMimeStructure(bytes, isKnownCharset);
  for (const issue of structure.issues) warnings.push(issue.message);
  if (section.headers.length === 0) warnings.push('message has no header fields');
  else if (section.malformedLines > 0) {
    warnings.push(`${section.malformedLines} malformed line${section.malformedLines === 1 ? '' : 's'} in the header section ignored`);
  }

  // postal-mime decodes raw 8-bit headers as UTF-8 only; where they are not UTF-8 the
  // fallback reader's windows-1252 reading keeps the text legible.
  let headers: RawHeader[] = email ? email.headers.map((h) => ({ key: h.key, value: h.value })) : section.headers;
  if (email && section.nonUtf8Fields.length) {
    headers = section.headers;
    warnings.push(`8-bit text that is not UTF-8 in header ${section.nonUtf8Fields.join(', ')}; read as windows-1252`);
  }

  const message = readHeaderFields(headers, warnings, structure.rootCharset !== null && isUtf7(structure.rootCharset));
  const body = email ? bodyFromEmail(email, structure.textParts, warnings) : bodyFromFallback(bytes, section.bodyOffset, headers);
  if (!section.hasBody) warnings.push('message has no body');
  else if (!body.text.trim() && !body.html && body.attachments.length === 0) warnings.push('message has no body');

  return {
    ...message,
    ...body,
    snippet: makeSnippet(body.text),
    warnings: capWarnings(warnings),
  };
}

function readHeaderFields(headers: RawHeader[], warnings: string[], rawUtf7: boolean): Omit<ParsedMessage, 'text' | 'html' | 'snippet' | 'attachments' | 'warnings'> {
  const messageIdValue = firstHeader(headers, 'message-id');
  let messageId = readMessageIds(messageIdValue)[0] ?? null;
  if (messageIdValue === undefined) warnings.push('no Message-ID header');
  else if (!messageId) {
    const bare = messageIdValue.replace(/[\s<>]+/g, '');
    messageId = bare || null;
    warnings.push(bare ? `malformed Message-ID header: '${clip(messageIdValue)}'` : 'empty Message-ID header');
  }

  const fromValues = allHeaders(headers, 'from');
  let from = readAddresses(fromValues, 'From', warnings, rawUtf7)[0] ?? null;
  if (!fromValues.length) warnings.push('no From header');
  else if (!from) warnings.push(`From header has no address: '${clip(fromValues[0] ?? '')}'`);
  if (!from) {
    const sender = readAddresses(allHeaders(headers, 'sender'), 'Sender', []);
    if (sender[0]) {
      from = sender[0];
      warnings.push('sender taken from the Sender header');
    }
  }

  const date = parseMailDate(firstHeader(headers, 'date'));
  if (date.warning) warnings.push(date.warning);

  return {
    messageId,
    inReplyTo: readMessageIds(firstHeader(headers, 'in-reply-to'))[0] ?? null,
    references: readMessageIds(allHeaders(headers, 'references').join(' ')),
    subject: decodeText(firstHeader(headers, 'subject') ?? '', 'Subject', warnings, rawUtf7).replace(/\s+/g, ' ').trim(),
    from,
    to: readAddresses(allHeaders(headers, 'to'), 'To', warnings, rawUtf7),
    cc: readAddresses(allHeaders(headers, 'cc'), 'Cc', warnings, rawUtf7),
    bcc: readAddresses(allHeaders(headers, 'bcc'), 'Bcc', warnings, rawUtf7),
    replyTo: readAddresses(allHeaders(headers, 'reply-to'), 'Reply-To', warnings, rawUtf7),
    date: date.ms,
  };
}

type Body = Pick<ParsedMessage, 'text' | 'html' | 'attachments'>;

function bodyFromEmail(email: Email, textParts: TextPart[], warnings: string[]): Body {
  const html = email.html ? fixUtf7(email.html, 'text/html', textParts, warnings).replace(/\0/g, '') : null;
  const plain = email.text === undefined ? undefined : fixUtf7(email.text, 'text/plain', textParts, warnings);
  const text = (plain ?? (html ? htmlToText(html) : '')).replace(/\0/g, '');
  const attachments: AttachmentInfo[] = email.attachments.map((a) => ({
    filename: a.filename ? a.filename.replace(/\0/g, '') : null,
    mimeType: a.mimeType,
    size: byteLength(a.content),
    contentId: a.contentId ? a.contentId.replace(/^<|>$/g, '') || null : null,
    disposition: a.disposition === 'attachment' ? 'attachment' as const : a.disposition === 'inline' ? 'inline' as const : null,
  }));
  return { text, html, attachments };
}

// postal-mime has no UTF-7 (RFC 2152) and decodes such parts as windows-1252, which leaves
// ASCII intact, so the UTF-7 decoding can be applied afterwards when every part of the
// type is UTF-7. Mixed bodies are left as they are and reported.
function fixUtf7(value: string, type: TextPart['type'], textParts: TextPart[], warnings: string[]): string {
  const parts = textParts.filter((p) => p.type === type);
  const utf7 = parts.filter((p) => p.charset !== null && isUtf7(p.charset)).length;
  if (utf7 === 0) return value;
  if (utf7 === parts.length) return decodeUtf7(value);
  warnings.push(`UTF-7 ${type} part mixed with other charsets; left undecoded`);
  return value;
}

// Best effort when postal-mime failed: the body bytes as text if the top-level part is
// text and not transfer-encoded; otherwise nothing (the raw source stays in the store).
function bodyFromFallback(bytes: Uint8Array, bodyOffset: number, headers: RawHeader[]): Body {
  const type = (firstHeader(headers, 'content-type') ?? 'text/plain').toLowerCase();
  const cte = (firstHeader(headers, 'content-transfer-encoding') ?? '').toLowerCase().trim();
  if (!type.startsWith('text/') || (cte && !/^(7bit|8bit|binary)$/.test(cte))) return { text: '', html: null, attachments: [] };
  const text = decodeHeaderBytes(bytes.subarray(bodyOffset)).text.replace(/\0/g, '');
  return type.startsWith('text/html') ? { text: htmlToText(text), html: text, attachments: [] } : { text, html: null, attachments: [] };
}

function byteLength(content: ArrayBuffer | Uint8Array | string): number {
  if (typeof content === 'string') return Buffer.byteLength(content);
  return content.byteLength;
}

function isBlank(bytes: Uint8Array): boolean {
  for (const b of bytes) if (b !== 0x20 && b !== 0x09 && b !== 0x0d && b !== 0x0a) return false;
  return true;
}

function capWarnings(warnings: string[]): string[] {
  const unique = [...new Set(warnings)];
  if (unique.length <= MAX_WARNINGS) return unique;
  return [...unique.slice(0, MAX_WARNINGS - 1), `${unique.length - MAX_WARNINGS + 1} more warnings not shown`];
}

function emptyMessage(): ParsedMessage {
  return {
    messageId: null, inReplyTo: null, references: [], subject: '', from: null, to: [], cc: [], bcc: [],
    replyTo: [], date: null, text: '', html: null, snippet: '', attachments: [], warnings: [],
  };
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function clip(text: string, max = 80): string {
  const t = text.replace(/\s+/g, ' ').trim();
  return t.length > max ? `${t.slice(0, max)}…` : t;
}
