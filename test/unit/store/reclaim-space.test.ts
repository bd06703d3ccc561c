// Space given back: a new database is made with auto_vacuum = INCREMENTAL, so the pages of
// mail that is removed or pruned go back to the disk in bounded steps, none of them waiting
// for another connection's write; a database made before keeps its free pages for later
// writes and is left as it is.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { message, openTestStore } from './store-fixtures.ts';
import Database from 'better-sqlite3-multiple-ciphers';
import { databaseOf, openProfileStore } from '../../../src-main/store/profile-store.ts';
import { resolveDatabaseKey } from '../../../src-main/store/database.ts';

const LINE = 'The renewal terms, the pricing schedule and the delivery dates for the second quarter. ';

test('a new database gives the pages of removed mail back to the disk, 128 pages a step at most, and keeps the rest readable', async () => {
  const t = await openTestStore();
  try {
    const db = databaseOf(t.store);
    assert.equal(db.pragma('auto_vacuum', { simple: true }), 2, 'INCREMENTAL');
    const accountId = t.store.accounts.create({ provider: 'gmail', email: 'rep@example.com' }).id;
    const ids = Array.from({ length: 3_000 }, (_, i) => `m-${i}`);
    for (let start = 0; start < ids.length; start += 500) {
      t.store.messages.saveMessages(accountId, ids.slice(start, start + 500).map((id, i) => message({ id, text: `${LINE.repeat(20)} ${id} ${i}` })));
    }
    assert.equal(t.store.reclaimSpace(), 0, 'nothing worth giving back yet');
    t.store.messages.deleteMessages(accountId, ids.slice(0, 2_500));
    const free = db.pragma('freelist_count', { simple: true }) as number;
    assert.ok(free > 600, `${free} pages free after the delete`);
    const pagesBefore = db.pragma('page_count', { simple: true }) as number;

    const steps: number[] = [];
    let slowest = 0;
    for (;;) {
      const started = performance.now();
      const n = t.store.reclaimSpace();
      slowest = Math.max(slowest, performance.now() - started);
      if (n === 0) break;
      steps.push(n);
    }
    console.log(`reclaimed ${free} pages in ${steps.length} steps, the slowest ${slowest.toFixed(1)} ms`);
    assert.ok(steps.length >= 3 && steps.every((n) => n > 0 && n <= 128), `steps ${steps.join(', ')}`);
    const left = db.pragma('freelist_count', { simple: true }) as number;
    assert.ok(left < 256, `${left} pages left free`);
    // At least what was given back: a pointer-map page may go with it.
    assert.ok((db.pragma('page_count', { simple: true }) as number) <= pagesBefore - (free - left), 'the file lost what was given back');
    assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');

    t.store.close(); // checkpoints the WAL: the file itself shrinks
    assert.ok(statSync(t.path).size <= (pagesBefore - (free - left)) * 4096, `${statSync(t.path).size} bytes on disk`);
    t.store = await openProfileStore({ path: t.path, secrets: t.secrets });
    assert.equal(t.store.messages.stats().messages, 500);
    assert.equal(t.store.search.search('m-2999', { limit: 5 }).length, 1, 'the kept mail is still found');
  } finally {
    t.store.close();
    t.cleanup();
  }
});

test('a database made before auto_vacuum keeps its free pages for later writes and gives nothing back', async () => {
  const t = await openTestStore();
  try {
    const db = databaseOf(t.store);
    db.pragma('auto_vacuum = NONE');
    db.exec('VACUUM'); // as a database made before this change is
    assert.equal(db.pragma('auto_vacuum', { simple: true }), 0);
    const accountId = t.store.accounts.create({ provider: 'gmail', email: 'rep@example.com' }).id;
    t.store.messages.saveMessages(accountId, Array.from({ length: 1_000 }, (_, i) => message({ id: `m-${i}`, text: LINE.repeat(20) })));
    t.store.messages.deleteMessages(accountId, Array.from({ length: 900 }, (_, i) => `m-${i}`));
    const free = db.pragma('freelist_count', { simple: true }) as number;
    assert.ok(free > 256, `${free} pages free`);
    assert.equal(t.store.reclaimSpace(), 0);
    assert.equal(db.pragma('freelist_count', { simple: true }), free);
    assert.equal(t.store.messages.stats().messages, 100);
  } finally {
    t.cleanup();
  }
});

test('while another connection holds the write lock, a step gives nothing back at once instead of waiting', async () => {
  const t = await openTestStore();
  try {
    const accountId = t.store.accounts.create({ provider: 'gmail', email: 'rep@example.com' }).id;
    const ids = Array.from({ length: 1_500 }, (_, i) => `m-${i}`);
    t.store.messages.saveMessages(accountId, ids.map((id) => message({ id, text: `${LINE.repeat(20)} ${id}` })));
    t.store.messages.deleteMessages(accountId, ids.slice(0, 1_400));
    const writer = new Database(t.path);
    writer.pragma(`key = 'raw:${await resolveDatabaseKey({ path: t.path, secrets: t.secrets })}'`);
    writer.exec('BEGIN IMMEDIATE');
    try {
      const started = performance.now();
      assert.equal(t.store.reclaimSpace(), 0);
      assert.ok(performance.now() - started < 1_000, 'did not wait out the 5 s busy timeout');
      assert.equal(databaseOf(t.store).pragma('busy_timeout', { simple: true }), 5_000, 'the busy timeout is back');
    } finally {
      writer.exec('ROLLBACK');
      writer.close();
    }
    assert.ok(t.store.reclaimSpace() > 0, 'and gives back once the lock is free');
  } finally {
    t.cleanup();
  }
});
