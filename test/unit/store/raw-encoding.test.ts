// Bodies compressed against their own source ('zstd-source'): read back exactly, a small
// fraction of a plain zstd copy where the body is a copy of the source's text, plain zstd
// for a source too large to be a dictionary, and a refusal to decode without the source.
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { zstdCompressSync } from 'node:zlib';
import { decodeBody, decodeBodies, encodeBodies, encodeRaw, SOURCE_DICTIONARY_MAX_BYTES } from '../../../src-main/store/raw-encoding.ts';

const paragraph = (i: number) => `Paragraph ${i}: the gas storage report for Mojave, with the revised numbers — Größe ${i * 7}, 日本 ${i}.\n`;
const text = Array.from({ length: 60 }, (_, i) => paragraph(i)).join('');
const html = `<div>${text.replaceAll('\n', '<br>')}</div>`;
const source = new TextEncoder().encode(
  `From: jeff@enron.test\r\nSubject: Storage\r\nContent-Type: multipart/alternative; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n${text}\r\n--b\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n${html}\r\n--b--\r\n`,
);

test('bodies compressed against their source read back exactly and take a fraction of a plain copy', () => {
  const encoded = encodeBodies(source, encodeRaw(source), text, html);
  assert.equal(encoded.encoding, 'zstd-source');
  const stored = { body_text: encoded.text, body_html: encoded.html, body_encoding: encoded.encoding, body_source: encodeRaw(source), raw_encoding: 'zstd' };
  assert.deepEqual(decodeBodies(stored), { text, html });
  const plain = zstdCompressSync(Buffer.from(text)).length + zstdCompressSync(Buffer.from(html)).length;
  const against = (encoded.text as Buffer).length + (encoded.html as Buffer).length;
  assert.ok(against * 5 < plain, `${against} bytes against the source, ${plain} as plain zstd`);
});

test('a source too large to be a dictionary, or none, leaves the bodies plain zstd; empty stays empty', () => {
  // Attachments do not compress: stored, the source is larger than a dictionary may be.
  const large = randomBytes(SOURCE_DICTIONARY_MAX_BYTES + 1);
  const encoded = encodeBodies(large, encodeRaw(large), text, null);
  assert.deepEqual([encoded.encoding, encoded.html], ['zstd', null]);
  assert.equal(decodeBody(encoded.text, encoded.encoding), text);
  assert.equal(encodeBodies(new Uint8Array(), new Uint8Array(), text, null).encoding, 'zstd', 'no source kept (a remote row)');
  assert.equal(encodeBodies(source, encodeRaw(source), '', null).text, '');
});

test('a body compressed against its source is not decoded without it', () => {
  const encoded = encodeBodies(source, encodeRaw(source), text, null);
  assert.throws(() => decodeBody(encoded.text, encoded.encoding), /without the source/);
});
