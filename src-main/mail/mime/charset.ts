// Charset knowledge the parser needs on top of postal-mime: whether a label is one
// postal-mime can decode (it silently falls back to windows-1252 otherwise), and UTF-7
// (RFC 2152), which TextDecoder does not implement but real mail uses in headers.
import { decodeWords } from 'postal-mime';

const PROBE = Uint8Array.from({ length: 128 }, (_, i) => 0x80 + i);
const PROBE_B64 = Buffer.from(PROBE).toString('base64');
const WINDOWS_1252_PROBE = new TextDecoder('windows-1252').decode(PROBE);
const LABEL = /^[a-z0-9._:+()-]{1,40}$/i;
const WINDOWS_1252_FAMILY = new Set([
  'cp1252', 'windows1252', 'iso88591', 'latin1', 'l1', 'usascii', 'ascii', 'ansix341968',
  'ibm819', 'cp819', 'iso885911987', 'csisolatin1', 'us',
]);
const known = new Map<string, boolean>();

/** True for the UTF-7 labels (RFC 2152), which this module decodes itself. */
export function isUtf7(label: string): boolean {
  return /^(x-)?(unicode-1-1-)?utf-?7$/i.test(label.trim());
}

/**
 * Whether text labelled `charset` is decoded with that charset rather than postal-mime's
 * windows-1252 fallback; UTF-7 counts as known because this module decodes it. Asks postal-mime itself (through an encoded word holding bytes
 * 0x80–0xFF), so the answer follows its alias table. Results are cached per label.
 */
export function isKnownCharset(charset: string): boolean {
  const label = charset.trim().toLowerCase();
  if (!label) return true;
  const cached = known.get(label);
  if (cached !== undefined) return cached;
  let result: boolean;
  if (isUtf7(label)) result = true;
  else if (!LABEL.test(label)) result = false;
  else if (WINDOWS_1252_FAMILY.has(label.replace(/^x-/, '').replace(/[^a-z0-9]/g, ''))) result = true;
  else {
    let decoded: string;
    try {
      decoded = decodeWords(`=?${label}?B?${PROBE_B64}?=`);
    } catch {
      decoded = WINDOWS_1252_PROBE;
    }
    result = decoded !== WINDOWS_1252_PROBE || whatwgIs1252(label);
  }
  if (known.size < 512) known.set(label, result);
  return result;
}

function whatwgIs1252(label: string): boolean {
  try {
    return new TextDecoder(label).encoding === 'windows-1252';
  } catch {
    return false;
  }
}

/**
 * Decodes UTF-7 text (RFC 2152 §"Definition"): `+` opens a run of modified base64 holding
 * UTF-16BE code units, closed by `-` (absorbed) or any non-base64 character; `+-` is `+`.
 * Malformed runs decode to whatever whole code units they hold; never throws.
 */
export function decodeUtf7(input: string): string {
  return input.replace(/\+([A-Za-z0-9+/]*)-?/g, (match, b64: string) => {
    if (!b64) return '+';
    const bytes = Buffer.from(b64, 'base64');
    let out = '';
    for (let i = 0; i + 1 < bytes.length; i += 2) out += String.fromCharCode(((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0));
    return out;
  });
}

const ENCODED_WORD = /=\?([^?*\s]+)(\*[^?\s]*)?\?([bq])\?([^?\s]*)\?=/gi;

/**
 * Rewrites RFC 2047 encoded words whose charset is UTF-7 into equivalent UTF-8 encoded
 * words, so postal-mime's decoder (which has no UTF-7) decodes them correctly.
 */
export function transcodeUtf7Words(value: string): string {
  if (!/=\?[^?]*utf-?7/i.test(value)) return value;
  return value.replace(ENCODED_WORD, (word, charset: string, _lang, enc: string, text: string) => {
    if (!isUtf7(charset)) return word;
    const binary = enc.toLowerCase() === 'b'
      ? Buffer.from(text, 'base64').toString('latin1')
      : text.replace(/_/g, ' ').replace(/=([0-9a-f]{2})/gi, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
    return `=?utf-8?B?${Buffer.from(decodeUtf7(binary), 'utf8').toString('base64')}?=`;
  });
}

/** Charset labels of the encoded words in a header value that postal-mime cannot decode. */
export function unknownWordCharsets(value: string): string[] {
  if (!value.includes('=?')) return [];
  const out = new Set<string>();
  for (const m of value.matchAll(ENCODED_WORD)) {
    const label = m[1] ?? '';
    if (!isKnownCharset(label)) out.add(label);
  }
  return [...out];
}

const utf8Strict = new TextDecoder('utf-8', { fatal: true });
const windows1252 = new TextDecoder('windows-1252');

/** Decodes header bytes as UTF-8 (RFC 6532) when valid, else as windows-1252; says which. */
export function decodeHeaderBytes(bytes: Uint8Array): { text: string; utf8: boolean } {
  try {
    return { text: utf8Strict.decode(bytes), utf8: true };
  } catch {
    return { text: windows1252.decode(bytes), utf8: false };
  }
}
