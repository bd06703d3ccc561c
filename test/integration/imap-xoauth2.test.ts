// Microsoft 365 and Google mail over IMAP and SMTP with OAuth 2.0, against real servers: the
// rep signs in through the identity emulator in Chromium (msal-node or google-auth-library,
// PKCE), then Mailbridge logs in to a real Dovecot with SASL XOAUTH2, Dovecot checking each
// token at the emulator's RFC 7662 introspection endpoint, and sends through a real Postfix
// whose SASL is Dovecot's. A token the server stops taking is refreshed silently; a revoked
// grant asks the rep to sign in again and keeps the mail.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import type { Browser } from 'playwright-core';
import { ImapFlow } from 'imapflow';
import { GOOGLE_DESKTOP_CLIENT, IdentityEmulator, INTROSPECTION_CLIENT, type TestUser } from '../emulators/identity/identity-emulator.ts';
import { consentingBrowserOpener } from '../emulators/identity/browser-consent.ts';
import { emulatedMicrosoftConfig } from '../emulators/microsoft-config.ts';
import { emulatedGoogleConfig } from '../emulators/google-config.ts';
import { launchChromium } from '../support/chromium.ts';
import { startMailServers, type MailServers } from '../support/postfix.ts';
import { openServices, type Services } from '../../src-main/app/assemble.ts';
import type { ImapCredentials } from '../../src-main/mail/providers/imap.ts';
import { databaseOf } from '../../src-main/store/profile-store.ts';
import { updateProfileConfig } from '../../src-main/platform/profile-config.ts';
import { until } from '../support/until.ts';

const INBOX = join(import.meta.dirname, '../../../shared/data/enron/maildir/kaminski-v/inbox');
const GOOGLE_INBOX = join(import.meta.dirname, '../../../shared/data/enron/maildir/grigsby-m/inbox');
const skip = !existsSync('/usr/sbin/dovecot') || !existsSync('/usr/sbin/postfix')
  ? 'Dovecot or Postfix is not installed: run through `scripts/toolchain.sh --with-system-packages`'
  : process.getuid?.() !== 0
    ? 'the Postfix test instance needs root'
    : !existsSync(INBOX)
      ? `../shared/data is absent (${INBOX})`
      : false;

const VINCE: TestUser = { sub: 'vince-kaminski-0001', email: 'vince@enron.test', password: 'sign in with Microsoft', name: 'Vince Kaminski' };
const MIKE: TestUser = { sub: 'mike-grigsby-0001', email: 'mike@enron.test', password: 'sign in with Google', name: 'Mike Grigsby' };
const SALLY = { user: 'sally@enron.test', password: 'another one' };
const BIN = join(import.meta.dirname, '../../bin/mailbridge.js');


describe('Microsoft 365 and Google over IMAP and SMTP with XOAUTH2', { skip }, () => {
  const identity = new IdentityEmulator({ users: [VINCE, MIKE] });
  let servers: MailServers;
  let browser: Browser;
  let services: Services;
  let profileDir: string;
  let accountId: number;
  let endpoints: Awaited<ReturnType<IdentityEmulator['start']>>;
  const messageCount = (id = accountId) => databaseOf(services.store).prepare('SELECT count(*) FROM messages WHERE account_id = ?').pluck().get(id) as number;
  const refreshes = () => identity.tokenRequests.filter((r) => r.grantType === 'refresh_token');

  before(async () => {
    endpoints = await identity.start();
    servers = await startMailServers({
      // Vince has no password on the server: the passwd-file entry is random and never used.
      users: [
        { user: VINCE.email, password: `unused-${process.pid}-${Date.now()}`, maildir: INBOX },
        { user: MIKE.email, password: `unused-${process.pid}-${Date.now()}-g`, maildir: GOOGLE_INBOX },
        SALLY,
      ],
      dovecot: { oauth2: { introspectionUrl: endpoints.introspectionUrl, clientId: INTROSPECTION_CLIENT.clientId, clientSecret: INTROSPECTION_CLIENT.clientSecret } },
    });
    browser = await launchChromium();
    profileDir = mkdtempSync(join(tmpdir(), 'mailbridge-xoauth2-'));
    services = await openServices({
      profileDir,
      config: {
        microsoft: emulatedMicrosoftConfig(endpoints, 'https://127.0.0.1:9/v1.0'),
        google: emulatedGoogleConfig(endpoints, 'https://127.0.0.1:9/gmail/v1'),
        imap: { timeoutMs: 5_000 },
      },
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
    const account = await services.connectImapWithOAuth({
      issuer: 'microsoft',
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

  /** Replies to the account's newest message, to Sally; resolves with the Message-ID once the outbox says sent. */
  async function replyToSally(id: number, html: string): Promise<string> {
    const source = databaseOf(services.store)
      .prepare('SELECT id FROM messages WHERE account_id = ? AND message_id_header IS NOT NULL ORDER BY received_at DESC LIMIT 1')
      .get(id) as { id: number };
    const draft = await services.handlers['drafts:create']({ mode: 'reply', messageId: source.id });
    await services.handlers['drafts:save']({ draftId: draft.id, to: [{ address: SALLY.user, name: 'Sally' }], html });
    const item = await services.handlers['send:queue']({ draftId: draft.id });
    await until(() => services.store.sendOutbox.get(item.id)?.state === 'sent', `the reply to leave (${JSON.stringify(services.store.sendOutbox.get(item.id))})`);
    return services.store.sendOutbox.get(item.id)!.messageIdHeader;
  }

  /** How many copies of `header` reach Sally's Inbox (waiting for the first). */
  async function deliveredToSally(header: string): Promise<number> {
    const sally = new ImapFlow({ host: '127.0.0.1', port: servers.imap.port, secure: true, auth: { user: SALLY.user, pass: SALLY.password }, logger: false, disableAutoIdle: true });
    await sally.connect();
    try {
      await sally.mailboxOpen('INBOX', { readOnly: true });
      const copies = async () => ((await sally.search({ header: { 'message-id': `<${header}>` } }, { uid: true })) || []).length;
      await until(async () => (await copies()) > 0, 'Sally to receive it');
      return await copies();
    } finally {
      await sally.logout();
    }
  }

  test('a reply leaves through Postfix with XOAUTH2 and arrives once', async () => {
    identity.expireAccessTokens(VINCE.email);
    const header = await replyToSally(accountId, '<p>Yes, signed in with Microsoft.</p>');
    assert.equal(await deliveredToSally(header), 1, 'delivered once');
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

  describe('Google', () => {
    let googleId: number;

    test('sign-in with Google in the browser, then a full sync over IMAP with the access token', async () => {
      const account = await services.connectImapWithOAuth({
        issuer: 'google',
        timeoutMs: 60_000,
        openBrowser: consentingBrowserOpener(browser, { user: MIKE }),
        server: { host: '127.0.0.1', port: servers.imap.port, security: 'tls' },
        smtp: { host: '127.0.0.1', port: servers.smtp.port, security: 'starttls' },
      });
      googleId = account.id;
      assert.equal(account.provider, 'imap');
      assert.equal(account.email, MIKE.email, 'the address comes from the ID token');
      const credentials = services.store.accounts.getTokens<ImapCredentials>(googleId)!;
      assert.equal(credentials.auth, 'google');
      assert.equal(credentials.password, undefined, 'no password is kept');
      assert.ok(credentials.google?.refreshToken, 'the refresh token is kept');
      assert.ok(credentials.google.scopes.includes('https://mail.google.com/'), 'Gmail’s IMAP scope was asked for and granted');
      const signIn = identity.tokenRequests.filter((r) => r.grantType === 'authorization_code').at(-1)!;
      assert.equal(signIn.clientId, GOOGLE_DESKTOP_CLIENT.clientId, 'signed in as the Google desktop client');

      const result = await services.syncAccount(googleId);
      assert.equal(messageCount(googleId), servers.imap.loaded[MIKE.email]!.INBOX, JSON.stringify(result));
      const log = readFileSync(servers.imap.logPath, 'utf8');
      assert.match(log, /imap-login: Info: Login: user=<mike@enron\.test>, method=(OAUTHBEARER|XOAUTH2)/, 'Dovecot saw a token login');
      assert.doesNotMatch(log, /user=<mike@enron\.test>, method=(PLAIN|LOGIN)/, 'no password login');
    });

    test('an access token the server no longer takes is refreshed at Google, stored, and the sync goes on', async () => {
      const before = refreshes().length;
      const stale = services.store.accounts.getTokens<ImapCredentials>(googleId)!.google!.accessToken;
      assert.ok(identity.expireAccessTokens(MIKE.email) > 0, 'the emulator held an access token to expire');
      const delivered = `<xoauth2-google-${Date.now()}@enron.test>`;
      await servers.imap.deliver(MIKE.email, `From: Sally <${SALLY.user}>\r\nTo: ${MIKE.email}\r\nSubject: after the refresh\r\nMessage-ID: ${delivered}\r\nDate: ${new Date().toUTCString()}\r\n\r\nStill there?\r\n`);
      await services.syncAccount(googleId, { scope: 'new-mail' });
      assert.equal(refreshes().length, before + 1, 'one refresh');
      assert.equal(refreshes().at(-1)!.clientId, GOOGLE_DESKTOP_CLIENT.clientId);
      assert.equal(services.store.accounts.get(googleId)!.status, 'connected');
      const stored = services.store.accounts.getTokens<ImapCredentials>(googleId)!.google!;
      assert.notEqual(stored.accessToken, stale, 'the refreshed token was written back to the encrypted store');
      assert.ok(stored.refreshToken, 'Google omits the refresh token on refresh; the stored one is kept');
      const found = databaseOf(services.store).prepare('SELECT count(*) FROM messages WHERE message_id_header = ?').pluck().get(delivered.slice(1, -1));
      assert.equal(found, 1, 'the new message came in with the refreshed token');
    });

    test('a reply leaves through Postfix with the Google token and arrives once', async () => {
      const header = await replyToSally(googleId, '<p>Yes, signed in with Google.</p>');
      assert.equal(await deliveredToSally(header), 1, 'delivered once');
      assert.match(readFileSync(servers.logPath, 'utf8'), /sasl_method=XOAUTH2, sasl_username=mike@enron\.test/, 'Postfix took XOAUTH2');
    });

    test('`mailbridge connect imap --google` signs in in the browser, stores the account, and `sync` fetches the mail over XOAUTH2', async () => {
      const cliProfile = mkdtempSync(join(tmpdir(), 'mailbridge-cli-google-imap-'));
      try {
        updateProfileConfig(cliProfile, { google: emulatedGoogleConfig(endpoints, 'https://127.0.0.1:9/gmail/v1') });
        // Only node on PATH: no xdg-open, so the CLI prints the sign-in URL for the rep to open.
        const env = { ...process.env, PATH: dirname(process.execPath) };
        const serverFlags = ['--host', '127.0.0.1', '--port', String(servers.imap.port), '--security', 'tls', '--smtp-host', '127.0.0.1', '--smtp-port', String(servers.smtp.port), '--smtp-security', 'starttls'];
        const cli = spawn(process.execPath, [BIN, 'connect', 'imap', '--google', ...serverFlags, '--profile', cliProfile], { env, stdio: ['ignore', 'pipe', 'pipe'] });
        const exited = new Promise<number>((resolve) => cli.once('exit', (code) => resolve(code ?? 1)));
        let stdout = '';
        let stderr = '';
        cli.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
        const authUrl = await new Promise<string>((resolve, reject) => {
          createInterface({ input: cli.stderr }).on('line', (line) => {
            stderr += line + '\n';
            if (line.startsWith('https://')) resolve(line.trim());
          });
          void exited.then((code) => reject(new Error(`the CLI exited with ${code} before printing a URL: ${stderr}`)));
        });
        assert.match(authUrl, /code_challenge_method=S256/);
        assert.match(decodeURIComponent(authUrl), /scope=[^&]*https:\/\/mail\.google\.com\//, 'asks for Gmail’s IMAP scope');
        await consentingBrowserOpener(browser, { user: MIKE })(authUrl);
        assert.equal(await exited, 0, stderr);
        const connected = JSON.parse(stdout.trim().split('\n').at(-1)!) as { connected: string; provider: string };
        assert.deepEqual({ connected: connected.connected, provider: connected.provider }, { connected: MIKE.email, provider: 'imap' });
        await promisify(execFile)(process.execPath, [BIN, 'sync', '--profile', cliProfile], { env, timeout: 60_000 });
        const { stdout: stats } = await promisify(execFile)(process.execPath, [BIN, 'stats', '--profile', cliProfile], { env });
        const counted = JSON.parse(stats) as { accounts: number; messages: number };
        assert.equal(counted.accounts, 1);
        assert.ok(counted.messages >= servers.imap.loaded[MIKE.email]!.INBOX! + 1, `${counted.messages} messages synced: the loaded Inbox and the one delivered since`);
      } finally {
        rmSync(cliProfile, { recursive: true, force: true });
      }
    });

    test('a revoked Google grant asks the rep to sign in again and keeps the mail', async () => {
      const kept = messageCount(googleId);
      identity.revokeUser(MIKE.email);
      await assert.rejects(services.syncAccount(googleId), (error: Error & { code?: string }) => error.code === 'reconnect_required' || /sign in|reconnect/i.test(error.message));
      assert.equal(services.store.accounts.get(googleId)!.status, 'reconnect_required');
      assert.equal(messageCount(googleId), kept, 'every message is kept');
      assert.equal(refreshes().at(-1)!.error, 'invalid_grant');
    });
  });
});
