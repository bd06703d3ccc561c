// Microsoft 365 over IMAP and SMTP with OAuth 2.0, against real servers: the rep signs in
// through the identity emulator in Chromium (msal-node, PKCE), then Mailbridge logs in to a
// real Dovecot with SASL XOAUTH2, Dovecot checking each token at the emulator's RFC 7662
// introspection endpoint, and sends through a real Postfix whose SASL is Dovecot's. A token
// the server stops taking is refreshed silently; a revoked grant asks the rep to sign in
// again and keeps the mail.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { ImapFlow } from 'imapflow';
import { IdentityEmulator, INTROSPECTION_CLIENT, type TestUser } from '../emulators/identity/identity-emulator.ts';
import { consentingBrowserOpener } from '../emulators/identity/browser-consent.ts';
import { emulatedMicrosoftConfig } from '../emulators/microsoft-config.ts';
import { launchChromium } from '../support/chromium.ts';
import { startMailServers, type MailServers } from '../support/postfix.ts';
import { openServices, type Services } from '../../src-main/app/assemble.ts';
import type { ImapCredentials } from '../../src-main/mail/providers/imap.ts';
import { databaseOf } from '../../src-main/store/profile-store.ts';

const INBOX = join(import.meta.dirname, '../../../shared/data/enron/maildir/kaminski-v/inbox');
const skip = !existsSync('/usr/sbin/dovecot') || !existsSync('/usr/sbin/postfix')
  ? 'Dovecot or Postfix is not installed: run through `scripts/toolchain.sh --with-system-packages`'
  : process.getuid?.() !== 0
    ? 'the Postfix test instance needs root'
    : !existsSync(INBOX)
      ? `../shared/data is absent (${INBOX})`
      : false;

const VINCE: TestUser = { sub: 'vince-kaminski-0001', email: 'vince@enron.test', password: 'sign in with Microsoft', name: 'Vince Kaminski' };
const SALLY = { user: 'sally@enron.test', password: 'another one' };

async function until(predicate: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('Microsoft 365 over IMAP and SMTP with XOAUTH2', { skip }, () => {
  const identity = new IdentityEmulator({ users: [VINCE] });
  let servers: MailServers;
  let browser: Browser;
  let services: Services;
  let profileDir: string;
  let accountId: number;
  const messageCount = () => databaseOf(services.store).prepare('SELECT count(*) FROM messages WHERE account_id = ?').pluck().get(accountId) as number;
  const refreshes = () => identity.tokenRequests.filter((r) => r.grantType === 'refresh_token');

  before(async () => {
    const endpoints = await identity.start();
    servers = await startMailServers({
      // Vince has no password on the server: the passwd-file entry is random and never used.
      users: [{ user: VINCE.email, password: `unused-${process.pid}-${Date.now()}`, maildir: INBOX }, SALLY],
      dovecot: { oauth2: { introspectionUrl: endpoints.introspectionUrl, clientId: INTROSPECTION_CLIENT.clientId, clientSecret: INTROSPECTION_CLIENT.clientSecret } },
    });
    browser = await launchChromium();
    profileDir = mkdtempSync(join(tmpdir(), 'mailbridge-xoauth2-'));
    services = await openServices({
      profileDir,
      config: { microsoft: emulatedMicrosoftConfig(endpoints, 'https://127.0.0.1:9/v1.0'), imap: { timeoutMs: 5_000 } },
    });
    services.settings.set({ undoSendSeconds: 0 });
  });

  after(async () => {
    await services?.close();
    await browser?.close();
    await servers?.stop();
    await identity.stop();
    if (profileDir) rmSync(profileDir, { recursive: true, force: true });
  });

  test('sign-in in the browser, then a full sync over IMAP with the access token', async () => {
    const account = await services.connectImapWithMicrosoft({
      loopback: true,
      timeoutMs: 60_000,
      openBrowser: consentingBrowserOpener(browser, { user: VINCE }),
      server: { host: '127.0.0.1', port: servers.imap.port, security: 'tls' },
      smtp: { host: '127.0.0.1', port: servers.smtp.port, security: 'starttls' },
    });
    accountId = account.id;
    assert.equal(account.provider, 'imap');
    assert.equal(account.email, VINCE.email);
    const credentials = services.store.accounts.getTokens<ImapCredentials>(accountId)!;
    assert.equal(credentials.auth, 'microsoft');
    assert.equal(credentials.password, undefined, 'no password is kept');
    assert.ok(credentials.msalCache && credentials.homeAccountId);

    const result = await services.syncAccount(accountId);
    assert.equal(messageCount(), servers.imap.loaded[VINCE.email]!.INBOX, JSON.stringify(result));
    const log = readFileSync(servers.imap.logPath, 'utf8');
    // imapflow takes RFC 7628 OAUTHBEARER where offered, else XOAUTH2 (all Microsoft 365 offers).
    assert.match(log, /imap-login: Info: Login: user=<vince@enron\.test>, method=(OAUTHBEARER|XOAUTH2)/, 'Dovecot saw a token login');
    assert.doesNotMatch(log, /method=(PLAIN|LOGIN)/, 'no password login');
  });

  test('a token the server no longer takes is refreshed silently and the sync goes on', async () => {
    const before = refreshes().length;
    assert.ok(identity.expireAccessTokens(VINCE.email) > 0, 'the emulator held an access token to expire');
    const delivered = `<xoauth2-${Date.now()}@enron.test>`;
    await servers.imap.deliver(VINCE.email, `From: Sally <${SALLY.user}>\r\nTo: ${VINCE.email}\r\nSubject: after the refresh\r\nMessage-ID: ${delivered}\r\nDate: ${new Date().toUTCString()}\r\n\r\nStill there?\r\n`);
    await services.syncAccount(accountId, { scope: 'new-mail' });
    assert.equal(refreshes().length, before + 1, 'one refresh');
    assert.equal(refreshes().at(-1)!.error, undefined);
    assert.equal(services.store.accounts.get(accountId)!.status, 'connected');
    const found = databaseOf(services.store).prepare('SELECT count(*) FROM messages WHERE message_id_header = ?').pluck().get(delivered.slice(1, -1));
    assert.equal(found, 1, 'the new message came in with the refreshed token');
  });

  test('a reply leaves through Postfix with XOAUTH2 and arrives once', async () => {
    identity.expireAccessTokens(VINCE.email);
    const source = databaseOf(services.store)
      .prepare('SELECT id FROM messages WHERE account_id = ? AND message_id_header IS NOT NULL ORDER BY received_at DESC LIMIT 1')
      .get(accountId) as { id: number };
    const draft = await services.handlers['drafts:create']({ mode: 'reply', messageId: source.id });
    await services.handlers['drafts:save']({ draftId: draft.id, to: [{ address: SALLY.user, name: 'Sally' }], html: '<p>Yes, signed in with Microsoft.</p>' });
    const item = await services.handlers['send:queue']({ draftId: draft.id });
    await until(() => services.store.sendOutbox.get(item.id)?.state === 'sent', `the reply to leave (${JSON.stringify(services.store.sendOutbox.get(item.id))})`);
    const header = services.store.sendOutbox.get(item.id)!.messageIdHeader;
    const sally = new ImapFlow({ host: '127.0.0.1', port: servers.imap.port, secure: true, auth: { user: SALLY.user, pass: SALLY.password }, logger: false, disableAutoIdle: true });
    await sally.connect();
    try {
      await sally.mailboxOpen('INBOX', { readOnly: true });
      await until(async () => ((await sally.search({ header: { 'message-id': `<${header}>` } }, { uid: true })) || []).length > 0, 'Sally to receive it');
      assert.equal(((await sally.search({ header: { 'message-id': `<${header}>` } }, { uid: true })) || []).length, 1, 'delivered once');
    } finally {
      await sally.logout();
    }
    assert.match(readFileSync(servers.logPath, 'utf8'), /sasl_method=XOAUTH2, sasl_username=vince@enron\.test/, 'Postfix took XOAUTH2');
  });

  test('a revoked grant asks the rep to sign in again and keeps the mail', async () => {
    const kept = messageCount();
    identity.revokeUser(VINCE.email);
    await assert.rejects(services.syncAccount(accountId), (error: Error & { code?: string }) => error.code === 'reconnect_required' || /sign in|reconnect/i.test(error.message));
    assert.equal(services.store.accounts.get(accountId)!.status, 'reconnect_required');
    assert.equal(messageCount(), kept, 'every message is kept');
    assert.equal(refreshes().at(-1)!.error, 'invalid_grant');
  });
});
