// Snippets skip quoted replies; HTML becomes readable text without running anything.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { htmlToText, makeSnippet, SNIPPET_LENGTH } from '../../../../src-main/mail/mime/body-text.ts';
import { decodeUtf7 } from '../../../../src-main/mail/mime/charset.ts';

test('snippet collapses whitespace and skips quoted lines and attributions', () => {
  const text = 'Sounds good.\n\nOn Mon, Jan 14, 2002 at 10:13 AM, Ann wrote:\n> Shall we meet?\n> Tuesday?\n\nBob';
  assert.equal(makeSnippet(text), 'Sounds good. Bob');
});

test('snippet stops at an Outlook original-message block and at a signature', () => {
  assert.equal(makeSnippet('Please see below.\n\n -----Original Message-----\nFrom: Ann\nSubject: x\n\nold text'), 'Please see below.');
  assert.equal(makeSnippet('Thanks\n-- \nBob Smith\nACME'), 'Thanks');
});

test('snippet of a quote-only message falls back to the text', () => {
  assert.equal(makeSnippet('> only quoted'), '> only quoted');
});

test('snippet is at most SNIPPET_LENGTH characters, cut at a word', () => {
  const s = makeSnippet('word '.repeat(200));
  assert.ok(s.length <= SNIPPET_LENGTH && s.length > SNIPPET_LENGTH - 30, String(s.length));
  assert.ok(s.endsWith('word'));
});

test('htmlToText keeps text and structure, drops scripts, styles and images', () => {
  const text = htmlToText('<div>Hi&nbsp;there</div><img src="cid:x" alt="logo"><script>evil()</script><ul><li>one</li><li>two</li></ul><a href="https://x.test">link</a>');
  assert.match(text, /Hi\u00a0there|Hi there/);
  assert.match(text, /one[\s\S]*two/);
  assert.match(text, /link/);
  assert.doesNotMatch(text, /evil|https:\/\/x\.test|logo/);
});

test('UTF-7 decoding follows RFC 2152 examples', () => {
  assert.equal(decodeUtf7('Hi Mom -+Jjo--!'), 'Hi Mom -☺-!');
  assert.equal(decodeUtf7('+ZeVnLIqe-'), '日本語');
  assert.equal(decodeUtf7('A+ImIDkQ.'), 'A≢Α.');
  assert.equal(decodeUtf7('1 +- 1'), '1 + 1');
});
