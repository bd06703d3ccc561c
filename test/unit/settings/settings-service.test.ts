// Settings: defaults until set, validated patches persisted in the store, a stale or
// tampered stored value falls back to its default, listeners hear every change.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3-multiple-ciphers';
import { runMigrations } from '../../../src-main/store/migrations/index.ts';
import { SettingsRepository } from '../../../src-main/store/settings-repository.ts';
import { createSettingsService } from '../../../src-main/settings/settings-service.ts';
import { DEFAULT_SETTINGS } from '../../../src-preload/contract/index.ts';

function fresh() {
  const db = new Database(':memory:');
  runMigrations(db);
  return { db, repository: new SettingsRepository(db) };
}

test('defaults: auto-log off, empty never-log list, 5-minute sync', () => {
  const { repository } = fresh();
  assert.deepEqual(createSettingsService(repository).get(), DEFAULT_SETTINGS);
  assert.equal(DEFAULT_SETTINGS.autoLogKnownContacts, false);
});

test('a patch is validated, persisted and broadcast', () => {
  const { repository } = fresh();
  const settings = createSettingsService(repository);
  const heard: unknown[] = [];
  settings.onChange((s) => heard.push(s.neverLog));
  settings.set({ neverLog: ['@Competitor.test', 'lawyer@firm.test'], syncIntervalMinutes: 15 });
  assert.throws(() => settings.set({ syncIntervalMinutes: -1 }));
  const reopened = createSettingsService(repository).get();
  assert.deepEqual(reopened.neverLog, ['competitor.test', 'lawyer@firm.test']);
  assert.equal(reopened.syncIntervalMinutes, 15);
  assert.deepEqual(heard, [['competitor.test', 'lawyer@firm.test']]);
});

test('an invalid stored value falls back to its default without hiding the others', () => {
  const { db, repository } = fresh();
  repository.write({ theme: 'neon', autoLogKnownContacts: true });
  db.prepare("INSERT OR REPLACE INTO settings (key, value_json, updated_at) VALUES ('syncIntervalMinutes', '{not json', 1)").run();
  const settings = createSettingsService(repository).get();
  assert.equal(settings.theme, 'system');
  assert.equal(settings.autoLogKnownContacts, true);
  assert.equal(settings.syncIntervalMinutes, 5);
});

test('switching auto-log on records when, so only mail from then on is auto-logged; off clears it', () => {
  const { repository } = fresh();
  let t = 1_000;
  const settings = createSettingsService(repository, () => t);
  assert.equal(settings.get().autoLogSince, null);
  settings.set({ autoLogKnownContacts: true });
  assert.equal(settings.get().autoLogSince, 1_000);
  t = 2_000;
  settings.set({ autoLogKnownContacts: true, theme: 'dark' });
  assert.equal(settings.get().autoLogSince, 1_000, 'saving it on again keeps the first time');
  settings.set({ autoLogKnownContacts: false });
  assert.equal(settings.get().autoLogSince, null);
  assert.throws(() => settings.set({ autoLogSince: 0 }), 'the renderer cannot set it');
});
