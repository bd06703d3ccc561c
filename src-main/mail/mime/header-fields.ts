// Normalises the header fields the store indexes: addresses (RFC 5322 §3.4), message
// identifiers (§3.6.4) and unstructured text with RFC 2047 encoded words. Problems become
// warnings on the message; nothing here drops a value silently.
import { addressParser, decodeWords } from 'postal-mime';
import type { Address } from '../types.ts';
import { decodeUtf7, transcodeUtf7Words, unknownWordCharsets } from './charset.ts';

const MAX_WARNINGS_PER_FIELD = 3;
// Lenient on purpose: real mail (Enron's "h..lewis@enron.com") breaks dot-atom rules, and
// such an address still identifies a correspondent. It must have one "@" with text on
// both sides, no whitespace and no characters that only appear in broken parses.
const USABLE_ADDRESS = /^(?:"[^"]+"|[^\s@<>()[\]\\,;:"]+)@[^\s@<>()[\]\\,;:"]+$/;

/**
 * Decodes an unstructured header value (Subject, display names): RFC 2047 encoded words,
 * including UTF-7 ones, which postal-mime alone leaves encoded. `rawUtf7` says the message
 * is labelled UTF-7, whose mailers (Netscape 4) also wrote bare UTF-7 into headers, so an
 * unencoded value is read as UTF-7. Adds a warning for each
 * encoded-word charset that could not be decoded. NUL characters are removed.
 */
export function decodeText(value: string, field: string, warnings: string[], rawUtf7 = false): string {
  for (const charset of unknownWordCharsets(value)) {
    warnings.push(`unknown charset '${charset}' in ${field} header; decoded as windows-1252`);
  }
  let decoded: string;
  try {
    decoded = rawUtf7 && !value.includes('=?') ? decodeUtf7(value) : decodeWords(transcodeUtf7Words(value));
  } catch {
    decoded = value;
  }
  return decoded.replace(/\0/g, '');
}

/**
 * Reads the addresses of every occurrence of one address field (From, To, Cc, …) into
 * Address values: groups flattened (RFC 5322 §3.4), display names decoded and trimmed,
 * addresses lower-cased; `rawUtf7` as for decodeText, for display names only. An entry whose address is not usable is kept and reported; an
 * entry with no address at all is reported and left out.
 */
export function readAddresses(values: readonly string[], field: string, warnings: string[], rawUtf7 = false): Address[] {
  const out: Address[] = [];
  let reported = 0;
  const report = (message: string): void => {
    reported++;
    if (reported <= MAX_WARNINGS_PER_FIELD) warnings.push(message);
  };
  for (const value of values) {
    if (!value.trim()) continue;
    let parsed: ReturnType<typeof addressParser>;
    try {
      parsed = addressParser(transcodeUtf7Words(value), { flatten: true });
    } catch {
      report(`unparseable ${field} header: '${clip(value)}'`);
      continue;
    }
    for (const entry of parsed) {
      if (entry.group) continue; // flatten: true leaves none; narrows the type
      const address = entry.address.trim().replace(/^<+|>+$/g, '').trim().toLowerCase();
      const name = cleanName(rawUtf7 && entry.name.includes('+') ? decodeUtf7(entry.name) : entry.name, address);
      if (!address) {
        if (name) report(`${field} entry without an address: '${clip(name)}'`);
        continue;
      }
      if (!USABLE_ADDRESS.test(address)) report(`invalid address in ${field}: '${clip(address)}'`);
      out.push({ name, address });
    }
  }
  if (reported > MAX_WARNINGS_PER_FIELD) {
    warnings.push(`${reported - MAX_WARNINGS_PER_FIELD} more address problems in ${field}`);
  }
  for (const charset of new Set(values.flatMap(unknownWordCharsets))) {
    warnings.push(`unknown charset '${charset}' in ${field} header; decoded as windows-1252`);
  }
  return out;
}

function cleanName(name: string, address: string): string {
  let n = name.replace(/\0/g, '').replace(/\s+/g, ' ').trim();
  if (n.length >= 2 && /^(["']).*\1$/.test(n)) n = n.slice(1, -1).trim();
  return n.toLowerCase() === address ? '' : n;
}

/** True when an address has the local@domain shape the store can match on. */
export function isUsableAddress(address: string): boolean {
  return USABLE_ADDRESS.test(address);
}

/**
 * Message identifiers in a Message-ID / In-Reply-To / References value (RFC 5322 §3.6.4),
 * without angle brackets, in order, duplicates removed. Where a broken mailer left out the
 * brackets, bare tokens that contain "@" are taken instead.
 */
export function readMessageIds(value: string | undefined): string[] {
  if (!value) return [];
  const ids: string[] = [];
  for (const m of value.matchAll(/<([^<>]*)>/g)) {
    const id = (m[1] ?? '').replace(/\s+/g, '');
    if (id) ids.push(id);
  }
  if (!ids.length) {
    for (const token of value.split(/[\s,]+/)) if (token.includes('@')) ids.push(token.replace(/^<|>$/g, ''));
  }
  return [...new Set(ids)];
}

function clip(text: string, max = 80): string {
  const t = text.replace(/\s+/g, ' ').trim();
  return t.length > max ? `${t.slice(0, max)}…` : t;
}
