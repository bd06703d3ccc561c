// Outlook sync end to end on real mail: a rep signs in with Microsoft in Chromium (the
// redirect handed over by a second process), the Enron kaminski-v inbox is synced from the
// Graph emulator through msal-node and microsoft-graph-client into the encrypted store while
// a Gmail account syncs into the same store, then delta adds, deletes and moves, an expired
// delta token, a 429 storm and a revoked grant are each survived; disconnect removes it all.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Browser } from 'playwright-core';
import MailComposer from 'nodemailer/lib/mail-composer';
import { IdentityEmulator, DEFAULT_TEST_USER, type TestUser } from '../emulators/identity/identity-emulator.ts';
import { consentingBrowserOpener, deepLinkBrowserOpener } from '../emulators/identity/browser-consent.ts';
import { emulatedGoogleConfig } from '../emulators/google-config.ts';
import { emulatedMicrosoftConfig } from '../emulators/microsoft-config.ts';
import { GmailEmulator } from '../emulators/gmail/gmail-emulator.ts';
import { GraphEmulator } from '../emulators/graph/graph-emulator.ts';
import { launchChromium } from '../support/chromium.ts';
import { openServices, type Services } from '../../src-main/app/assemble.ts';
import { listenForDeepLinks, type InstanceListener } from '../../src-main/platform/single-instance.ts';
import { AppError } from '../../src-main/platform/app-error.ts';
import { setLogSink } from '../../src-main/platform/logger.ts';
import type { MicrosoftCredentials } from '../../src-main/auth/index.ts';
import type { GraphSyncResult } from '../../src-main/mail/graph-sync.ts';
import { databaseOf } from '../../src-main/store/profile-store.ts';

const MAILDIR = join(import.meta.dirname, '../../../shared/data/enron/maildir');
const KAMINSKI_INBOX = join(MAILDIR, 'kaminski-v/inbox');
const DASOVICH_INBOX = join(MAILDIR, 'dasovich-j/inbox');
const skip = existsSync(KAMINSKI_INBOX) ? false : `../shared/data is absent (${KAMINSKI_INBOX}): the Outlook acceptance test cannot run`;
const KAMINSKI: TestUser = { sub: '208234567890123456789', email: 'kaminski-v@enron.test', password: 'vince kaminski research', name: 'Vince Kaminski' };
const BIN = join(import.meta.dirname, '../../bin/mailbridge.js');

describe('Graph sync of the Enron kaminski-v inbox beside a Gmail account', { skip }, () => {
  let identity: IdentityEmulator;
  let graph: GraphEmulator;
  let gmail: GmailEmulator;
  let browser: Browser;
  let services: Services;
  let listener: InstanceListener;
  let profileDir: string;
  let msId: number;
  let gmailId: number;
  let inboxSize: number;
  const logLines: string[] = [];
  let restoreLog: () => void;

  const rows = (sql: string, ...params: unknown[]) => (databaseOf(services.store).prepare(sql).get(...params) as { n: number }).n;
  const messagesOf = (accountId: number) => rows('SELECT count(*) AS n FROM messages WHERE account_id = ?', accountId);
  const duplicates = (accountId: number) =>
    rows(`SELECT count(*) AS n FROM (SELECT provider_message_id FROM messages WHERE account_id = ? GROUP BY provider_message_id HAVING count(*) > 1)`, accountId)
    + rows(`SELECT count(*) AS n FROM (SELECT message_id_header FROM messages WHERE account_id = ? AND message_id_header IS NOT NULL
            GROUP BY message_id_header HAVING count(*) > 1)`, accountId);
  const mimeGets = () => graph.stats().requests['messages.value'] ?? 0;
  const providerIdOf = (query: string) => {
    const hit = services.store.search.search(query, { limit: 1 })[0]!;
    return services.store.messages.getMessage(hit.messageId)!.providerMessageId;
  };
  const compose = (i: number, tag: string) =>
    new MailComposer({
      from: `Trader ${i} <trader${i}@counterparty.example>`,
      to: KAMINSKI.email,
      subject: `${tag} ${i}`,
      messageId: `<${tag.replace(/\W/g, '-')}-${i}@counterparty.example>`,
      date: new Date(Date.UTC(2026, 10, 2, 9, i)),
      text: `Curve update zephyrquant-${tag.replace(/\W/g, '')}-${i}.`,
    }).compile().build();

  before(async () => {
    restoreLog = setLogSink((line) => logLines.push(line), 'debug');
    identity = new IdentityEmulator({ users: [DEFAULT_TEST_USER, KAMINSKI], accessTokenTtlSeconds: 3600 });
    const endpoints = await identity.start();
    // Outlook's concurrency limit is enforced: a client that exceeds 4 in flight gets 429s.
    graph = new GraphEmulator({ mailbox: KAMINSKI_INBOX, verifyAccessToken: identity.verifyAccessToken, settings: { concurrencyLimit: true } });
    const { url: graphRoot } = await graph.start();
    inboxSize = graph.folder('inbox')!.messages.size;
    gmail = new GmailEmulator({ mailbox: DASOVICH_INBOX, emailAddress: DEFAULT_TEST_USER.email, verifyAccessToken: identity.verifyAccessToken, settings: { quota: false } });
    const { url: gmailUrl } = await gmail.start();
    browser = await launchChromium();
    profileDir = mkdtempSync(join(tmpdir(), 'mailbridge-graph-'));
    services = await openServices({
      profileDir,
      config: {
        google: emulatedGoogleConfig(endpoints, gmailUrl, { quotaUnitsPerSecond: null }),
        microsoft: emulatedMicrosoftConfig(endpoints, `${graphRoot}/v1.0`),
      },
    });
    listener = await listenForDeepLinks(profileDir, (url) => services.handleDeepLink(url));
  });

  after(async () => {
    restoreLog?.();
    await listener?.close();
    services?.close();
    await browser?.close();
    await graph?.stop();
    await gmail?.stop();
    await identity?.stop();
    if (profileDir) rmSync(profileDir, { recursive: true, force: true });
  });

  test('Outlook sign-in completes in Chromium through the deep link; Gmail signs in beside it', async () => {
    const account = await services.connectMicrosoft({
      timeoutMs: 60_000,
      openBrowser: deepLinkBrowserOpener(browser, {
        user: KAMINSKI,
        onDeepLink: async (url) => {
          await promisify(execFile)(process.execPath, [BIN, '--profile', profileDir, url], { timeout: 20_000 });
        },
      }),
    });
    msId = account.id;
    assert.equal(account.email, KAMINSKI.email);
    gmailId = (await services.connectGmail({ openBrowser: consentingBrowserOpener(browser), timeoutMs: 60_000 })).id;
    assert.notEqual(msId, gmailId);
  });

  test('a full sync stores every message once, threaded by conversationId and filed by folder, while Gmail syncs into the same store', async () => {
    const progress: Array<{ done: number; total: number }> = [];
    const stop = services.onSyncProgress((p) => p.accountId === msId && p.phase === 'full' && progress.push(p));
    const [outlook, google] = await Promise.all([services.syncAccount(msId), services.syncAccount(gmailId)]);
    stop();
    assert.equal(outlook.kind, 'full');
    assert.equal(outlook.added, inboxSize);
    assert.equal(messagesOf(msId), inboxSize);
    assert.equal(duplicates(msId), 0);
    assert.equal(google.added, 1_393);
    assert.equal(messagesOf(gmailId), 1_393);
    assert.equal(mimeGets(), inboxSize, 'each message is fetched once through $value');
    assert.deepEqual(progress.at(-1), { accountId: msId, phase: 'full', done: inboxSize, total: inboxSize });
    const conversations = new Set([...graph.folder('inbox')!.messages].map((id) => graph.mailbox.get(id)!.conversationId));
    assert.equal(rows('SELECT count(*) AS n FROM threads WHERE account_id = ?', msId), conversations.size);
    const inboxId = graph.folder('inbox')!.id;
    assert.equal(rows(`SELECT count(*) AS n FROM message_labels ml JOIN labels l ON l.id = ml.label_id WHERE l.account_id = ? AND l.provider_label_id = ?`, msId, inboxId), inboxSize);
    assert.equal(graph.stats().concurrencyThrottled, 0, 'never more than 4 requests in flight');
    assert.ok(graph.stats().concurrentPeak <= 4);
  });

  test('new, deleted and moved messages arrive through delta', async () => {
    for (let i = 0; i < 12; i++) graph.addMessage(await compose(i, 'Delta arrival'));
    const gone = databaseOf(services.store).prepare('SELECT provider_message_id FROM messages WHERE account_id = ? ORDER BY id LIMIT 3').pluck().all(msId) as string[];
    for (const id of gone) assert.ok(graph.deleteMessage(id));
    const archive = graph.createFolder('Inbox/Archive');
    const before = mimeGets();
    const result = await services.syncAccount(msId);
    assert.equal(result.kind, 'incremental');
    assert.equal(result.added, 12);
    assert.equal(result.deleted, gone.length);
    assert.equal(messagesOf(msId), inboxSize + 12 - gone.length);
    assert.equal(mimeGets() - before, 12);
    const movedFrom = providerIdOf('subject:"Delta arrival 0"');

    graph.moveMessage(movedFrom, archive.id);
    graph.moveMessage(providerIdOf('subject:"Delta arrival 1"'), 'deleteditems'); // Outlook's Delete
    const mimeBefore = mimeGets();
    const moved = await services.syncAccount(msId);
    assert.equal(moved.added, 0, 'with immutable ids a moved message keeps its id: re-filed, not fetched again');
    assert.equal(mimeGets(), mimeBefore);
    assert.equal(moved.labelChanges, 1);
    assert.equal(moved.deleted, 1, 'the message deleted to Deleted Items');
    assert.equal(messagesOf(msId), inboxSize + 12 - gone.length - 1);
    assert.equal(services.store.search.search('subject:"Delta arrival 1"').length, 0);
    const hit = services.store.search.search('subject:"Delta arrival 0"')[0]!;
    assert.deepEqual(services.store.messages.getMessage(hit.messageId)!.labels.filter((l) => l !== 'UNREAD'), [archive.id]);
    assert.equal(duplicates(msId), 0);
  });

  test('a new-mail round asks Graph for Inbox and Sent Items only: new mail and read state in 5 requests, a move left to the whole round', async () => {
    const archive = graph.folder('Inbox/Archive')!;
    const baseline = duplicates(msId);
    graph.addMessage(await compose(50, 'Quick arrival'));
    const read = providerIdOf('subject:"Delta arrival 2"');
    graph.markRead(read);
    graph.moveMessage(providerIdOf('subject:"Delta arrival 3"'), archive.id);
    const total = () => Object.values(graph.stats().requests).reduce((sum, n) => sum + n, 0);
    const requestsBefore = total();
    const quick = await services.syncAccount(msId, { scope: 'new-mail' });
    assert.equal(quick.added, 1);
    assert.equal(total() - requestsBefore, 5, 'two folder lookups, two delta rounds, one MIME fetch');
    assert.ok(services.store.search.search('subject:"Quick arrival 50"').length === 1);
    assert.ok(!services.store.messages.getMessage(services.store.search.search('subject:"Delta arrival 2"')[0]!.messageId)!.unread);

    const whole = await services.syncAccount(msId);
    assert.equal(whole.added, 0, 'nothing fetched twice');
    const moved = services.store.search.search('subject:"Delta arrival 3"')[0]!;
    assert.deepEqual(services.store.messages.getMessage(moved.messageId)!.labels.filter((l) => l !== 'UNREAD'), [archive.id], 'the move lands with the whole round');
    assert.equal(duplicates(msId), baseline);
  });

  test('an expired delta token resyncs the folders without duplicates, fetching only what is missing', async () => {
    const count = messagesOf(msId);
    graph.deleteMessage(providerIdOf('subject:"Delta arrival 5"'));
    graph.addMessage(await compose(99, 'After expiry'));
    graph.expireDeltaTokens();
    const before = mimeGets();
    const result = (await services.syncAccount(msId)) as GraphSyncResult;
    assert.ok(result.resynced.includes(graph.folder('inbox')!.id));
    assert.equal(result.added, 1);
    assert.equal(result.deleted, 1);
    assert.equal(mimeGets() - before, 1);
    assert.equal(messagesOf(msId), count);
    assert.equal(duplicates(msId), 0);
    assert.equal((await services.syncAccount(msId)).kind, 'incremental', 'fresh deltaLinks were recorded');
  });

  test('a forced 429 storm is survived with every message synced', async () => {
    const count = messagesOf(msId);
    for (let i = 0; i < 30; i++) graph.addMessage(await compose(i, 'Storm'));
    const throttledBefore = graph.stats().throttled;
    graph.throttleNext(24, 1);
    const result = await services.syncAccount(msId);
    assert.equal(result.added, 30);
    assert.equal(messagesOf(msId), count + 30);
    assert.ok(graph.stats().throttled - throttledBefore >= 24, 'the storm happened');
    assert.equal(duplicates(msId), 0);
    assert.equal(messagesOf(gmailId), 1_393, 'the Gmail account is untouched');
  });

  test('a revoked grant leaves the Outlook account "reconnect required" with its mail intact', async () => {
    const count = messagesOf(msId);
    identity.revokeUser(KAMINSKI.email);
    const credentials = services.store.accounts.getTokens<MicrosoftCredentials>(msId)!;
    // Expire the cached access token so msal must use the (revoked) refresh token.
    const cache = JSON.parse(credentials.msalCache) as { AccessToken: Record<string, { expires_on: string; extended_expires_on?: string }> };
    for (const entry of Object.values(cache.AccessToken)) entry.expires_on = entry.extended_expires_on = String(Math.floor(Date.now() / 1000) - 60);
    services.store.accounts.setTokens(msId, { ...credentials, msalCache: JSON.stringify(cache) });
    await assert.rejects(services.syncAccount(msId), (error: unknown) => error instanceof AppError && error.code === 'reconnect_required');
    assert.equal(services.store.accounts.get(msId)?.status, 'reconnect_required');
    assert.equal(messagesOf(msId), count);
  });

  test('no token appears in a log line', () => {
    const cache = JSON.parse(services.store.accounts.getTokens<MicrosoftCredentials>(msId)!.msalCache) as Record<string, Record<string, { secret: string }>>;
    const secrets = ['AccessToken', 'RefreshToken', 'IdToken'].flatMap((k) => Object.values(cache[k] ?? {}).map((e) => e.secret));
    assert.ok(secrets.length >= 2);
    for (const line of logLines) for (const secret of secrets) assert.ok(!line.includes(secret), `log line leaks a token: ${line.slice(0, 100)}`);
  });

  test('disconnect removes the account from the token cache and deletes its local data; Gmail keeps its mail', async () => {
    await services.disconnect(msId);
    assert.equal(services.store.accounts.get(msId), null);
    assert.equal(messagesOf(msId), 0);
    assert.equal(services.store.accounts.getTokens(msId), null);
    assert.equal(messagesOf(gmailId), 1_393);
  });
});
