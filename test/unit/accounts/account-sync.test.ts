// AccountSync joins a request to the sync under way, except a whole round asked for during a
// new-mail check: that one runs right after it, once (issue 9 item 2: no whole round is lost).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { AccountSync } from '../../../src-main/accounts/account-sync.ts';
import { createAppEvents } from '../../../src-main/platform/app-events.ts';
import { openTestStore, type TestStore } from '../store/store-fixtures.ts';
import type { ProviderAccounts } from '../../../src-main/accounts/provider-account.ts';
import type { JobRunner } from '../../../src-main/mail/mail-worker-client.ts';

let t: TestStore;
let accountId: number;
const jobs: string[] = [];
const release: Array<() => void> = [];

before(async () => {
  t = await openTestStore();
  accountId = t.store.accounts.create({ provider: 'microsoft', email: 'rep@example.com' }).id;
});
after(() => t.cleanup());

function accountSync(): AccountSync {
  const provider = { provider: 'microsoft', syncJob: (id: number) => ({ kind: 'graph-sync', accountId: id }) } as unknown as ProviderAccounts;
  const runJob = (async (job: { scope?: string }) => {
    jobs.push(job.scope ?? 'all');
    await new Promise<void>((resolve) => release.push(resolve));
    return { kind: 'incremental', added: 0, deleted: 0, labelChanges: 0, historyId: '' };
  }) as unknown as JobRunner;
  return new AccountSync({ store: t.store, providers: [provider], runJob, events: createAppEvents(), onSynced: () => {} });
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 10));

test('a whole round asked for during a new-mail check runs after it; more requests join', async () => {
  const sync = accountSync();
  const check = sync.sync(accountId, { scope: 'new-mail' });
  const whole = sync.sync(accountId, { scope: 'all' });
  const again = sync.sync(accountId, { scope: 'all' });
  const joined = sync.sync(accountId, { scope: 'new-mail' });
  await settle();
  assert.deepEqual(jobs, ['new-mail']);
  release.shift()!();
  await check;
  await settle();
  assert.deepEqual(jobs, ['new-mail', 'all'], 'the whole round follows the check');
  release.shift()!();
  await Promise.all([whole, again, joined]);
  assert.deepEqual(jobs, ['new-mail', 'all'], 'and runs once');
  assert.equal(release.length, 0);
  await sync.close();
});
