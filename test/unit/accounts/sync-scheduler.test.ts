// The background schedule (issue 9 item 2): a new-mail round every 30 s, a whole round every
// 5 minutes, nothing while asleep or offline, a whole round at once on wake or reconnection,
// and a late timer (an unannounced sleep) treated as a wake. Time is node:test's mock clock.
import { afterEach, beforeEach, mock, test } from 'node:test';
import assert from 'node:assert/strict';
import { startSyncScheduler, type SyncScheduler } from '../../../src-main/accounts/sync-scheduler.ts';
import { DEFAULT_SETTINGS, type Settings } from '../../../src-preload/contract/index.ts';
import type { SyncScope } from '../../../src-main/mail/graph-sync.ts';
import type { Account } from '../../../src-main/store/types.ts';

const accounts = [
  { id: 1, provider: 'gmail', status: 'connected' },
  { id: 2, provider: 'microsoft', status: 'connected' },
  { id: 3, provider: 'import', status: 'connected' },
  { id: 4, provider: 'gmail', status: 'reconnect_required' },
] as Account[];

let settings: Settings;
let listeners: Array<(next: Settings) => void>;
let rounds: Array<{ at: number; ids: number[]; scope: SyncScope }>;
let network: boolean;
let scheduler: SyncScheduler;

function start(): SyncScheduler {
  const start = Date.now();
  return startSyncScheduler({
    accounts: () => accounts,
    startSync: (id, scope) => {
      const at = (Date.now() - start) / 1000;
      const last = rounds.at(-1);
      if (last && last.at === at && last.scope === scope) last.ids.push(id);
      else rounds.push({ at, ids: [id], scope });
    },
    settings: { get: () => settings, onChange: (listener) => (listeners.push(listener), () => {}) },
    online: () => network,
    now: () => Date.now(),
  });
}

beforeEach(() => {
  mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 1_000_000 });
  settings = { ...DEFAULT_SETTINGS };
  listeners = [];
  rounds = [];
  network = true;
  scheduler = start();
});
afterEach(() => {
  scheduler.stop();
  mock.timers.reset();
});

/** Advances the clock in 1 s steps, as a running machine does. */
const run = (seconds: number) => {
  for (let i = 0; i < seconds; i++) mock.timers.tick(1_000);
};

test('new mail is checked every 30 s, every folder every 5 minutes (first at start), only for connected mailboxes', () => {
  run(331);
  assert.deepEqual(rounds.map((r) => `${r.at}:${r.scope}`), [
    '30:all', '60:new-mail', '90:new-mail', '120:new-mail', '150:new-mail', '180:new-mail',
    '210:new-mail', '240:new-mail', '270:new-mail', '300:new-mail', '330:all',
  ]);
  assert.ok(rounds.every((r) => r.ids.join() === '1,2'), 'imports and mailboxes needing sign-in are left alone');
});

test('nothing runs while asleep; waking runs a whole round at once, then the schedule', () => {
  run(40);
  scheduler.suspend();
  mock.timers.tick(3_600_000); // an hour asleep (timers still fire in the mock; the schedule must not sync)
  assert.equal(rounds.length, 1);
  scheduler.resume();
  assert.deepEqual(rounds.at(-1)?.scope, 'all');
  const woke = rounds.at(-1)!.at;
  run(30);
  assert.deepEqual(rounds.at(-1), { at: woke + 30, ids: [1, 2], scope: 'new-mail' });
});

test('offline rounds are skipped; the first round back online is whole', () => {
  run(60);
  network = false;
  run(90);
  assert.equal(rounds.length, 2, 'no round while offline');
  network = true;
  run(30);
  assert.deepEqual(rounds.at(-1), { at: 180, ids: [1, 2], scope: 'all' });
  run(30);
  assert.equal(rounds.at(-1)?.scope, 'new-mail');
});

test('a timer that fires far too late (a sleep nobody announced) catches up with a whole round', () => {
  run(60);
  assert.equal(rounds.at(-1)?.scope, 'new-mail');
  mock.timers.setTime(Date.now() + 20 * 60_000); // the clock jumps 20 minutes; the timer fires late
  mock.timers.tick(30_000);
  assert.equal(rounds.at(-1)?.scope, 'all');
});

test('a new interval in Settings re-arms the timer', () => {
  settings = { ...settings, newMailCheckSeconds: 10 };
  for (const listener of listeners) listener(settings);
  run(35);
  assert.deepEqual(rounds.map((r) => r.at), [10, 20, 30]);
});
