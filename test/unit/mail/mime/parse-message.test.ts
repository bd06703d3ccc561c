// parseMessage on hand-written messages: the normal shape, and one case per warning, so a
// regression that silently decodes wrongly or drops a message shows up here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseMessage } from '../../../../src-main/mail/mime/index.ts';

function mail(...lines: string[]): Uint8Array {
  return Buffer.from(lines.join('\r\n'), 'latin1');
}

const BASE = [
  'Message-ID: <abc@example.com>',
  'Date: Mon, 14 Jan 2002 10:13:40 -0800',
  'From: "Ann Example" <Ann@Example.COM>',
  'To: bob@example.org',
  'Subject: Hello',
];

function hasWarning(warnings: string[], pattern: RegExp): boolean {
  return warnings.some((w) => pattern.test(w));
}

test('a well-formed message parses with no warnings', async () => {
  const m = await parseMessage(mail(...BASE, 'In-Reply-To: <p@x>', 'References: <r@x> <p@x>', '', 'Hi Bob,', '', 'see you.'));
  assert.deepEqual(m.warnings, []);
  assert.equal(m.messageId, 'abc@example.com');
  assert.equal(m.inReplyTo, 'p@x');
  assert.deepEqual(m.references, ['r@x', 'p@x']);
  assert.deepEqual(m.from, { name: 'Ann Example', address: 'ann@example.com' });
  assert.deepEqual(m.to, [{ name: '', address: 'bob@example.org' }]);
  assert.equal(m.date, Date.UTC(2002, 0, 14, 18, 13, 40));
  assert.equal(m.subject, 'Hello');
  assert.equal(m.text.trim(), 'Hi Bob,\n\nsee you.');
  assert.equal(m.snippet, 'Hi Bob, see you.');
  assert.equal(m.html, null);
});

test('postal-mime failure falls back to the header reader and says so', async () => {
  // 300 nested multiparts exceed postal-mime's nesting limit of 256, which rejects the parse
  const nested: string[] = [];
  for (let i = 0; i < 300; i++) nested.push(`Content-Type: multipart/mixed; boundary="b${i}"`, '', `--b${i}`);
  const m = await parseMessage(mail(...BASE, 'Content-Type: multipart/mixed; boundary="top"', '', '--top', ...nested, 'x'));
  assert.ok(hasWarning(m.warnings, /^MIME parse failed: .*nesting.*; headers read with the fallback parser$/), m.warnings.join('|'));
  assert.equal(m.messageId, 'abc@example.com');
  assert.equal(m.from?.address, 'ann@example.com');
  assert.equal(m.subject, 'Hello');
  assert.ok(m.date);
});

test('an unknown body charset is reported with its part', async () => {
  const m = await parseMessage(mail(...BASE, 'MIME-Version: 1.0', 'Content-Type: multipart/mixed; boundary=XX', '',
    '--XX', 'Content-Type: text/plain; charset=us-ascii', '', 'one', '--XX', 'Content-Type: text/plain; charset="x-foo"', '', 'two', '--XX--'));
  assert.ok(m.warnings.includes("unknown charset 'x-foo' in part 2 (text/plain); decoded as windows-1252"), m.warnings.join('|'));
  assert.match(m.text, /one[\s\S]*two/);
});

test('charset aliases postal-mime knows are not reported', async () => {
  for (const charset of ['ISO-8859-1', 'us-ascii', 'x-sjis', 'cp1252', 'utf8', 'ks_c_5601-1987', 'UTF-7']) {
    const m = await parseMessage(mail(...BASE, `Content-Type: text/plain; charset=${charset}`, '', 'text'));
    assert.deepEqual(m.warnings, [], charset);
  }
});

test('an unknown charset in an encoded word is reported', async () => {
  const m = await parseMessage(mail(...BASE.filter((l) => !l.startsWith('Subject')), 'Subject: =?x-bogus?Q?caf=E9?=', '', 'b'));
  assert.ok(m.warnings.includes("unknown charset 'x-bogus' in Subject header; decoded as windows-1252"), m.warnings.join('|'));
});

test('missing Message-ID, Date and From are each reported', async () => {
  const m = await parseMessage(mail('To: bob@example.org', 'Subject: x', '', 'body'));
  assert.ok(m.warnings.includes('no Message-ID header'));
  assert.ok(m.warnings.includes('no Date header'));
  assert.ok(m.warnings.includes('no From header'));
  assert.equal(m.messageId, null);
  assert.equal(m.date, null);
  assert.equal(m.from, null);
});

test('an unparseable Date header is quoted in the warning', async () => {
  const m = await parseMessage(mail(...BASE.filter((l) => !l.startsWith('Date')), 'Date: sometime next week', '', 'b'));
  assert.ok(m.warnings.includes("unparseable Date header: 'sometime next week'"), m.warnings.join('|'));
  assert.equal(m.date, null);
});

test('a message without body is reported, and a header-only message too', async () => {
  const empty = await parseMessage(mail(...BASE, '', ''));
  assert.ok(empty.warnings.includes('message has no body'));
  const headerOnly = await parseMessage(mail(...BASE));
  assert.ok(headerOnly.warnings.includes('message has no body'));
  assert.equal(headerOnly.subject, 'Hello');
});

test('base64 with non-base64 characters is reported with its part', async () => {
  const m = await parseMessage(mail(...BASE, 'Content-Type: text/plain', 'Content-Transfer-Encoding: base64', '',
    'SGVsbG8g!!d29ybGQ=', ''));
  assert.ok(hasWarning(m.warnings, /^undecodable base64 in the message body \(text\/plain\): 2 non-base64 characters skipped$/), m.warnings.join('|'));
  const ok = await parseMessage(mail(...BASE, 'Content-Transfer-Encoding: base64', '', 'SGVsbG8gd29ybGQ=', ''));
  assert.deepEqual(ok.warnings, []);
  assert.equal(ok.text, 'Hello world');
});

test('a leading mbox From line is stripped and reported', async () => {
  const m = await parseMessage(mail('From ann@example.com  Thu Aug 22 12:36:23 2002', ...BASE, '', 'b'));
  assert.ok(m.warnings.includes("mbox 'From ' separator line stripped"));
  assert.equal(m.messageId, 'abc@example.com');
  assert.equal(m.from?.address, 'ann@example.com');
});

test('NUL bytes are counted and removed from the decoded text', async () => {
  const m = await parseMessage(mail(...BASE, '', 'a\0b\0c'));
  assert.ok(m.warnings.includes('message contains 2 NUL bytes; removed from the decoded text'), m.warnings.join('|'));
  assert.equal(m.text.includes('\0'), false);
});

test('an empty input yields an empty message, not an error', async () => {
  const m = await parseMessage(new Uint8Array(0));
  assert.deepEqual(m.warnings, ['message is empty']);
  assert.equal(m.messageId, null);
});

test('a missing closing boundary and an unknown transfer encoding are reported', async () => {
  const m = await parseMessage(mail(...BASE, 'Content-Type: multipart/alternative; boundary=ZZ', '',
    '--ZZ', 'Content-Type: text/plain', 'Content-Transfer-Encoding: x-uuencode', '', 'begin 644 a'));
  assert.ok(m.warnings.includes('closing boundary missing in the message body (multipart/alternative); the message may be truncated'), m.warnings.join('|'));
  assert.ok(m.warnings.includes("unknown Content-Transfer-Encoding 'x-uuencode' in part 1 (text/plain); body kept undecoded"));
});

test('raw 8-bit headers that are not UTF-8 are read as windows-1252', async () => {
  const m = await parseMessage(mail(...BASE.filter((l) => !l.startsWith('Subject')), 'Subject: Gr\xfc\xdfe', '', 'b'));
  assert.equal(m.subject, 'Grüße');
  assert.ok(m.warnings.includes('8-bit text that is not UTF-8 in header subject; read as windows-1252'));
});

test('invalid addresses are kept with a warning; entries without address are reported', async () => {
  const m = await parseMessage(mail(...BASE.filter((l) => !l.startsWith('To')), 'To: "Bob" <bob-at-example>, Nobody <>, carol@example.net', '', 'b'));
  assert.deepEqual(m.to.map((a) => a.address), ['bob-at-example', 'carol@example.net']);
  assert.ok(m.warnings.includes("invalid address in To: 'bob-at-example'"), m.warnings.join('|'));
  assert.ok(m.warnings.includes("To entry without an address: 'Nobody'"), m.warnings.join('|'));
});

test('HTML-only message gets text derived from HTML, scripts not included', async () => {
  const m = await parseMessage(mail(...BASE, 'Content-Type: text/html; charset=utf-8', '',
    '<html><head><style>p{color:red}</style><script>alert(1)</script></head><body><p>Hello <b>Bob</b></p><p>Line two &amp; more</p></body></html>'));
  assert.ok(m.html?.includes('<b>Bob</b>'));
  assert.match(m.text, /Hello Bob\s+Line two & more/);
  assert.doesNotMatch(m.text, /alert|color:red/);
  assert.equal(m.snippet, 'Hello Bob Line two & more');
});

test('attachments carry metadata only, with RFC 2231 file names decoded', async () => {
  const m = await parseMessage(mail(...BASE, 'Content-Type: multipart/mixed; boundary=B', '',
    '--B', 'Content-Type: text/plain', '', 'see attached', '--B',
    "Content-Type: application/pdf", "Content-Disposition: attachment; filename*=UTF-8''Gr%C3%BC%C3%9Fe.pdf",
    'Content-Transfer-Encoding: base64', 'Content-ID: <img1@x>', '', 'AAECAw==', '--B--'));
  assert.deepEqual(m.attachments, [{ filename: 'Grüße.pdf', mimeType: 'application/pdf', size: 4, contentId: 'img1@x', disposition: 'attachment' }]);
  assert.deepEqual(m.warnings, []);
});

test('a UTF-7 body and UTF-7 encoded words decode', async () => {
  const m = await parseMessage(mail(...BASE.filter((l) => !l.startsWith('Subject')),
    'Subject: =?utf-7?Q?Fr+APY-sche?=', 'Content-Type: text/plain; charset=utf-7', '', 'Hi Mom -+Jjo--!'));
  assert.equal(m.subject, 'Frösche');
  assert.equal(m.text.trim(), 'Hi Mom -☺-!');
  assert.deepEqual(m.warnings, []);
});
