// The foundation's main job end to end on real mail: a rep signs in with Google in
// Chromium (clicking through login and consent), the Enron dasovich-j inbox is synced from
// the Gmail emulator into the encrypted store through the real client libraries, then
// history.list, an expired historyId and a revoked refresh token are each survived.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import MailComposer from 'nodemailer/lib/mail-composer';
import { IdentityEmulator, DEFAULT_TEST_USER } from '../emulators/identity/identity-emulator.ts';
import { emulatedGoogleConfig } from '../emulators/google-config.ts';
import { consentingBrowserOpener } from '../emulators/identity/browser-consent.ts';
import { GmailEmulator } from '../emulators/gmail/gmail-emulator.ts';
import { launchChromium } from '../support/chromium.ts';
import { openServices, type Services } from '../../src-main/app/assemble.ts';
import { AppError } from '../../src-main/platform/app-error.ts';
import { setLogSink } from '../../src-main/platform/logger.ts';
import type { GoogleTokens } from '../../src-main/auth/index.ts';
import { databaseOf } from '../../src-main/store/profile-store.ts';

const INBOX = join(import.meta.dirname, '../../../shared/data/enron/maildir/dasovich-j/inbox');
const INBOX_SIZE = 1_393;
const skip = existsSync(INBOX) ? false : `../shared/data is absent (${INBOX}): the real-mail acceptance test cannot run`;

describe('Gmail sync of the Enron dasovich-j inbox', { skip }, () => {
  let identity: IdentityEmulator;
  let gmail: GmailEmulator;
  let browser: Browser;
  let services: Services;
  let profileDir: string;
  let accountId: number;
  const logLines: string[] = [];
  let restoreLog: () => void;

  const countRows = (sql: string) => (databaseOf(services.store).prepare(sql).get() as { n: number }).n;
  const duplicates = () =>
    countRows(
      `SELECT count(*) AS n FROM (SELECT message_id_header FROM messages WHERE account_id = ${accountId}
       GROUP BY message_id_header HAVING count(*) > 1)`,
    );
  const messageCount = () => services.store.messages.stats().messages;

  before(async () => {
    restoreLog = setLogSink((line) => logLines.push(line), 'debug');
    identity = new IdentityEmulator({ accessTokenTtlSeconds: 3600 });
    const endpoints = await identity.start();
    gmail = new GmailEmulator({
      mailbox: INBOX,
      emailAddress: DEFAULT_TEST_USER.email,
      verifyAccessToken: identity.verifyAccessToken,
      settings: { quota: false },
    });
    const { url } = await gmail.start();
    browser = await launchChromium();
    profileDir = mkdtempSync(join(tmpdir(), 'mailbridge-sync-'));
    services = await openServices({
      profileDir,
      config: { google: emulatedGoogleConfig(endpoints, url, { quotaUnitsPerSecond: null }) },
    });
  });

  after(async () => {
    restoreLog?.();
    await services?.close();
    await browser?.close();
    await gmail?.stop();
    await identity?.stop();
    if (profileDir) rmSync(profileDir, { recursive: true, force: true });
  });

  test('sign-in in Chromium connects the account with tokens kept in the store', async () => {
    const account = await services.connectGmail({ openBrowser: consentingBrowserOpener(browser), timeoutMs: 60_000 });
    accountId = account.id;
    assert.equal(account.email, DEFAULT_TEST_USER.email);
    assert.equal(account.status, 'connected');
    const tokens = services.store.accounts.getTokens<GoogleTokens>(account.id);
    assert.ok(tokens?.accessToken && tokens.refreshToken, 'access and refresh tokens stored');
  });

  test('a full sync stores every message exactly once, with progress done/total', async () => {
    const progress: Array<{ done: number; total: number }> = [];
    const stop = services.onSyncProgress((p) => p.phase === 'full' && progress.push(p));
    const result = await services.syncAccount(accountId);
    stop();
    assert.equal(result.kind, 'full');
    assert.equal(result.added, INBOX_SIZE);
    assert.equal(messageCount(), INBOX_SIZE);
    assert.equal(duplicates(), 0);
    assert.equal(progress.at(-1)?.done, INBOX_SIZE);
    assert.equal(progress.at(-1)?.total, INBOX_SIZE);
    assert.ok(progress.length > 5, 'progress is reported as the sync goes');
    assert.ok((gmail.stats().requests['gmail.users.messages.get'] ?? 0) >= INBOX_SIZE);
  });

  test('search finds synced mail by sender, subject and body', () => {
    const file = readdirSync(INBOX).sort()[0]!;
    const raw = readFileSync(join(INBOX, file), 'utf8');
    const subject = /^Subject: (.+)$/m.exec(raw)![1]!.trim();
    const from = /^From: (\S+)$/m.exec(raw)![1]!.trim().toLowerCase();
    const messageId = /^Message-ID: <(.+)>$/im.exec(raw)![1]!;
    const hits = services.store.search.search(`from:${from} subject:"${subject}"`, { limit: 50 });
    const ids = hits.map((h) => services.store.messages.getMessage(h.messageId)?.messageId);
    assert.ok(ids.includes(messageId), `search for ${from} / "${subject}" finds ${messageId}`);
  });

  test('20 messages added to the mailbox arrive through history.list, and label changes and deletions apply', async () => {
    for (let i = 0; i < 20; i++) {
      const raw = await new MailComposer({
        from: 'Customer Number ' + i + ' <buyer' + i + '@customer.example>',
        to: DEFAULT_TEST_USER.email,
        subject: `Incremental order ${i}`,
        messageId: `<incremental-${i}@customer.example>`,
        date: new Date(Date.UTC(2026, 10, 1, 12, i)),
        text: `Please confirm order quasarwidget-${i}.`,
      }).compile().build();
      gmail.addMessage(raw, ['INBOX', 'UNREAD']);
    }
    const starred = services.store.search.search(`from:${'jeff.dasovich@enron.com'}`, { limit: 1 })[0]
      ?? services.store.search.search('enron', { limit: 1 })[0]!;
    const starredId = services.store.messages.getMessage(starred.messageId)!.providerMessageId;
    gmail.modifyLabels(starredId, ['STARRED'], ['UNREAD']);
    const [first] = services.store.search.search('subject:"Incremental order 0"');
    assert.equal(first, undefined, 'not there before the incremental sync');

    const sync = services.syncAccount(accountId);
    assert.equal(services.syncAccount(accountId), sync, 'a second request joins the sync under way');
    const result = await sync;
    assert.equal(result.kind, 'incremental');
    assert.equal(result.added, 20);
    assert.equal(messageCount(), INBOX_SIZE + 20);
    assert.equal(services.store.search.search('quasarwidget').length, 20);
    const labels = services.store.messages.getMessage(starred.messageId)!.labels;
    assert.ok(labels.includes('STARRED') && !labels.includes('UNREAD'), `labels applied: ${labels.join(',')}`);
    assert.equal(duplicates(), 0);
  });

  test('an expired historyId triggers a full resync with no duplicate', async () => {
    const newest = services.store.search.search('subject:"Incremental order 19"')[0]!;
    const providerId = services.store.messages.getMessage(newest.messageId)!.providerMessageId;
    gmail.deleteMessage(providerId);
    gmail.expireHistory();
    const getsBefore = gmail.stats().requests['gmail.users.messages.get'] ?? 0;

    const result = await services.syncAccount(accountId);
    assert.equal(result.kind, 'full');
    assert.equal(result.added, 0, 'nothing the store already had is fetched again');
    assert.equal(result.deleted, 1);
    assert.equal(messageCount(), INBOX_SIZE + 19);
    assert.equal(duplicates(), 0);
    assert.equal(gmail.stats().requests['gmail.users.messages.get'] ?? 0, getsBefore);
  });

  test('the database file holds no plaintext of the synced mail', () => {
    databaseOf(services.store).pragma('wal_checkpoint(TRUNCATE)');
    const bytes = readFileSync(join(profileDir, 'mailbridge.db'));
    for (const needle of ['Incremental order', 'buyer3@customer.example', 'dasovich', 'quasarwidget', 'SQLite format 3']) {
      assert.equal(bytes.indexOf(needle), -1, `"${needle}" must not appear in the database file`);
    }
  });

  test('a revoked refresh token leaves the account "reconnect required" with its mail intact', async () => {
    identity.revokeAllGrants();
    const tokens = services.store.accounts.getTokens<GoogleTokens>(accountId)!;
    services.store.accounts.setTokens(accountId, { ...tokens, expiresAt: Date.now() - 1000 }); // force a refresh
    await assert.rejects(services.syncAccount(accountId), (error: unknown) => {
      assert.ok(error instanceof AppError);
      assert.equal(error.code, 'reconnect_required');
      return true;
    });
    assert.equal(services.store.accounts.get(accountId)?.status, 'reconnect_required');
    assert.equal(messageCount(), INBOX_SIZE + 19);
  });

  test('no token ever appears in a log line', () => {
    const tokens = services.store.accounts.getTokens<GoogleTokens>(accountId)!;
    const secrets = [tokens.accessToken, tokens.refreshToken, tokens.idToken].filter((s): s is string => !!s);
    assert.ok(secrets.length >= 2);
    assert.ok(logLines.length > 0, 'the run logged something to check');
    for (const line of logLines) for (const secret of secrets) assert.ok(!line.includes(secret), `log line leaks a token: ${line.slice(0, 80)}`);
  });

  test('disconnect revokes, forgets the tokens and keeps the mail', async () => {
    await services.disconnect(accountId);
    assert.equal(services.store.accounts.get(accountId)?.status, 'disconnected');
    assert.equal(services.store.accounts.getTokens<GoogleTokens>(accountId)?.refreshToken, undefined);
    assert.equal(messageCount(), INBOX_SIZE + 19);
  });
});
