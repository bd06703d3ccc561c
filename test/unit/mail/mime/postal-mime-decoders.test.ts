// The Blob-free finalize() for postal-mime's decoders: engaged for all three decoders of
// the installed postal-mime, byte-for-byte what the Blob round trip gives, and used by
// parseMessage (no Blob built while parsing plain, base64 and quoted-printable parts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { concatParts, patchedDecoders } from '../../../../src-main/mail/mime/postal-mime-decoders.ts';
import { parseMessage } from '../../../../src-main/mail/mime/index.ts';

test('every postal-mime decoder has the Blob-free finalize (an upgrade that changes them fails here)', () => {
  assert.deepEqual([...patchedDecoders].sort(), ['base64-decoder.js', 'pass-through-decoder.js', 'qp-decoder.js']);
});

test('concatParts gives the bytes of new Blob(parts).arrayBuffer()', async () => {
  const parts = [
    Uint8Array.of(1, 2, 3).subarray(1),
    '\n',
    Uint8Array.of(0xff, 0x00).buffer,
    'größe €',
    new Uint8Array(0),
    '',
  ];
  const expected = new Uint8Array(await new Blob(parts).arrayBuffer());
  const actual = concatParts(parts);
  assert.ok(actual instanceof ArrayBuffer);
  assert.deepEqual(new Uint8Array(actual), expected);
  assert.equal(concatParts([]).byteLength, 0);
});

test('parseMessage decodes plain, base64 and quoted-printable parts without building a Blob', async (t) => {
  const raw = Buffer.from([
    'From: a@example.com', 'To: b@example.com', 'Subject: parts', 'Message-ID: <p@x>',
    'Date: Mon, 14 Jan 2002 10:13:40 -0800',
    'Content-Type: multipart/mixed; boundary="b"', '',
    '--b', 'Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: quoted-printable', '',
    'Gr=C3=BC=C3=9Fe, a soft =', 'break.', '',
    '--b', 'Content-Type: text/html; charset=utf-8', '', '<p>caf\u00e9</p>', '',
    '--b', 'Content-Type: application/octet-stream; name="x.bin"', 'Content-Transfer-Encoding: base64',
    'Content-Disposition: attachment; filename="x.bin"', '', Buffer.from('hello world').toString('base64'), '',
    '--b--', '',
  ].join('\r\n'), 'utf8');
  const blob = t.mock.method(globalThis, 'Blob');
  const m = await parseMessage(raw);
  assert.equal(blob.mock.callCount(), 0);
  assert.match(m.text, /^Grüße, a soft break\.\n/);
  assert.match(m.html ?? '', /<p>café<\/p>/);
  assert.deepEqual(m.attachments.map((a) => [a.filename, a.size]), [['x.bin', 11]]);
  assert.deepEqual(m.warnings, []);
});
