// parseMessage over real third-party mail read in place from ../shared/data: every file of
// the MIME edge-case fixtures and the notmuch corpora must parse without throwing into a
// well-formed ParsedMessage; a few known answers; all Enron inbox messages with speed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseMessage } from '../../src-main/mail/mime/index.ts';
import type { ParsedMessage } from '../../src-main/mail/types.ts';

const DATA = process.env.MAILBRIDGE_SHARED_DATA ?? fileURLToPath(new URL('../../../shared/data', import.meta.url));
const MISSING = existsSync(DATA) ? false : `SKIPPED: shared test data not found at ${DATA} (a clone without ../shared)`;
if (MISSING) console.log(`\n*** mime-corpora: ${MISSING} ***\n`);

// Files in the corpora that are not messages, decided per project from its layout and
// SOURCE.md. Everything else is parsed, including deliberately broken and empty inputs.
const NOT_MESSAGES: [RegExp, string][] = [
  [/\/(SOURCE\.md|README(\.md)?)$/, 'documentation'],
  [/\/flanker\/[^/]+\.txt$/, 'flanker address/domain/URL lists, one entry per line'],
  [/\/flanker\/messages\/dkim\/(purpose|[a-z]+\.expected)\.\d+$/, 'flanker DKIM canonicalisation descriptions and expected outputs'],
  [/\/(flanker\/messages\/attachments|ruby-mail\/attachments|zbateson-mail-mime-parser\/emails\/files)\//,
    'attachment originals the fixtures were built from'],
  [/\/ruby-mail\/emails\/sample_output_multipart$/, 'ruby-mail expected-output file'],
];

function listFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...listFiles(path));
    else out.push(path);
  }
  return out;
}

/** Groups a warning with others of its kind: quoted values, numbers and part paths removed. */
function warningKind(warning: string): string {
  return warning
    .replace(/'[^']*'/g, '…')
    .replace(/\((?:[a-z-]+\/[a-z0-9.+-]+)\)/gi, '')
    .replace(/\bpart [\d.]+|the message body/g, 'part')
    .replace(/header [a-z-]+(, [a-z-]+)*;/g, 'header …;')
    .replace(/\d+/g, 'N')
    .split(/[;:]/)[0]!
    .replace(/\s+/g, ' ')
    .trim();
}

function assertShape(m: ParsedMessage, file: string): void {
  const isAddress = (a: unknown): boolean => typeof a === 'object' && a !== null &&
    typeof (a as { name: unknown }).name === 'string' && typeof (a as { address: unknown }).address === 'string' &&
    (a as { address: string }).address === (a as { address: string }).address.toLowerCase();
  const nullableString = (v: unknown): boolean => v === null || typeof v === 'string';
  assert.ok(nullableString(m.messageId) && m.messageId !== '', `${file}: messageId`);
  assert.ok(m.messageId === null || !/[<>]/.test(m.messageId), `${file}: messageId has brackets`);
  assert.ok(nullableString(m.inReplyTo), `${file}: inReplyTo`);
  assert.ok(Array.isArray(m.references) && m.references.every((r) => typeof r === 'string' && !/[<>]/.test(r)), `${file}: references`);
  assert.equal(typeof m.subject, 'string', `${file}: subject`);
  assert.ok(m.from === null || isAddress(m.from), `${file}: from`);
  for (const key of ['to', 'cc', 'bcc', 'replyTo'] as const) assert.ok(m[key].every(isAddress), `${file}: ${key}`);
  assert.ok(m.date === null || Number.isFinite(m.date), `${file}: date`);
  assert.equal(typeof m.text, 'string', `${file}: text`);
  assert.ok(nullableString(m.html), `${file}: html`);
  assert.ok(typeof m.snippet === 'string' && m.snippet.length <= 200 && !/\s{2}/.test(m.snippet), `${file}: snippet`);
  for (const a of m.attachments) {
    assert.ok(nullableString(a.filename) && typeof a.mimeType === 'string' && Number.isInteger(a.size) && a.size >= 0, `${file}: attachment`);
    assert.ok(nullableString(a.contentId) && [null, 'attachment', 'inline'].includes(a.disposition), `${file}: attachment`);
  }
  assert.ok(Array.isArray(m.warnings) && m.warnings.every((w) => typeof w === 'string' && w.length > 0), `${file}: warnings`);
}

const parsed = new Map<string, ParsedMessage>();

test('every file in the MIME fixtures and notmuch corpora parses into a ParsedMessage', { skip: MISSING }, async () => {
  const files = ['mime-fixtures', 'notmuch-corpora'].flatMap((dir) => listFiles(join(DATA, dir)));
  const skipped = new Map<string, string[]>();
  const kinds = new Map<string, number>();
  let withWarnings = 0;
  for (const file of files) {
    const rel = relative(DATA, file);
    const reason = NOT_MESSAGES.find(([re]) => re.test(`/${rel}`))?.[1];
    if (reason) {
      skipped.set(reason, [...(skipped.get(reason) ?? []), rel]);
      continue;
    }
    const m = await parseMessage(readFileSync(file));
    assertShape(m, rel);
    parsed.set(rel, m);
    if (m.warnings.length) withWarnings++;
    for (const w of m.warnings) kinds.set(warningKind(w), (kinds.get(warningKind(w)) ?? 0) + 1);
  }
  console.log(`\nmime-corpora: ${parsed.size} messages parsed, ${withWarnings} with warnings, ` +
    `${files.length - parsed.size} files skipped as not messages:`);
  for (const [reason, list] of skipped) console.log(`  SKIPPED ${list.length} × ${reason} (e.g. ${list[0]})`);
  console.log('warnings by kind:');
  for (const [kind, n] of [...kinds].sort((a, b) => b[1] - a[1])) console.log(`  ${String(n).padStart(4)}  ${kind}`);
  assert.ok(parsed.size > 500, `only ${parsed.size} messages found`);
});

function known(rel: string): ParsedMessage {
  const m = parsed.get(rel);
  assert.ok(m, `${rel} was not parsed`);
  return m;
}

test('known answers on specific fixtures', { skip: MISSING }, () => {
  // UTF-7 subject in an encoded word (Outlook 2000) and bare UTF-7 headers (Netscape 4.7)
  assert.equal(known('mime-fixtures/zbateson-mail-mime-parser/emails/m0006.txt').subject, 'Die Hasen und die Frösche (Microsoft Outlook 00)');
  const netscape = known('mime-fixtures/zbateson-mail-mime-parser/emails/m1011.txt');
  assert.equal(netscape.subject, 'Die Hasen und die Frösche');
  assert.equal(netscape.to[0]?.name, 'Heinz Müller');
  assert.equal(known('mime-fixtures/zbateson-mail-mime-parser/headers/encoded-headers').cc[0]?.name, 'Andreas Müzner');
  // Shift_JIS body
  assert.match(known('mime-fixtures/ruby-mail/emails/multi_charset/japanese_shift_jis.eml').text, /このメールはテスト用のメールです。/);
  // RFC 2231 file names: continuation with UTF-8, and a single ISO-8859-1 value
  assert.equal(known('mime-fixtures/ruby-mail/emails/multi_charset/japanese_attachment_long_name.eml').attachments[0]?.filename,
    'かきくけこかきくけこかきくけこかきくけこかきくけこ.txt');
  assert.equal(known('mime-fixtures/ruby-mail/emails/attachment_emails/attachment_with_quoted_filename.eml').attachments[0]?.filename,
    'Eelanalüüsi päring.jpg');
  assert.equal(known('mime-fixtures/nodemailer-mailparser/nodemailer.eml').attachments.find((a) => a.filename?.startsWith('nyan'))?.filename,
    'nyan cat ✔.gif');
  // HTML-only message gets text
  const html = known('notmuch-corpora/html/attribute-text');
  assert.ok(html.html);
  assert.match(html.text, /hunter2/); // text after </body> is kept, attribute values are not text
  assert.doesNotMatch(html.text, /swordfish|</);
});

test('broken fixtures yield warnings that name the problem', { skip: MISSING }, () => {
  const has = (rel: string, pattern: RegExp): void => {
    const m = known(rel);
    assert.ok(m.warnings.some((w) => pattern.test(w)), `${rel}: ${JSON.stringify(m.warnings)}`);
  };
  has('mime-fixtures/flanker/messages/enclosed-broken-body.eml', /^undecodable base64 in part 2\.1/);
  has('mime-fixtures/flanker/messages/missing-final-boundary.eml', /^closing boundary missing/);
  has('mime-fixtures/ruby-mail/emails/plain_emails/raw_email10.eml', /^unknown charset 'X-UNKNOWN'/);
  has('mime-fixtures/ruby-mail/emails/error_emails/bad_date_header2.eml', /^unparseable Date header/);
  has('mime-fixtures/ruby-mail/emails/error_emails/content_transfer_encoding_x_uuencode.eml', /^unknown Content-Transfer-Encoding 'x-uuencode'/);
  has('mime-fixtures/zbateson-mail-mime-parser/headers/invalid-charset', /^unknown charset 'INVALID' in Subject/);
  has('mime-fixtures/flanker/messages/dkim/email.01', /^message is empty$/);
  has('mime-fixtures/flanker/messages/torture.eml', /^mbox 'From ' separator line stripped$/);
  has('mime-fixtures/zbateson-mail-mime-parser/emails/m0001.txt', /^8-bit text that is not UTF-8 in header/);
  assert.equal(known('mime-fixtures/zbateson-mail-mime-parser/emails/m0001.txt').to[0]?.name, 'Jürgen Schmürgen');
});

test('all Enron inbox messages have a sender, a date and a Message-ID', { skip: MISSING }, async () => {
  const files = listFiles(join(DATA, 'enron', 'maildir'));
  const raws = files.map((f) => readFileSync(f));
  const missing: string[] = [];
  let withWarnings = 0;
  const started = performance.now();
  for (let i = 0; i < raws.length; i++) {
    const m = await parseMessage(raws[i]!);
    if (!m.from?.address || m.date === null || !m.messageId) missing.push(relative(DATA, files[i]!));
    if (m.warnings.length) withWarnings++;
  }
  const seconds = (performance.now() - started) / 1000;
  const bytes = raws.reduce((sum, r) => sum + r.length, 0);
  console.log(`\nenron: ${raws.length} messages (${(bytes / 1e6).toFixed(1)} MB) in ${seconds.toFixed(2)} s = ` +
    `${Math.round(raws.length / seconds)} messages/s, ${withWarnings} with warnings`);
  assert.equal(raws.length, 4995);
  assert.deepEqual(missing, []);
});
