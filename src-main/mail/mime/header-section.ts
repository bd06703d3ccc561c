// A minimal RFC 5322 header reader that cannot fail: it is the fallback when postal-mime
// rejects a message, and the source of truth for raw 8-bit headers that are not UTF-8
// (postal-mime turns those into U+FFFD). Also strips mbox "From " separator lines.
import { decodeHeaderBytes } from './charset.ts';

export interface RawHeader {
  /** Lower-cased field name. */
  key: string;
  /** Unfolded field body (RFC 5322 §2.2.3), surrounding whitespace trimmed, not decoded. */
  value: string;
}

export interface HeaderSection {
  headers: RawHeader[];
  /** Byte offset where the body starts (after the blank line), or the input length. */
  bodyOffset: number;
  /** False when the input has no blank line, i.e. no body at all. */
  hasBody: boolean;
  /** Names of fields whose raw bytes are 8-bit but not UTF-8 (decoded as windows-1252). */
  nonUtf8Fields: string[];
  /** Lines in the header section that are neither a field nor a continuation. */
  malformedLines: number;
}

const FROM_ = [0x46, 0x72, 0x6f, 0x6d, 0x20];

/**
 * Strips a leading mbox "From " separator line (RFC 4155), as delivered by mbox-based
 * stores. Returns the input itself when there is none.
 */
export function stripMboxFromLine(raw: Uint8Array): { bytes: Uint8Array; stripped: boolean } {
  if (raw.length < 5 || FROM_.some((b, i) => raw[i] !== b)) return { bytes: raw, stripped: false };
  const nl = raw.indexOf(0x0a);
  return { bytes: nl < 0 ? raw.subarray(raw.length) : raw.subarray(nl + 1), stripped: true };
}

/**
 * Reads the header section of a message: lines up to the first empty line (CRLF or LF),
 * unfolded where a line starts with SP or HTAB (RFC 5322 §2.2.3). Each field's bytes are
 * decoded as UTF-8 when valid (RFC 6532) and as windows-1252 otherwise. Never throws.
 */
export function readHeaderSection(bytes: Uint8Array): HeaderSection {
  const headers: RawHeader[] = [];
  const nonUtf8 = new Set<string>();
  let malformedLines = 0;
  let pos = 0;
  let current: Uint8Array[] | null = null;

  const flush = (): void => {
    if (!current) return;
    const joined: Uint8Array = current.length === 1 && current[0] ? current[0] : Buffer.concat(current);
    current = null;
    const colon = joined.indexOf(0x3a);
    const { text, utf8 } = decodeHeaderBytes(joined);
    const sep = text.indexOf(':');
    if (colon <= 0 || sep <= 0) {
      malformedLines++;
      return;
    }
    const key = text.slice(0, sep).replace(/^[ \t]+|[ \t]+$/g, '').toLowerCase();
    // RFC 5322 §3.6.8: a field name is printable US-ASCII except ":"
    if (!/^[\x21-\x39\x3b-\x7e]+$/.test(key)) {
      malformedLines++;
      return;
    }
    if (!utf8) nonUtf8.add(key);
    headers.push({ key, value: text.slice(sep + 1).replace(/[\r\n]+/g, '').replace(/^[ \t]+|[ \t]+$/g, '') });
  };

  while (pos < bytes.length) {
    let end = bytes.indexOf(0x0a, pos);
    const next = end < 0 ? bytes.length : end + 1;
    if (end < 0) end = bytes.length;
    let lineEnd = end;
    if (lineEnd > pos && bytes[lineEnd - 1] === 0x0d) lineEnd--;
    if (lineEnd === pos) {
      flush();
      return { headers, bodyOffset: next, hasBody: true, nonUtf8Fields: [...nonUtf8], malformedLines };
    }
    const line = bytes.subarray(pos, lineEnd);
    if ((line[0] === 0x20 || line[0] === 0x09) && current) current.push(line);
    else {
      flush();
      current = [line];
    }
    pos = next;
  }
  flush();
  return { headers, bodyOffset: bytes.length, hasBody: false, nonUtf8Fields: [...nonUtf8], malformedLines };
}

/** First value of a field, or undefined. */
export function firstHeader(headers: readonly RawHeader[], key: string): string | undefined {
  return headers.find((h) => h.key === key)?.value;
}

/** Every value of a field, in document order. */
export function allHeaders(headers: readonly RawHeader[], key: string): string[] {
  return headers.filter((h) => h.key === key).map((h) => h.value);
}
