// Just enough RFC 5322 / MIME (RFC 2045–2047) reading for the Gmail emulator to answer like
// Gmail does: header lists, the `payload` part tree of format=full, and the snippet.
// It is deliberately independent of the app's parser so the two can disagree in tests.

/** A header as Gmail lists it: unfolded, RFC 2047 encoded words decoded. */
export interface Header {
  name: string;
  value: string;
}

/** Gmail's MessagePart (https://developers.google.com/gmail/api/reference/rest/v1/users.messages#MessagePart). */
export interface MessagePart {
  partId: string;
  mimeType: string;
  filename: string;
  headers: Header[];
  body: { size: number; data?: string; attachmentId?: string };
  parts?: MessagePart[];
}

/** A leaf's decoded bytes, kept so attachments.get and the snippet need no second parse. */
export interface ParsedTree {
  payload: MessagePart;
  leaves: Map<string, { bytes: Buffer; mimeType: string; charset: string | null; filename: string }>;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Splits raw bytes at the first empty line; the header block excludes the blank line. */
export function splitHeaderBody(raw: Buffer): { head: Buffer; body: Buffer } {
  const crlf = raw.indexOf('\r\n\r\n');
  const lf = raw.indexOf('\n\n');
  if (crlf === -1 && lf === -1) return { head: raw, body: Buffer.alloc(0) };
  if (lf === -1 || (crlf !== -1 && crlf < lf)) return { head: raw.subarray(0, crlf), body: raw.subarray(crlf + 4) };
  return { head: raw.subarray(0, lf), body: raw.subarray(lf + 2) };
}

/** Header fields in order; values unfolded and decoded (raw UTF-8 allowed per RFC 6532, else Latin-1). */
export function parseHeaders(head: Buffer): Header[] {
  let text: string;
  try {
    text = utf8.decode(head);
  } catch {
    text = head.toString('latin1');
  }
  const headers: Header[] = [];
  for (const line of text.split(/\r?\n(?![ \t])/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).replace(/\r?\n/g, '').trim();
    headers.push({ name, value: decodeWords(value) });
  }
  return headers;
}

export function headerValue(headers: Header[], name: string): string | null {
  const lower = name.toLowerCase();
  return headers.find((h) => h.name.toLowerCase() === lower)?.value ?? null;
}

/** Decodes RFC 2047 encoded words; whitespace between adjacent encoded words is dropped (§6.2). */
export function decodeWords(value: string): string {
  if (!value.includes('=?')) return value;
  return value
    .replace(/(\?=)\s+(=\?)/g, '$1$2')
    .replace(/=\?([^?*]+)(?:\*[^?]*)?\?([BbQq])\?([^?]*)\?=/g, (match, charset: string, enc: string, text: string) => {
      const bytes = enc.toUpperCase() === 'B'
        ? Buffer.from(text, 'base64')
        : Buffer.from(text.replace(/_/g, ' ').replace(/=([0-9A-Fa-f]{2})/g, (_m, h: string) =>
          String.fromCharCode(parseInt(h, 16))), 'latin1');
      return decodeCharset(bytes, charset) ?? match;
    });
}

/** Bytes → text in `charset`; null when the runtime does not know the charset. */
export function decodeCharset(bytes: Buffer, charset: string | null): string | null {
  const label = charset?.trim().toLowerCase() || 'utf-8';
  try {
    let decoder = decoders.get(label);
    if (!decoder) decoders.set(label, (decoder = new TextDecoder(label)));
    return decoder.decode(bytes);
  } catch {
    return charset ? null : bytes.toString('latin1');
  }
}

const decoders = new Map<string, { decode(bytes: Uint8Array): string }>();

/** Content-Type / Content-Disposition parameters (RFC 2045 §5.1; RFC 2231 continuations are joined). */
export function parseParams(value: string): { value: string; params: Map<string, string> } {
  const [first = '', ...rest] = value.split(/;(?=(?:[^"]*"[^"]*")*[^"]*$)/);
  const params = new Map<string, string>();
  for (const piece of rest) {
    const eq = piece.indexOf('=');
    if (eq === -1) continue;
    const key = piece.slice(0, eq).trim().toLowerCase();
    let v = piece.slice(eq + 1).trim().replace(/^"(.*)"$/s, '$1');
    const ext = /^([a-z0-9_-]+)\*(?:\d+)?(\*)?$/.exec(key);
    if (ext?.[1]) {
      if (ext[2] || key.endsWith('*')) {
        const m = /^([^']*)'[^']*'(.*)$/.exec(v);
        v = m ? decodeCharset(Buffer.from(decodeURIComponentSafe(m[2] ?? ''), 'latin1'), m[1] || 'utf-8') ?? v
          : decodeURIComponentSafe(v);
      }
      params.set(ext[1], (params.get(ext[1]) ?? '') + v);
    } else {
      params.set(key, v);
    }
  }
  return { value: first.trim().toLowerCase(), params };
}

function decodeURIComponentSafe(s: string): string {
  return s.replace(/%([0-9A-Fa-f]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16)));
}

function decodeTransfer(body: Buffer, encoding: string): Buffer {
  switch (encoding.toLowerCase()) {
    case 'base64':
      return Buffer.from(body.toString('latin1').replace(/[^A-Za-z0-9+/=]/g, ''), 'base64');
    case 'quoted-printable':
      return Buffer.from(
        body.toString('latin1').replace(/=\r?\n/g, '').replace(/=([0-9A-Fa-f]{2})/g, (_m, h: string) =>
          String.fromCharCode(parseInt(h, 16))),
        'latin1',
      );
    default:
      return body;
  }
}

/** Bodies of a multipart entity between its `--boundary` delimiter lines (RFC 2046 §5.1.1). */
export function splitMultipart(body: Buffer, boundary: string): Buffer[] {
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: Buffer[] = [];
  let cursor = -1; // start of the current part's content, -1 before the first delimiter
  let at = body.indexOf(delimiter);
  while (at !== -1) {
    const lineStart = at === 0 || body[at - 1] === 0x0a;
    if (lineStart) {
      if (cursor !== -1) {
        let end = at;
        if (body[end - 1] === 0x0a) end -= 1;
        if (body[end - 1] === 0x0d) end -= 1;
        parts.push(body.subarray(cursor, Math.max(cursor, end)));
      }
      const after = at + delimiter.length;
      if (body[after] === 0x2d && body[after + 1] === 0x2d) return parts;
      const eol = body.indexOf(0x0a, after);
      if (eol === -1) return parts;
      cursor = eol + 1;
    }
    at = body.indexOf(delimiter, at + delimiter.length);
  }
  if (cursor !== -1) parts.push(body.subarray(cursor));
  return parts;
}

/**
 * Builds Gmail's payload tree: root partId "", children "0", "1", grandchildren "1.0", …;
 * multipart bodies are `{size: 0}`; leaves with a filename get an `attachmentId` made by
 * `attachmentIdFor(partId)`, other leaves carry `data` (base64url of the decoded bytes).
 */
export function parseTree(raw: Buffer, attachmentIdFor: (partId: string) => string): ParsedTree {
  const leaves: ParsedTree['leaves'] = new Map();
  const walk = (entity: Buffer, partId: string, depth: number, defaultType: string): MessagePart => {
    const { head, body } = splitHeaderBody(entity);
    const headers = parseHeaders(head);
    const type = parseParams(headerValue(headers, 'content-type') ?? defaultType);
    const mimeType = type.value.includes('/') ? type.value : 'text/plain';
    const disposition = parseParams(headerValue(headers, 'content-disposition') ?? '');
    const filename = disposition.params.get('filename') ?? type.params.get('name') ?? '';
    const boundary = type.params.get('boundary');
    if (mimeType.startsWith('multipart/') && boundary && depth < 20) {
      const childDefault = mimeType === 'multipart/digest' ? 'message/rfc822' : 'text/plain';
      const parts = splitMultipart(body, boundary).map((p, i) =>
        walk(p, partId === '' ? String(i) : `${partId}.${i}`, depth + 1, childDefault));
      return { partId, mimeType, filename, headers, body: { size: 0 }, parts };
    }
    const bytes = decodeTransfer(body, headerValue(headers, 'content-transfer-encoding') ?? '7bit');
    leaves.set(partId, { bytes, mimeType, charset: type.params.get('charset') ?? null, filename });
    const partBody = filename
      ? { attachmentId: attachmentIdFor(partId), size: bytes.length }
      : { size: bytes.length, ...(bytes.length ? { data: bytes.toString('base64url') } : {}) };
    return { partId, mimeType, filename, headers, body: partBody };
  };
  return { payload: walk(raw, '', 0, 'text/plain'), leaves };
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Gmail-like snippet: the first text part (else HTML without tags), collapsed, ≤ 200 chars, HTML-escaped. */
export function snippetOf(tree: ParsedTree): string {
  let text: string | null = null;
  for (const wanted of ['text/plain', 'text/html']) {
    for (const leaf of tree.leaves.values()) {
      if (leaf.mimeType !== wanted || leaf.filename) continue;
      text = decodeCharset(leaf.bytes, leaf.charset) ?? leaf.bytes.toString('latin1');
      if (wanted === 'text/html') {
        text = text.replace(/<(style|script)[\s\S]*?<\/\1>/gi, ' ').replace(/<[^>]*>/g, ' ')
          .replace(/&nbsp;/g, ' ').replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>');
      }
      break;
    }
    if (text !== null) break;
  }
  // Only the head of a long body can reach the snippet: bound the work per message.
  const collapsed = (text ?? '').slice(0, 20_000).replace(/\s+/g, ' ').trim();
  return [...collapsed.slice(0, 400)].slice(0, 200).join('').replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}
