// How the raw RFC 5322 source is kept in the store: zstd (level 3) per message. Measured on
// the 4,995 Enron messages (19.5 MB): zstd-3 0.44 of the raw bytes at ~90 µs per message to
// compress and ~50 µs to read back; brotli-5 0.40 at ~2.5× the CPU; gzip-6 0.42 at ~1.4×.
// zstd's CPU per message is what a sync pays, so it wins (Node's zlib, no dependency).
// The decoded body text and HTML are kept the same way (migration 130): they were the largest
// uncompressed part of the store (dasovich-j: 6.8 MB of body text beside 3.6 MB of zstd raw),
// and a read decompresses one body (~10 µs for an Enron-sized one).
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

/** The encoding new rows keep body_text and body_html in ('identity' rows predate migration 130). */
export const BODY_ENCODING: RawEncoding = 'zstd';

/** The value to store for a body text or HTML, in BODY_ENCODING; '' stays '' (nothing to compress). */
export function encodeBody(text: string): Buffer | string {
  if (text === '') return '';
  // A 128 KiB window (bodies are rarely longer) keeps each compression's working memory small.
  return zstdCompressSync(Buffer.from(text, 'utf8'), { params: { [constants.ZSTD_c_compressionLevel]: ZSTD_LEVEL, [constants.ZSTD_c_windowLog]: 17 } });
}

/** A stored body back as text; throws on an unknown encoding or corrupt data. */
export function decodeBody(stored: Uint8Array | string, encoding: string): string {
  if (typeof stored === 'string') return stored; // 'identity' rows, and '' in any encoding
  return Buffer.from(decodeRaw(stored, encoding)).toString('utf8');
}
