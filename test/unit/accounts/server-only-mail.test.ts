// Fetching back a message kept on the server only: one request however often it is asked,
// the store and a mail:changed after, nothing stored when the provider has it no more or
// fails, and imported mailboxes refused in words.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { message, openTestStore, type TestStore } from '../store/store-fixtures.ts';
import { databaseOf } from '../../../src-main/store/profile-store.ts';
import { ServerOnlyMail } from '../../../src-main/accounts/server-only-mail.ts';
import type { RemoteMailbox } from '../../../src-main/mail/remote/remote-mailbox.ts';

describe('ServerOnlyMail', () => {
  let t: TestStore;
  let accountId: number;
  const fetched: string[] = [];
  const published: unknown[] = [];
  let answer: (id: string) => Promise<Uint8Array | null>;
  const mailbox: RemoteMailbox = {
    apply: async () => {},
    send: async () => ({ providerMessageId: null }),
    findByMessageId: async () => false,
    fetchSource: (id) => {
      fetched.push(id);
      return answer(id);
    },
    close: async () => {},
  };
  let service: ServerOnlyMail;

  before(async () => {
    t = await openTestStore();
    accountId = t.store.accounts.create({ provider: 'gmail', email: 'rep@example.com' }).id;
    t.store.messages.saveMessages(accountId, [message({ id: 'p-1', internalDate: 1_000, text: 'Pricing for 2002' }), message({ id: 'p-2', internalDate: 2_000 })]);
    service = new ServerOnlyMail({ store: t.store, mailbox: () => mailbox, events: { publish: (e) => void published.push(e) }, keepMonths: () => 1, now: () => Date.UTC(2026, 0, 1) });
    await service.prune()!.done;
  });
  after(() => t.cleanup());

  test('asked three times at once, the provider is asked once; the message is whole again and mail:changed says so', async () => {
    assert.equal(t.store.serverOnlyBodies.count(), 2, 'pruned by the setting');
    answer = async () => new TextEncoder().encode('Subject: Subject p-1\r\nContent-Type: text/plain\r\n\r\nPricing for 2002\r\n');
    await Promise.all([service.ensure(1), service.ensure(1), service.ensure(1)]);
    assert.deepEqual(fetched, ['p-1']);
    assert.equal(t.store.messages.getMessage(1)!.text.trim(), 'Pricing for 2002');
    assert.deepEqual(published, [{ name: 'mail:changed', payload: { accountId } }]);
    await service.ensure(1);
    assert.equal(fetched.length, 1, 'a whole message is not fetched again');
  });

  test('a message the provider no longer has, or a failing provider, leaves it as it was', async () => {
    answer = async () => null;
    await assert.rejects(service.ensure(2), { code: 'not_found' });
    answer = async () => Promise.reject(new Error('socket hang up'));
    await assert.rejects(service.ensure(2), /socket hang up/);
    assert.equal(t.store.messages.getMessage(2)!.serverOnly, true);
  });
});

test('pruning gives the pages of the sources it drops back to the disk once it is done', async () => {
  const t = await openTestStore();
  try {
    const accountId = t.store.accounts.create({ provider: 'gmail', email: 'rep@example.com' }).id;
    // Sources that do not compress and overflow their row's page, so what pruning drops is whole pages.
    t.store.messages.saveMessages(accountId, Array.from({ length: 600 }, (_, i) => message({ id: `old-${i}`, internalDate: 1_000 + i, text: randomBytes(8_000).toString('base64') })));
    const db = databaseOf(t.store);
    const pages = () => db.pragma('page_count', { simple: true }) as number;
    const before = pages();
    const service = new ServerOnlyMail({ store: t.store, mailbox: () => { throw new Error('not asked'); }, events: { publish: () => {} }, keepMonths: () => 1, now: () => Date.UTC(2026, 0, 1) });
    await service.prune()!.done;
    assert.equal(t.store.serverOnlyBodies.count(), 600);
    assert.ok((db.pragma('freelist_count', { simple: true }) as number) < 256, 'the free pages went back');
    assert.ok(pages() < before - 400, `${before} pages before, ${pages()} after`);
  } finally {
    t.cleanup();
  }
});
