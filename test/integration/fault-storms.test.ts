// Fault storms (issue 14 item 2): the real services sync a real inbox from a Gmail emulator
// that misbehaves the way networks and providers do — a 429 storm, a 5xx storm outlasting
// every retry, answers cut off mid-body, a server slower than the client's timeout, the disk
// filling up during a sync. Each storm ends in a state the rep can read in the app (the
// account's sync state and its last error, as accounts:list gives them to the renderer) and
// with nothing lost: once the storm passes, one more sync leaves every message stored once.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statfsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openServices, type Services } from '../../src-main/app/assemble.ts';
import type { GoogleTokens } from '../../src-main/auth/index.ts';
import { databaseOf } from '../../src-main/store/profile-store.ts';
import { emulatedGoogleConfig } from '../emulators/google-config.ts';
import { GmailEmulator } from '../emulators/gmail/gmail-emulator.ts';
import { consentingBrowserOpener } from '../emulators/identity/browser-consent.ts';
import { DEFAULT_TEST_USER, IdentityEmulator, type IdentityEndpoints } from '../emulators/identity/identity-emulator.ts';
import { launchChromium } from '../support/chromium.ts';
import { ENRON_MAILDIR } from '../support/chaos/scenarios.ts';

const INBOX = join(ENRON_MAILDIR, 'lavorato-j/inbox');
/** The client gives a request this long before it abandons it and retries (profile config google.requestTimeoutMs). */
const REQUEST_TIMEOUT_MS = 1_000;
/** Space left on the small disk once the profile is open. */
const FREE_BYTES = 1024 * 1024;
const skip = existsSync(INBOX) ? false : `../shared/data is absent (${INBOX}): the fault storms need the real mail`;

describe('fault storms: a sync against a misbehaving Gmail ends clear and loses nothing', { skip }, () => {
  const root = mkdtempSync(join(tmpdir(), 'mailbridge-storms-'));
  const identity = new IdentityEmulator({ accessTokenTtlSeconds: 3600 });
  const gmail = new GmailEmulator({ mailbox: INBOX, emailAddress: DEFAULT_TEST_USER.email, settings: { quota: false } });
  let endpoints: IdentityEndpoints;
  let gmailUrl = '';
  let tokens: GoogleTokens;
  let profiles = 0;

  const open = (dir: string) => openServices({
    profileDir: dir,
    config: { google: emulatedGoogleConfig(endpoints, gmailUrl, { quotaUnitsPerSecond: null, requestTimeoutMs: REQUEST_TIMEOUT_MS }) },
  });
  /** A new profile holding the signed-in account (its tokens copied from the one sign-in), ready for a first full sync. */
  const openProfile = async (dir = join(root, `profile-${++profiles}`)): Promise<{ services: Services; accountId: number }> => {
    const services = await open(dir);
    const accountId = services.store.accounts.create({ provider: 'gmail', email: DEFAULT_TEST_USER.email }).id;
    services.store.accounts.setTokens(accountId, tokens);
    return { services, accountId };
  };
  const summary = async (services: Services) => (await services.handlers['accounts:list'](undefined))[0]!;
  /** Every message of the emulated inbox is stored exactly once. */
  const assertComplete = (services: Services, accountId: number) => {
    const rows = databaseOf(services.store).prepare('SELECT provider_message_id FROM messages WHERE account_id = ?').pluck().all(accountId) as string[];
    const expected = gmail.mailbox.list(null, Number.MAX_SAFE_INTEGER, [], true).ids;
    assert.equal(new Set(rows).size, rows.length, 'no message stored twice');
    assert.deepEqual(expected.filter((id) => !rows.includes(id)), [], 'no message lost');
    assert.equal(rows.length, expected.length);
  };
  const storedCount = (services: Services) => services.store.messages.stats().messages;
  /** Runs `storm` once the sync has stored `after` messages, so it lands among requests in flight. */
  const once = (services: Services, after: number, storm: () => void) => {
    const stop = services.onSyncProgress((p) => {
      if (p.done < after) return;
      stop();
      storm();
    });
  };

  before(async () => {
    endpoints = await identity.start();
    gmailUrl = (await gmail.start()).url;
    // One real sign-in through Chromium; the storms' profiles reuse its tokens.
    const browser = await launchChromium();
    const services = await open(join(root, 'sign-in'));
    try {
      const account = await services.connectGmail({ openBrowser: consentingBrowserOpener(browser), timeoutMs: 60_000 });
      tokens = services.store.accounts.getTokens<GoogleTokens>(account.id)!;
    } finally {
      await services.close();
      await browser.close();
    }
  });
  after(async () => {
    await gmail.stop();
    await identity.stop();
    rmSync(root, { recursive: true, force: true });
  });

  test('a storm of 40 429s mid-sync is waited out: the sync completes with nothing lost', async () => {
    const { services, accountId } = await openProfile();
    try {
      gmail.resetStats();
      once(services, 50, () => gmail.failNext(40, 429));
      await services.syncAccount(accountId);
      assert.equal(gmail.stats().rateLimited, 40);
      assertComplete(services, accountId);
      assert.equal((await summary(services)).lastError, null);
    } finally {
      await services.close();
    }
  });

  test('a 5xx storm that outlasts every retry ends the sync in a readable error; the next sync loses nothing', async (t) => {
    const { services, accountId } = await openProfile();
    try {
      // Let the first batches commit, then fail everything.
      once(services, 50, () => gmail.failNext(Number.MAX_SAFE_INTEGER, 503));
      await assert.rejects(services.syncAccount(accountId));
      const kept = storedCount(services);
      assert.ok(kept >= 50, `${kept} messages committed before the storm are kept`);
      const account = await summary(services);
      assert.equal(account.syncState, 'error');
      assert.match(account.lastError ?? '', /Gmail did not answer after \d+ attempts \(last: HTTP 503\)/, `the rep is told what happened: ${account.lastError}`);
      t.diagnostic(`${kept} messages kept; the account says: ${account.lastError}`);
      gmail.failNext(0);
      await services.syncAccount(accountId);
      assertComplete(services, accountId);
      assert.equal((await summary(services)).lastError, null, 'the error clears once a sync succeeds');
    } finally {
      gmail.failNext(0);
      await services.close();
    }
  });

  test('answers cut off mid-body are fetched again: nothing lost, nothing twice', async () => {
    const { services, accountId } = await openProfile();
    try {
      gmail.resetStats();
      once(services, 50, () => gmail.truncateNext(25));
      await services.syncAccount(accountId);
      assertComplete(services, accountId);
      const gets = gmail.stats().requests['gmail.users.messages.get'] ?? 0;
      assert.ok(gets >= gmail.mailbox.size + 20, `${gets} messages.get for ${gmail.mailbox.size} messages: the cut-off ones were asked again`);
    } finally {
      await services.close();
    }
  });

  test(`a server slower than the client's ${REQUEST_TIMEOUT_MS} ms timeout: those requests are abandoned and retried`, async () => {
    const { services, accountId } = await openProfile();
    try {
      once(services, 50, () => gmail.stallNext(8, REQUEST_TIMEOUT_MS * 5));
      const started = performance.now();
      await services.syncAccount(accountId);
      assertComplete(services, accountId);
      // Without the timeout the stalled requests alone would hold the sync for 5 s each.
      assert.ok(performance.now() - started < REQUEST_TIMEOUT_MS * 5, 'the sync did not wait for the stalled answers');
    } finally {
      await services.close();
    }
  });

  test('the disk fills up during a sync: the sync stops with "disk full", the store stays intact, and with space again it completes',
    async (t) => {
      const tmpfs = join(root, 'tmpfs');
      mkdirSync(tmpfs);
      try {
        execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64m,mode=0700', 'tmpfs', tmpfs], { stdio: 'pipe' });
      } catch (error) {
        t.skip(`a small tmpfs could not be mounted (needs root on Linux): ${String(error)}`);
        return;
      }
      try {
        const { services, accountId } = await openProfile(join(tmpfs, 'profile'));
        try {
          // Room for part of the inbox beyond the new profile (its mail is 1.4 MB raw, 277 messages).
          const disk = statfsSync(tmpfs);
          const used = (disk.blocks - disk.bfree) * disk.bsize;
          execFileSync('mount', ['-o', `remount,size=${Math.ceil((used + FREE_BYTES) / 1024)}k`, tmpfs]);
          await assert.rejects(services.syncAccount(accountId));
          const account = await summary(services);
          assert.equal(account.syncState, 'error');
          assert.match(account.lastError ?? '', /disk is full/i, `the rep is told what happened: ${account.lastError}`);
          const kept = storedCount(services);
          assert.ok(kept > 0 && kept < gmail.mailbox.size, `${kept} messages fitted`);
          t.diagnostic(`${kept} of ${gmail.mailbox.size} messages fitted; the account says: ${account.lastError}`);
          assert.equal(databaseOf(services.store).prepare('PRAGMA integrity_check').pluck().get(), 'ok');
          execFileSync('mount', ['-o', 'remount,size=256m', tmpfs]);
          await services.syncAccount(accountId);
          assertComplete(services, accountId);
          assert.equal(databaseOf(services.store).prepare('PRAGMA integrity_check').pluck().get(), 'ok');
        } finally {
          await services.close();
        }
      } finally {
        execFileSync('umount', ['--lazy', tmpfs]); // lazy: a failed close must not hide the test's own failure
      }
    });
});
