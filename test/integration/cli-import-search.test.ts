// The CLI end to end on real mail: `import` the nine Enron inboxes and every MIME fixture
// and notmuch message without a crash, then `search` must return exactly the messages a
// plain scan of the source files says match, for sender, subject and body terms.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src-main/cli/main.ts';

const DATA = join(import.meta.dirname, '../../../shared/data');
const ENRON = join(DATA, 'enron/maildir');
const skip = existsSync(ENRON) ? false : `../shared/data is absent (${DATA}): real-mail CLI tests cannot run`;

interface SourceMessage {
  messageId: string;
  from: string;
  subject: string;
  headers: string;
  body: string;
}

function readEnron(): SourceMessage[] {
  const messages: SourceMessage[] = [];
  for (const user of readdirSync(ENRON).sort()) {
    const inbox = join(ENRON, user, 'inbox');
    for (const entry of readdirSync(inbox, { recursive: true, withFileTypes: true })) {
      if (!entry.isFile()) continue;
      const raw = readFileSync(join(entry.parentPath, entry.name), 'latin1');
      const split = raw.indexOf('\n\n');
      const headers = raw.slice(0, split).replace(/\n\s+/g, ' ');
      const header = (name: string) => new RegExp(`^${name}: ?(.*)$`, 'mi').exec(headers)?.[1]?.trim() ?? '';
      messages.push({
        messageId: header('Message-ID').replace(/^<|>$/g, ''),
        from: header('From').toLowerCase(),
        subject: header('Subject'),
        headers,
        body: raw.slice(split + 2),
      });
    }
  }
  return messages;
}

/** Runs the CLI in-process; returns its exit code and stdout lines. */
async function cli(...args: string[]): Promise<{ code: number; lines: string[] }> {
  const lines: string[] = [];
  const code = await main(args, (line) => lines.push(line));
  return { code, lines };
}

/** Deterministic sample: every n-th item. */
const every = <T>(items: T[], count: number) => items.filter((_, i) => i % Math.floor(items.length / count) === 0).slice(0, count);

describe('CLI import and search on the Enron corpus', { skip }, () => {
  let profile: string;
  let source: SourceMessage[];
  const search = async (query: string) => {
    const { code, lines } = await cli('search', query, '--messages', '--limit', '500', '--json', '--profile', profile);
    const hits = JSON.parse(lines[0]!) as Array<{ messageId: number }>;
    assert.equal(code, hits.length ? 0 : 1, 'exit code 1 when nothing matches, as grep');
    return hits;
  };
  const messageIdsOf = async (hits: Array<{ messageId: number }>) => {
    const ids: string[] = [];
    for (const hit of hits) {
      const { lines } = await cli('show', String(hit.messageId), '--profile', profile);
      ids.push(/^Message: +\d+ <(.+)>$/m.exec(lines[0]!)?.[1] ?? '');
    }
    return ids.sort();
  };

  before(() => {
    profile = mkdtempSync(join(tmpdir(), 'mailbridge-cli-'));
    source = readEnron();
  });
  after(() => rmSync(profile, { recursive: true, force: true }));

  test('import stores all 4,995 messages once, and a second import adds nothing', async () => {
    const first = await cli('import', ENRON, '--profile', profile);
    assert.equal(first.code, 0);
    assert.deepEqual({ ...JSON.parse(first.lines[0]!), withWarnings: 0, accountId: 0 }, { accountId: 0, read: 4995, inserted: 4995, unchanged: 0, withWarnings: 0, skipped: 0, skippedFiles: [] });
    const again = await cli('import', ENRON, '--profile', profile);
    assert.equal(JSON.parse(again.lines[0]!).inserted, 0);
    const stats = JSON.parse((await cli('stats', '--profile', profile)).lines[0]!);
    assert.equal(stats.messages, 4995);
    assert.equal(stats.accounts, 1);
  });

  test('search by sender returns exactly that sender’s messages', async () => {
    const counts = new Map<string, number>();
    for (const m of source) counts.set(m.from, (counts.get(m.from) ?? 0) + 1);
    const senders = every([...counts].filter(([from, n]) => n >= 2 && n < 400 && /^[\w.-]+@[\w.-]+$/.test(from)).map(([from]) => from).sort(), 6);
    assert.equal(senders.length, 6);
    for (const sender of senders) {
      const expected = source.filter((m) => m.from === sender).map((m) => m.messageId).sort();
      assert.deepEqual(await messageIdsOf(await search(`from:${sender}`)), expected, `from:${sender}`);
    }
  });

  test('search by subject finds each sampled message', async () => {
    const sampled = every(source.filter((m) => /^[\w ,.'-]{12,}$/.test(m.subject)), 8);
    for (const m of sampled) {
      const ids = await messageIdsOf(await search(`subject:"${m.subject.replace(/"/g, '')}"`));
      assert.ok(ids.includes(m.messageId), `subject "${m.subject}" finds ${m.messageId}`);
    }
  });

  test('search by a body term returns exactly the messages whose text has it', async () => {
    const documentFrequency = new Map<string, number>();
    for (const m of source) {
      for (const word of new Set(m.body.toLowerCase().match(/\b[a-z]{9,}\b/g) ?? [])) {
        documentFrequency.set(word, (documentFrequency.get(word) ?? 0) + 1);
      }
    }
    const inHeaders = (word: string) => source.some((m) => new RegExp(`\\b${word}\\b`, 'i').test(m.headers));
    // The index stems (Porter): a term with relatives in the corpus (negotiate, negotiated) would
    // rightly find them too, so only words with no relative sharing their stem-length start count.
    const words = [...new Set(source.flatMap((m) => `${m.subject} ${m.body}`.toLowerCase().match(/\b[a-z]{3,}\b/g) ?? []))];
    const alone = (w: string) => !words.some((other) => other !== w && other.startsWith(w.slice(0, -3)));
    const terms = every([...documentFrequency].filter(([, n]) => n >= 2 && n <= 30).map(([w]) => w).sort(), 40)
      .filter((w) => !inHeaders(w) && alone(w))
      .slice(0, 5);
    assert.equal(terms.length, 5);
    for (const term of terms) {
      const pattern = new RegExp(`\\b${term}\\b`, 'i');
      const expected = source.filter((m) => pattern.test(m.body)).map((m) => m.messageId).sort();
      assert.deepEqual(await messageIdsOf(await search(term)), expected, `body term ${term}`);
    }
  });
});

describe('CLI import of MIME edge cases', { skip }, () => {
  let profile: string;
  before(() => (profile = mkdtempSync(join(tmpdir(), 'mailbridge-mime-'))));
  after(() => rmSync(profile, { recursive: true, force: true }));

  for (const corpus of ['mime-fixtures', 'notmuch-corpora']) {
    test(`every ${corpus} message imports without a crash; unreadable parts become counted warnings`, async () => {
      const { code, lines } = await cli('import', join(DATA, corpus), '--account', `${corpus}@local`, '--profile', profile);
      assert.equal(code, 0);
      const result = JSON.parse(lines[0]!);
      assert.ok(result.read > 100, `${corpus}: ${result.read} messages read`);
      assert.equal(result.inserted + result.unchanged, result.read, 'every message read was stored');
      assert.ok(result.withWarnings > 0, 'malformed messages carry warnings');
    });
  }

  test('stats counts stored messages and those with warnings', async () => {
    const stats = JSON.parse((await cli('stats', '--profile', profile)).lines[0]!);
    assert.equal(stats.accounts, 2);
    assert.ok(stats.messages > 400);
    assert.ok(stats.warnings > 50 && stats.warnings < stats.messages, `warnings: ${stats.warnings} of ${stats.messages}`);
  });
});
