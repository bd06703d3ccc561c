// "Keep full messages for N months" in the store: older messages of provider accounts lose
// their source and bodies and keep their row, snippet, labels and search; imported mailboxes
// are never pruned (no provider could give them back); a restore puts the source back once.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { message, openTestStore, type TestStore } from './store-fixtures.ts';
import { databaseOf } from '../../../src-main/store/profile-store.ts';

describe('ServerOnlyBodies', () => {
  let t: TestStore;
  let gmail: number;
  let imported: number;
  const id = (providerId: string) => databaseOf(t.store).prepare('SELECT id FROM messages WHERE provider_message_id = ?').pluck().get(providerId) as number;

  before(async () => {
    t = await openTestStore();
    gmail = t.store.accounts.create({ provider: 'gmail', email: 'rep@example.com' }).id;
    imported = t.store.accounts.create({ provider: 'import', email: 'archive@example.com' }).id;
    const at = (month: number) => Date.UTC(2026, month, 1);
    t.store.messages.saveMessages(gmail, Array.from({ length: 450 }, (_, i) =>
      message({ id: `g-${i}`, internalDate: at(i < 300 ? 0 : 10), labels: ['INBOX', 'UNREAD'], text: `Turbine maintenance window ${i} for the Mojave plant` }),
    ));
    t.store.messages.saveMessages(imported, [message({ id: 'i-1', internalDate: at(0), text: 'Turbine maintenance, imported' })]);
  });
  after(() => t.cleanup());

  test('pruning takes the older provider mail in bounded batches and keeps the row, snippet, labels and search', () => {
    const whole = t.store.messages.getMessage(id('g-7'))!;
    const batches: number[] = [];
    for (let n = t.store.serverOnlyBodies.pruneBatch(Date.UTC(2026, 5, 1), 200); n > 0; n = t.store.serverOnlyBodies.pruneBatch(Date.UTC(2026, 5, 1), 200)) batches.push(n);
    assert.deepEqual(batches, [200, 100], 'the 300 January messages of the Gmail account, none of November');
    assert.equal(t.store.serverOnlyBodies.count(), 300);
    const pruned = t.store.messages.getMessage(id('g-7'))!;
    assert.deepEqual([pruned.serverOnly, pruned.text, pruned.html, pruned.raw.byteLength], [true, '', null, 0]);
    assert.deepEqual({ ...pruned, serverOnly: false, text: whole.text, html: whole.html, raw: whole.raw }, whole, 'everything else as it was');
    assert.deepEqual(t.store.search.search('turbine 7').map((h) => h.messageId), [id('g-7')], 'its text is still found');
    assert.match(t.store.search.search('turbine 7')[0]!.snippet, /Turbine maintenance window 7/, 'with the stored snippet');
    assert.equal(t.store.messages.getMessage(id('g-320'))!.serverOnly, false, 'November is kept whole');
    assert.equal(t.store.messages.getMessage(id('i-1'))!.serverOnly, false, 'an imported mailbox is never pruned');
    assert.deepEqual(t.store.serverOnlyBodies.serverOnly([id('g-7'), id('g-320'), id('i-1')]), [id('g-7')]);
  });

  test('a restore puts the source and bodies back, compressed, once', () => {
    const target = id('g-8');
    const raw = new TextEncoder().encode('Subject: Subject g-8\r\n\r\nTurbine maintenance window 8 for the Mojave plant\r\n');
    assert.equal(t.store.serverOnlyBodies.restore(target, raw, 'Turbine maintenance window 8 for the Mojave plant', '<p>Turbine</p>'), true);
    const back = t.store.messages.getMessage(target)!;
    assert.deepEqual([back.serverOnly, back.text, back.html], [false, 'Turbine maintenance window 8 for the Mojave plant', '<p>Turbine</p>']);
    assert.deepEqual(Buffer.from(back.raw), Buffer.from(raw));
    assert.equal(databaseOf(t.store).prepare('SELECT raw_encoding || body_encoding FROM messages WHERE id = ?').pluck().get(target), 'zstdzstd-source', 'the bodies compressed against the source');
    assert.equal(t.store.serverOnlyBodies.restore(target, raw, 'again', null), false, 'a second restore changes nothing');
    assert.equal(t.store.messages.getMessage(target)!.text, 'Turbine maintenance window 8 for the Mojave plant');
    assert.equal(t.store.serverOnlyBodies.count(), 299);
  });
});
