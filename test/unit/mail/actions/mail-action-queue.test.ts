// The action queue against a provider double: the local copy changes at once, the provider
// hears each action once and in order after an outage, a sync bringing the provider's older
// state does not undo an action not yet delivered, and a refusal lets the provider win again.
import { afterEach, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { MailActionQueue } from '../../../../src-main/mail/actions/mail-action-queue.ts';
import { PermanentProviderError, type RemoteMailbox } from '../../../../src-main/mail/remote/remote-mailbox.ts';
import { syncStoreFor } from '../../../../src-main/mail/sync-store.ts';
import type { MailActionName } from '../../../../src-main/store/mail-action-repository.ts';
import { createAppEvents } from '../../../../src-main/platform/app-events.ts';
import { message, openTestStore, type TestStore } from '../../store/store-fixtures.ts';

class FakeMailbox implements RemoteMailbox {
  readonly applied: Array<[MailActionName, string[]] | [MailActionName, string[], string]> = [];
  failNext: Array<'offline' | 'refuse'> = [];
  async apply(action: MailActionName, ids: readonly string[], label?: string): Promise<void> {
    const fault = this.failNext.shift();
    if (fault === 'offline') throw Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' });
    if (fault === 'refuse') throw new PermanentProviderError('Gmail refused it (HTTP 403: insufficient scope)');
    this.applied.push(label ? [action, [...ids], label] : [action, [...ids]]);
  }
  async send(): Promise<{ providerMessageId: string | null }> {
    throw new Error('not used');
  }
  async fetchSource(): Promise<Uint8Array | null> {
    return null;
  }

  async findByMessageId(): Promise<boolean> {
    return false;
  }
  async close(): Promise<void> {}
}

let t: TestStore;
let remote: FakeMailbox;
let accountId: number;

beforeEach(async () => {
  t = await openTestStore();
  remote = new FakeMailbox();
  accountId = t.store.accounts.create({ provider: 'gmail', email: 'rep@mailbridge.example' }).id;
  t.store.messages.saveMessages(accountId, [
    message({ id: 'a1', threadId: 'ta', labels: ['INBOX', 'UNREAD'], internalDate: 1 }),
    message({ id: 'a2', threadId: 'ta', labels: ['INBOX', 'UNREAD'], internalDate: 2 }),
    message({ id: 'b1', threadId: 'tb', labels: ['INBOX'], internalDate: 3 }),
  ]);
});
afterEach(() => t.cleanup());

const queue = (canChange = true) =>
  new MailActionQueue({ store: t.store, mailbox: () => remote, canChange: () => canChange, events: createAppEvents(), random: () => 0 });
const threadOf = (providerId: string) => t.store.messages.getMessage(t.store.messages.findByMessageIdHeader(accountId, `${providerId}@mail.example.com`)!)!.threadId;
const labels = (providerId: string) => t.store.messages.labelsByMessage(accountId).get(providerId) ?? [];

async function until(predicate: () => boolean, what: string): Promise<void> {
  const end = Date.now() + 5_000;
  while (!predicate()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

test('the local copy changes at once; the provider hears every action once, in order, after an outage', async () => {
  remote.failNext = ['offline', 'offline'];
  const q = queue();
  const [ta, tb] = [threadOf('a1'), threadOf('b1')];
  q.act([ta], 'read');
  q.act([tb], 'star');
  q.act([ta], 'archive');
  assert.deepEqual(labels('a1'), [], 'read and archived locally at once');
  assert.deepEqual(labels('b1'), ['INBOX', 'STARRED']);
  assert.equal(t.store.inbox.unreadThreadsByAccount().get(accountId), undefined);
  await until(() => t.store.mailActions.pending(accountId).length === 0, 'the queue to drain');
  assert.deepEqual(remote.applied, [
    ['read', ['a1', 'a2']],
    ['star', ['b1']],
    ['archive', ['a1', 'a2']],
  ]);
  await q.close();
});

test('a sync bringing the older state does not undo an action the provider has not heard of', async () => {
  remote.failNext = Array(20).fill('offline');
  const q = queue();
  q.act([threadOf('a1')], 'read');
  // Gmail's history from before the action, replayed by a sync: UNREAD again on a2, and a re-save of a1.
  const sync = syncStoreFor(t.store);
  sync.applyLabelChanges(accountId, 'a2', ['UNREAD'], []);
  const resaved = message({ id: 'a1', threadId: 'ta', labels: ['INBOX', 'UNREAD'], internalDate: 1 });
  sync.saveMessages(accountId, [{ incoming: resaved.incoming, parsed: resaved.parsed }]);
  assert.deepEqual([labels('a1'), labels('a2')], [['INBOX'], ['INBOX']]);
  await q.close();
});

test('a refusal is kept with its reason, and the provider\'s state wins at the next sync', async () => {
  remote.failNext = ['refuse'];
  const q = queue();
  q.act([threadOf('b1')], 'trash');
  assert.equal(t.store.messages.stats().messages, 2, 'trashed locally at once');
  await until(() => t.store.mailActions.pending(accountId).length === 0, 'the refusal');
  const row = (await import('../../../../src-main/store/profile-store.ts')).databaseOf(t.store).prepare('SELECT state, last_error FROM mail_actions').get() as { state: string; last_error: string };
  assert.equal(row.state, 'failed');
  assert.match(row.last_error, /insufficient scope/);
  syncStoreFor(t.store).saveMessages(accountId, [{ incoming: message({ id: 'b1', threadId: 'tb' }).incoming, parsed: message({ id: 'b1', threadId: 'tb' }).parsed }]);
  assert.equal(t.store.messages.stats().messages, 3, 'the next sync brings it back');
  await q.close();
});

test('an account signed in read-only keeps its actions on this computer and asks nothing of the provider', async () => {
  const q = queue(false);
  q.act([threadOf('a1')], 'read');
  assert.deepEqual(labels('a2'), ['INBOX']);
  assert.equal(t.store.mailActions.pending(accountId).length, 0);
  await q.close();
  assert.deepEqual(remote.applied, []);
});

test('a label is applied and removed on the account\'s conversations, with the label named to the provider', async () => {
  const q = queue();
  q.act([threadOf('a1')], 'label', { accountId, providerLabelId: 'Label_7' });
  assert.ok(labels('a1').includes('Label_7') && labels('a2').includes('Label_7'), 'stored at once');
  q.act([threadOf('a1')], 'unlabel', { accountId, providerLabelId: 'Label_7' });
  assert.ok(!labels('a1').includes('Label_7'));
  await until(() => t.store.mailActions.pending(accountId).length === 0, 'the queue to drain');
  assert.deepEqual(remote.applied, [
    ['label', ['a1', 'a2'], 'Label_7'],
    ['unlabel', ['a1', 'a2'], 'Label_7'],
  ]);
  await q.close();
});
