// How the raw RFC 5322 source is kept in the store: zstd (level 3) per message. Measured on
// the 4,995 Enron messages (19.5 MB): zstd-3 0.44 of the raw bytes at ~90 µs per message to
// compress and ~50 µs to read back; brotli-5 0.40 at ~2.5× the CPU; gzip-6 0.42 at ~1.4×.
// zstd's CPU per message is what a sync pays, so it wins (Node's zlib, no dependency).
// The decoded body text and HTML are kept the same way (migration 130): they were the largest
// uncompressed part of the store (dasovich-j: 6.8 MB of body text beside 3.6 MB of zstd raw),
// and a read decompresses one body (~10 µs for an Enron-sized one). Where the source is kept
// and small, the bodies are compressed against it ('zstd-source'), so the text is stored once.
import { createHash } from 'node:crypto';
import { constants, zstdCompressSync, zstdDecompressSync } from 'node:zlib';

/** 'remote': not kept on this computer (older than "keep full messages for N months"); the provider has it. */
export type RawEncoding = 'identity' | 'zstd' | 'remote';

/** The encoding new rows are written with. */
export const RAW_ENCODING: RawEncoding = 'zstd';

const ZSTD_LEVEL = 3;

/** The bytes to store for `raw`, in RAW_ENCODING. */
export function encodeRaw(raw: Uint8Array): Buffer {
  return zstdCompressSync(raw, { params: { [constants.ZSTD_c_compressionLevel]: ZSTD_LEVEL } });
}

/** The original bytes of a stored blob; throws on an unknown encoding or corrupt data. */
export function decodeRaw(stored: Uint8Array, encoding: string): Uint8Array {
  if (encoding === 'identity') return stored;
  if (encoding === 'zstd') return zstdDecompressSync(stored);
  if (encoding === 'remote') return new Uint8Array();
  throw new Error(`raw source stored with an unknown encoding: ${encoding}`);
}

/** A content hash of a raw source (SHA-256, hex): equal digests, the same message byte for byte. */
export function sourceDigest(raw: Uint8Array): string {
  return createHash('sha256').update(raw).digest('hex');
}

/**
 * How body_text and body_html are kept: 'identity' (rows before migration 130), 'zstd',
 * 'zstd-source' (zstd with the message's own raw source as the dictionary: the body is mostly
 * a copy of part of the source, so it costs a few hundred bytes instead of a compressed copy;
 * Enron's 13.5 MB of body text took 5.9 MB as plain zstd and under 1 MB so: the database went
 * from 1.98 to 1.68 × the raw bytes) or 'remote'.
 */
export type BodyEncoding = 'identity' | 'zstd' | 'zstd-source' | 'remote';

/**
 * A source stored in up to this many bytes is the dictionary of its bodies: reading a body
 * decompresses it first, ~0.1 ms for an Enron-sized one; larger ones (attachments) leave
 * their bodies plain zstd, read without it.
 */
export const SOURCE_DICTIONARY_MAX_BYTES = 256 * 1024;

/** The column a body read selects beside body_text, body_html and body_encoding: the stored source where the bodies were compressed against it. */
export const BODY_SOURCE_COLUMN = "CASE WHEN body_encoding = 'zstd-source' THEN raw END AS body_source";

/**
 * The encoded body text and HTML of a message whose source is `raw`, stored as `stored`
 * (encodeRaw), and their encoding; '' stays '' (nothing to compress).
 */
export function encodeBodies(raw: Uint8Array, stored: Uint8Array, text: string, html: string | null): { text: Buffer | string; html: Buffer | string | null; encoding: BodyEncoding } {
  const source = raw.length > 0 && stored.length <= SOURCE_DICTIONARY_MAX_BYTES ? raw : null;
  return { text: encodeBody(text, source), html: html === null ? null : encodeBody(html, source), encoding: source ? 'zstd-source' : 'zstd' };
}

/**
 * Against a source, small match tables (2^12 entries) and a window the size of the largest
 * source: each call builds its dictionary's tables afresh, and zstd's level-3 defaults for
 * that made the Enron import peak at 305–311 MB resident instead of 290 (`npm run bench --
 * --only=import`), for a database 1.65 × the raw bytes instead of 1.68.
 */
const SOURCE_PARAMS = {
  [constants.ZSTD_c_compressionLevel]: ZSTD_LEVEL,
  [constants.ZSTD_c_windowLog]: 18,
  [constants.ZSTD_c_hashLog]: 12,
  [constants.ZSTD_c_chainLog]: 12,
};
// A 128 KiB window (bodies are rarely longer) keeps each compression's working memory small.
const PLAIN_PARAMS = { [constants.ZSTD_c_compressionLevel]: ZSTD_LEVEL, [constants.ZSTD_c_windowLog]: 17 };

/** The value to store for a body text or HTML: zstd, against `source` as the dictionary where given. */
export function encodeBody(text: string, source: Uint8Array | null = null): Buffer | string {
  if (text === '') return '';
  const bytes = Buffer.from(text, 'utf8');
  return source ? zstdCompressSync(bytes, { params: SOURCE_PARAMS, dictionary: source }) : zstdCompressSync(bytes, { params: PLAIN_PARAMS });
}

/** A stored body back as text; `source` (the decoded raw source) for 'zstd-source'. Throws on an unknown encoding, a missing source or corrupt data. */
export function decodeBody(stored: Uint8Array | string, encoding: string, source: Uint8Array | null = null): string {
  if (typeof stored === 'string') return stored; // 'identity' rows, and '' in any encoding
  if (encoding === 'zstd-source') {
    if (!source) throw new Error('a body compressed against its source was read without the source');
    return Buffer.from(zstdDecompressSync(stored, { dictionary: source })).toString('utf8');
  }
  return Buffer.from(decodeRaw(stored, encoding)).toString('utf8');
}

/**
 * A row's body text and HTML, as selected with body_text, body_html, body_encoding,
 * BODY_SOURCE_COLUMN and raw_encoding; `source`, the row's source already decoded, spares
 * decompressing it again.
 */
export function decodeBodies(
  row: { body_text: Uint8Array | string; body_html?: Uint8Array | string | null; body_encoding: string; body_source?: Uint8Array | null; raw_encoding?: string },
  decoded: Uint8Array | null = null,
): { text: string; html: string | null } {
  const source = row.body_encoding !== 'zstd-source' ? null : (decoded ?? (row.body_source ? decodeRaw(row.body_source, row.raw_encoding ?? 'zstd') : null));
  const html = row.body_html ?? null;
  return { text: decodeBody(row.body_text, row.body_encoding, source), html: html === null ? null : decodeBody(html, row.body_encoding, source) };
}
