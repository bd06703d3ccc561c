// The scale benchmark's synthetic mailbox: the same seed writes the same bytes, the mix is
// the one the issue asks for (conversations with References, HTML newsletters, attachments,
// several languages, years of dates), and every file reads back as mail through the
// importer's reader and parser.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeSyntheticMailbox } from '../../../scripts/bench/synthetic-mailbox.ts';
import { scalesOf } from '../../../scripts/bench/scale.ts';
import { readMailbox } from '../../../src-main/mail/import/mailbox-reader.ts';
import { parseMessage } from '../../../src-main/mail/mime/index.ts';

const root = mkdtempSync(join(tmpdir(), 'mailbridge-synthetic-'));
after(() => rmSync(root, { recursive: true, force: true }));

const digest = (dir: string) => {
  const hash = createHash('sha256');
  for (const name of readdirSync(join(dir, 'cur')).sort()) hash.update(name).update(readFileSync(join(dir, 'cur', name)));
  return hash.digest('hex');
};

test('the same count and seed write the same mailbox, byte for byte; another seed another', async () => {
  const [a, b, c] = ['a', 'b', 'c'].map((n) => join(root, n));
  await writeSyntheticMailbox({ dir: a!, messages: 300, seed: 1 });
  await writeSyntheticMailbox({ dir: b!, messages: 300, seed: 1 });
  await writeSyntheticMailbox({ dir: c!, messages: 300, seed: 2 });
  assert.equal(digest(a!), digest(b!));
  assert.notEqual(digest(a!), digest(c!));
});

test('the mix holds conversations, newsletters, attachments and several languages over years, and all of it parses', async () => {
  const dir = join(root, 'mix');
  const figures = await writeSyntheticMailbox({ dir, messages: 1_500 });
  assert.equal(figures.messages, 1_500);
  assert.equal(readdirSync(join(dir, 'cur')).length, 1_500);
  assert.ok(figures.threads < figures.messages, 'some conversations have replies');
  assert.ok(figures.newsletters > 100 && figures.withAttachments > 50, JSON.stringify(figures));
  assert.ok(Object.keys(figures.languages).length >= 5, JSON.stringify(figures.languages));
  assert.ok(Date.parse(figures.newest) - Date.parse(figures.oldest) > 4 * 365 * 86_400_000);

  let replies = 0;
  let html = 0;
  let attachments = 0;
  let warnings = 0;
  for await (const { raw } of readMailbox(dir, { onSkip: (s) => assert.fail(`skipped ${s.key}: ${s.reason}`) })) {
    const parsed = await parseMessage(raw);
    if (parsed.references.length) replies += 1;
    if (parsed.html) html += 1;
    attachments += parsed.attachments.length;
    warnings += parsed.warnings.length;
  }
  assert.ok(replies > 200, `${replies} replies carry References`);
  assert.ok(html > figures.newsletters, `${html} messages with HTML`);
  assert.equal(attachments, figures.attachments);
  assert.equal(warnings, 0);
});

test('--scale takes the default sizes or a list, and refuses what is not a count', () => {
  assert.equal(scalesOf(['--quick']), null);
  assert.deepEqual(scalesOf(['--scale']), [10_000, 100_000]);
  assert.deepEqual(scalesOf(['--scale=100_000,10000']), [10_000, 100_000]);
  assert.throws(() => scalesOf(['--scale=lots']), /message counts/);
});
