// The Gmail provider under the faults Google documents: per-user quota 429s with
// Retry-After, transient 5xx, and its own pacing keeping a quota-enforcing server happy.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { OAuth2Client } from 'google-auth-library';
import { GmailEmulator } from '../emulators/gmail/gmail-emulator.ts';
import { GmailProvider } from '../../src-main/mail/providers/gmail.ts';
import { retryAfterMs } from '../../src-main/mail/providers/request-pacing.ts';

const INBOX = join(import.meta.dirname, '../../../shared/data/enron/maildir/keavey-p/inbox');
const skip = existsSync(INBOX) ? false : `../shared/data is absent (${INBOX})`;

function provider(url: string, options: { unitsPerSecond: number | null; concurrency?: number }) {
  const auth = new OAuth2Client();
  auth.setCredentials({ access_token: 'test-token', expiry_date: Date.now() + 3_600_000 });
  return new GmailProvider({ auth, rootUrl: `${url}/`, ...options });
}

async function fetchAll(gmail: GmailProvider, limit: number): Promise<number> {
  const ids: string[] = [];
  for await (const page of gmail.listMessageRefs()) ids.push(...page.refs.map((r) => r.id));
  const messages = await Promise.all(ids.slice(0, limit).map((id) => gmail.getMessage(id)));
  return messages.filter((m) => m && m.raw.length > 0).length;
}

test('Retry-After is read as seconds or as an HTTP date', () => {
  const headers = (value: string) => ({ response: { headers: new Headers({ 'retry-after': value }) } });
  assert.equal(retryAfterMs(headers('2')), 2000);
  assert.equal(retryAfterMs(headers(new Date(10_000).toUTCString()), 4_000), 6_000);
  assert.equal(retryAfterMs({ response: { headers: new Headers() } }), null);
});

describe('Gmail provider against a quota-enforcing, flaky server', { skip }, () => {
  const emulator = new GmailEmulator({ mailbox: INBOX, settings: { quota: true, quotaUnitsPerSecond: 250 } });
  let url: string;
  before(async () => ({ url } = await emulator.start()));
  after(() => emulator.stop());

  test('an unpaced client meets 429s, waits for Retry-After and still gets every message', async () => {
    emulator.resetStats();
    emulator.settings.quotaUnitsPerSecond = 100;
    const gmail = provider(url, { unitsPerSecond: null, concurrency: 16 });
    assert.equal(await fetchAll(gmail, 120), 120);
    assert.ok(emulator.stats().rateLimited > 0, 'the server answered 429');
    assert.ok(gmail.stats.rateLimited > 0 && gmail.stats.retries >= gmail.stats.rateLimited);
    emulator.settings.quotaUnitsPerSecond = 250;
  });

  test('pacing at 250 units/s draws no 429 from a server enforcing 250 units/s', async () => {
    emulator.resetStats();
    const gmail = provider(url, { unitsPerSecond: 250, concurrency: 16 });
    const started = performance.now();
    assert.equal(await fetchAll(gmail, 150), 150);
    const seconds = (performance.now() - started) / 1000;
    assert.equal(emulator.stats().rateLimited, 0);
    assert.equal(gmail.stats.rateLimited, 0);
    // ~755 units at ≤ 250 units/s (plus a 0.1 s window of burst) cannot finish in under ~2.9 s.
    assert.ok(seconds > 2.5, `paced run took ${seconds.toFixed(2)} s`);
  });

  test('transient 503s are retried with backoff', async () => {
    emulator.resetStats();
    const gmail = provider(url, { unitsPerSecond: null });
    emulator.failNext(2, 503);
    const profile = await gmail.getProfile();
    assert.ok(profile.historyId);
    assert.equal(gmail.stats.retries, 2);
    assert.equal(emulator.stats().serverErrors, 2);
  });

  test('a 4xx other than 429 fails at once', async () => {
    const gmail = provider(url, { unitsPerSecond: null });
    emulator.failNext(1, 403);
    await assert.rejects(gmail.getProfile());
    assert.equal(gmail.stats.retries, 0);
  });
});
