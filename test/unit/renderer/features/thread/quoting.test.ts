// Quoted-history detection for the thread view, on real replies from
// ../shared/data/reply-parsing: the history collapses, nothing the sender wrote is hidden,
// and no text is ever lost between the two halves.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { splitReply } from '../../../../../src-renderer/features/thread/quoting.ts';

const CORPUS = join(import.meta.dirname, '../../../../../../shared/data/reply-parsing');
const skip = existsSync(CORPUS) ? false : `../shared/data is absent (${CORPUS})`;
const read = (dir: string, file: string) => readFileSync(join(CORPUS, dir, file), 'utf8').replace(/\r\n?/g, '\n');
const squash = (s: string) => s.replace(/\s+/g, '');

describe('splitReply', { skip }, () => {
  test('every fixture splits without losing a character', () => {
    let withQuote = 0;
    for (const dir of ['crisp-email-reply-parser', 'github-email_reply_parser']) {
      for (const file of readdirSync(join(CORPUS, dir)).filter((f) => f.endsWith('.txt'))) {
        const text = read(dir, file);
        const { reply, quoted } = splitReply(text);
        assert.equal(squash(reply + (quoted ?? '')), squash(text), `${dir}/${file}`);
        if (quoted) withQuote++;
      }
    }
    assert.ok(withQuote > 40, `quoted history found in ${withQuote} fixtures`);
  });

  test('a German "Am … schrieb" attribution starts the history', () => {
    const { reply, quoted } = splitReply(read('crisp-email-reply-parser', 'email_german.txt'));
    assert.match(reply, /Fusce bibendum/);
    assert.match(quoted ?? '', /^Am 13\.12\.2017 21:11 schrieb/);
  });

  test('inline answers between quotes stay visible', () => {
    const text = read('github-email_reply_parser', 'email_1_2.txt');
    const { reply } = splitReply(text);
    assert.match(reply, /You can list the keys for the bucket/);
  });

  test('an Outlook "Original Message" block collapses; a message without history is left whole', () => {
    const outlook = 'Sounds good, see you Tuesday.\n\n-----Original Message-----\nFrom: Ana\nSent: Monday\nSubject: Meeting\n\nCan we meet?';
    assert.deepEqual(splitReply(outlook), { reply: 'Sounds good, see you Tuesday.', quoted: '-----Original Message-----\nFrom: Ana\nSent: Monday\nSubject: Meeting\n\nCan we meet?' });
    assert.deepEqual(splitReply('Just a note.\nNo history here.'), { reply: 'Just a note.\nNo history here.', quoted: null });
  });
});
