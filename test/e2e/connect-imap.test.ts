// Settings → "Connect IMAP" (also offered by the first-run screen) in the app against a real
// Dovecot on loopback with the run's CA and implicit TLS: a wrong password, and a server whose
// certificate comes from another CA, are refused in words inside the form, which keeps what was
// typed, focuses the field to look at and stores nothing; an outgoing server that does not
// answer is refused after the IMAP sign-in, with focus on the SMTP server; with "No outgoing
// server (read only)" the right password lists the account as IMAP without sending, and its
// sync fills the inbox with every kaminski-v message once. That Dovecot has no SMTP beside it
// (and enron.test has no SRV records), so every connecting try names the outgoing server or
// ticks "No outgoing server". axe checks the open form.
// Then, beside a real Postfix delivering into Dovecot: the form with the submission port typed
// in connects an account that can send, and a reply written in the app (`r`, Send) arrives in
// another Dovecot user's INBOX once, is in Sent once and shows once in its thread; "Sign in with
// Microsoft 365 instead" signs in through the identity emulator in Chromium (the mailbridge://
// redirect handed over by a second process, as connect-outlook does), logs in with XOAUTH2
// and keeps no password.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { GOOGLE_DESKTOP_CLIENT, IdentityEmulator, INTROSPECTION_CLIENT, type TestUser } from '../emulators/identity/identity-emulator.ts';
import { consentingBrowserOpener, deepLinkBrowserOpener } from '../emulators/identity/browser-consent.ts';
import { emulatedMicrosoftConfig } from '../emulators/microsoft-config.ts';
import { emulatedGoogleConfig } from '../emulators/google-config.ts';
import { startDovecot, type DovecotServer } from '../support/dovecot.ts';
import { startMailServers, type MailServers } from '../support/postfix.ts';
import { copiesOf } from '../support/imap-find.ts';
import { countCorpusFiles } from '../support/maildir-load.ts';
import { ensureTestCa } from '../support/test-ca.ts';
import { launchChromium } from '../support/chromium.ts';
import { buildRendererOnce } from '../support/build.ts';
import { startRendererHarness, type RendererHarness } from '../support/renderer-harness.ts';
import { openServices, type Services } from '../../src-main/app/assemble.ts';
import { listenForDeepLinks, type InstanceListener } from '../../src-main/platform/single-instance.ts';
import type { ImapCredentials } from '../../src-main/mail/providers/imap.ts';
import { SENDING_KEYWORD } from '../../src-main/mail/remote/imap-mailbox.ts';
import { databaseOf } from '../../src-main/store/profile-store.ts';
import { axeViolations } from './support/axe.ts';
import { ComposePage, InboxPage, SettingsPage, ThreadPage } from './pages/index.ts';
import type { ImapForm } from './pages/settings-page.ts';

const INBOX = join(import.meta.dirname, '../../../shared/data/enron/maildir/kaminski-v/inbox');
const skip = !existsSync('/usr/sbin/dovecot')
  ? 'Dovecot is not installed: run through `scripts/toolchain.sh --with-system-packages`'
  : !existsSync(INBOX)
    ? `../shared/data is absent (${INBOX})`
    : false;
// A user name that is not the address, so the form's "User name" is what signs in.
const VINCE = { email: 'vince.kaminski@enron.test', user: 'vkaminski', password: 'research group 2001' };
// Beside Postfix every login is the full address (SMTP AUTH goes through Dovecot's SASL).
const SENDER = { user: 'vince@enron.test', password: 'research group 2001' };
const SALLY = { user: 'sally@enron.test', password: 'another one' };
const GRIGSBY_INBOX = join(import.meta.dirname, '../../../shared/data/enron/maildir/grigsby-m/inbox');
const GRIGSBY: TestUser = { sub: 'mike-grigsby-0001', email: 'mike.grigsby@enron.test', password: 'sign in with Microsoft', name: 'Mike Grigsby' };
const NEAL_INBOX = join(import.meta.dirname, '../../../shared/data/enron/maildir/neal-s/inbox');
const NEAL: TestUser = { sub: 'scott-neal-0001', email: 'scott.neal@enron.test', password: 'sign in with Google', name: 'Scott Neal' };
const BIN = join(import.meta.dirname, '../../bin/mailbridge.js');

async function until(predicate: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A loopback port nothing listens on (bound, then let go). */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

describe('Connect IMAP from Settings (real Dovecot, kaminski-v)', { skip }, () => {
  let work: string;
  let server: DovecotServer;
  let browser: Browser;
  let services: Services;
  let harness: RendererHarness;
  let page: Page;
  let settings: SettingsPage;
  const form = (password: string): ImapForm => ({
    email: VINCE.email,
    password,
    host: server.host,
    port: server.port,
    security: 'TLS (port 993)',
    user: VINCE.user,
    noSmtp: true,
  });
  const focusedId = () => page.evaluate(() => document.activeElement?.id ?? null);

  before(async () => {
    await buildRendererOnce();
    server = await startDovecot({ users: [{ user: VINCE.user, password: VINCE.password, maildir: INBOX }] });
    work = mkdtempSync(join(tmpdir(), 'mailbridge-connect-imap-'));
    services = await openServices({ profileDir: join(work, 'profile'), config: { imap: { timeoutMs: 5000 } } });
    harness = await startRendererHarness(services);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1360, height: 860 } });
    await page.goto(harness.signInUrl());
    settings = new SettingsPage(page);
  });

  after(async () => {
    await browser?.close();
    await harness?.close();
    await services?.close();
    await server?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  test('the first-run screen offers "Other mailbox (IMAP)", which opens the same form', async () => {
    await page.getByRole('heading', { level: 1, name: 'Welcome to Mailbridge' }).waitFor();
    await page.getByRole('button', { name: 'Other mailbox (IMAP)' }).click();
    await settings.imapDialog.waitFor();
    assert.deepEqual(await axeViolations(page), []);
    await settings.cancelImap();
  });

  test('the form opens with server settings collapsed, and is axe clean', async () => {
    await settings.goto();
    await settings.openConnectImap();
    assert.equal(await settings.imapServerSettings.getAttribute('aria-expanded'), 'false');
    assert.equal(await focusedId(), 'imap-email', 'the address field takes focus');
    assert.equal(await settings.imapField('Password').getAttribute('type'), 'password');
    assert.equal(await settings.imapField('Password').getAttribute('autocomplete'), 'current-password');
    await settings.imapServerSettings.click();
    assert.equal(await settings.imapField('Port').inputValue(), '993');
    await settings.imapField('Security').selectOption({ label: 'STARTTLS (port 143)' });
    assert.equal(await settings.imapField('Port').inputValue(), '143', 'an untouched port follows Security');
    await settings.imapField('Email address').fill(VINCE.email);
    assert.equal(await settings.imapField('User name').inputValue(), VINCE.email, 'the user name defaults to the address');
    assert.equal(await settings.imapField('SMTP server').inputValue(), '', 'the outgoing server is found unless typed');
    assert.equal(await settings.imapField('SMTP port').inputValue(), '587');
    await settings.imapField('SMTP security').selectOption({ label: 'TLS (port 465)' });
    assert.equal(await settings.imapField('SMTP port').inputValue(), '465', 'an untouched SMTP port follows its security');
    assert.equal(await settings.imapNoSmtp.isChecked(), false);
    await settings.imapNoSmtp.check();
    assert.equal(await settings.imapField('SMTP server').isDisabled(), true, '"No outgoing server" disables the SMTP fields');
    await settings.imapNoSmtp.uncheck();
    assert.equal(await settings.imapField('SMTP server').isDisabled(), false);
    await settings.imapField('Password').fill('typed then cancelled');
    assert.deepEqual(await axeViolations(page), []);
    await settings.cancelImap();
    await settings.openConnectImap();
    assert.equal(await settings.imapField('Password').inputValue(), '', 'closing the form forgets the password');
    await settings.cancelImap();
  });

  test('an address whose server cannot be found opens "Server settings" with focus on the server', async () => {
    const outcome = await settings.connectImap({ email: VINCE.email, password: VINCE.password });
    assert.equal(outcome.ok, false);
    assert.match(outcome.text, /No IMAP server was found for enron\.test/);
    assert.equal(await settings.imapServerSettings.getAttribute('aria-expanded'), 'true');
    assert.equal(await focusedId(), 'imap-host');
    assert.equal(services.store.accounts.list().length, 0);
    await settings.cancelImap();
  });

  test('a server whose certificate is from another CA is refused as not trusted, before any login', async () => {
    const otherDir = mkdtempSync(join(tmpdir(), 'mailbridge-other-ca-'));
    const other = await ensureTestCa(otherDir);
    const rogue = await startDovecot({ users: [{ user: VINCE.user, password: VINCE.password }], tls: { cert: other.serverCert, key: other.serverKey } });
    try {
      const outcome = await settings.connectImap({ ...form(VINCE.password), port: rogue.port });
      assert.equal(outcome.ok, false);
      assert.match(outcome.text, new RegExp(`127\\.0\\.0\\.1:${rogue.port}'s certificate is not trusted \\(`));
      assert.match(outcome.text, /check the server name, or ask its administrator/);
      assert.equal(await settings.imapServerSettings.getAttribute('aria-expanded'), 'true');
      assert.equal(await focusedId(), 'imap-host', 'focus goes to the server');
      assert.equal(await settings.imapField('IMAP server').getAttribute('aria-invalid'), 'true');
      assert.equal(await settings.imapField('Password').getAttribute('aria-invalid'), null, 'the password is not blamed');
      assert.equal(await settings.imapField('Port').inputValue(), String(rogue.port), 'what was typed stays');
      assert.equal(services.store.accounts.list().length, 0);
      assert.doesNotMatch(readFileSync(rogue.logPath, 'utf8'), /Login: user=/, 'the password never reached that server');
      assert.deepEqual(await axeViolations(page), []);
      await settings.cancelImap();
      assert.equal(await settings.accounts.filter({ hasText: VINCE.email }).count(), 0);
    } finally {
      await rogue.stop();
      rmSync(otherDir, { recursive: true, force: true });
    }
  });

  test('a wrong password is refused in the form, what was typed stays, and nothing is stored', async () => {
    const outcome = await settings.connectImap(form('not the password'));
    assert.equal(outcome.ok, false);
    assert.match(outcome.text, /refused the user name or password/);
    assert.equal(await focusedId(), 'imap-password', 'focus goes to the password');
    assert.equal(await settings.imapField('Password').getAttribute('aria-invalid'), 'true');
    assert.equal(await settings.imapField('Email address').inputValue(), VINCE.email);
    assert.equal(await settings.imapField('IMAP server').inputValue(), server.host);
    assert.equal(await settings.imapField('User name').inputValue(), VINCE.user);
    assert.equal(services.store.accounts.list().length, 0);
    assert.deepEqual(await axeViolations(page), [], 'the form with its error is axe clean');
    assert.equal(await settings.accounts.filter({ hasText: VINCE.email }).count(), 0);
  });

  test('an outgoing server that does not answer is refused after the IMAP sign-in, with focus on it', async () => {
    await settings.imapField('Password').fill(VINCE.password);
    await settings.imapNoSmtp.uncheck();
    await settings.imapField('SMTP server').fill('127.0.0.1');
    await settings.imapField('SMTP port').fill(String(await closedPort()));
    const outcome = await settings.submitImap();
    assert.equal(outcome.ok, false);
    assert.match(outcome.text, /Outgoing mail: /);
    assert.equal(await focusedId(), 'imap-smtp-host', 'focus goes to the SMTP server');
    assert.equal(await settings.imapField('SMTP server').getAttribute('aria-invalid'), 'true');
    assert.equal(services.store.accounts.list().length, 0);
    assert.deepEqual(await axeViolations(page), [], 'the form with the outgoing server open is axe clean');
  });

  test('"No outgoing server" and the right password list the account as IMAP, and its sync fills the inbox', async () => {
    await settings.imapNoSmtp.check();
    const outcome = await settings.submitImap();
    assert.deepEqual(outcome, { ok: true, text: '' });
    await page.getByText(`Connected ${VINCE.email}`).waitFor();
    const row = settings.account(VINCE.email);
    await row.waitFor({ timeout: 15_000 });
    assert.equal(await settings.accountProvider(VINCE.email), 'IMAP');
    assert.equal(
      ((await settings.accountNote(VINCE.email).textContent()) ?? '').trim(),
      'No outgoing server: this mailbox can read and change mail here but not send',
    );
    assert.equal(await row.getByRole('button', { name: 'Allow sending' }).count(), 0);

    const account = services.store.accounts.list().find((a) => a.provider === 'imap');
    assert.ok(account);
    assert.equal(account.email, VINCE.email);
    assert.equal(services.store.accounts.getTokens<{ smtp: unknown }>(account.id)?.smtp, null, 'no outgoing server is stored');
    await services.syncAccount(account.id);
    assert.equal(services.store.messages.stats().messages, countCorpusFiles(INBOX));
    await page.waitForFunction(
      (email) => document.querySelector(`[aria-label="${email}"]`)?.getAttribute('data-sync-state') === 'idle',
      VINCE.email,
      { timeout: 60_000 },
    );

    const inbox = new InboxPage(page);
    await inbox.goto();
    await inbox.waitForList();
    assert.ok((await inbox.rows.count()) > 0, 'the thread list shows rows');
    assert.equal(await inbox.total(), services.store.messages.stats().threads);
  });
});

const SENDING_SKIP = skip
  || (!existsSync('/usr/sbin/postfix') ? 'Postfix is not installed: run through `scripts/toolchain.sh --with-system-packages`' : false)
  || (process.getuid?.() !== 0 ? 'the Postfix test instance needs root' : false)
  || (!existsSync(GRIGSBY_INBOX) ? `../shared/data is absent (${GRIGSBY_INBOX})` : false);

describe('Connect IMAP with an outgoing server, and with Microsoft 365 or Google (real Postfix and Dovecot)', { skip: SENDING_SKIP }, () => {
  const identity = new IdentityEmulator({ users: [GRIGSBY, NEAL] });
  let work: string;
  let servers: MailServers;
  let browser: Browser;
  let services: Services;
  let listener: InstanceListener;
  let harness: RendererHarness;
  let page: Page;
  let settings: SettingsPage;
  let accountId: number;
  const handoffs: string[] = [];
  const db = () => databaseOf(services.store);
  const messagesOf = (id: number) => db().prepare('SELECT count(*) FROM messages WHERE account_id = ?').pluck().get(id) as number;
  const syncedIdle = (email: string) =>
    page.waitForFunction((e) => document.querySelector(`[aria-label="${e}"]`)?.getAttribute('data-sync-state') === 'idle', email, { timeout: 60_000 });

  before(async () => {
    await buildRendererOnce();
    const endpoints = await identity.start();
    servers = await startMailServers({
      users: [
        { ...SENDER, maildir: INBOX },
        SALLY,
        // Mike has no password on the server: the passwd-file entry is random and never used.
        { user: GRIGSBY.email, password: `unused-${process.pid}-${Date.now()}`, maildir: GRIGSBY_INBOX },
        { user: NEAL.email, password: `unused-${process.pid}-${Date.now()}-g`, maildir: NEAL_INBOX },
      ],
      dovecot: { oauth2: { introspectionUrl: endpoints.introspectionUrl, clientId: INTROSPECTION_CLIENT.clientId, clientSecret: INTROSPECTION_CLIENT.clientSecret } },
    });
    work = mkdtempSync(join(tmpdir(), 'mailbridge-connect-imap-send-'));
    const profileDir = join(work, 'profile');
    browser = await launchChromium();
    const microsoftBrowser = deepLinkBrowserOpener(browser, {
      user: GRIGSBY,
      onDeepLink: async (link) => {
        // What the OS does with a registered scheme: start the app again with the URL.
        await promisify(execFile)(process.execPath, [BIN, '--profile', profileDir, link]);
        handoffs.push(`${new URL(link).host}${new URL(link).pathname}`);
      },
    });
    // Google comes back to a loopback port instead (RFC 8252 §7.3).
    const googleBrowser = consentingBrowserOpener(browser, { user: NEAL });
    services = await openServices({
      profileDir,
      config: {
        microsoft: emulatedMicrosoftConfig(endpoints, 'https://127.0.0.1:9/v1.0'),
        google: emulatedGoogleConfig(endpoints, 'https://127.0.0.1:9/gmail/v1'),
        imap: { timeoutMs: 5000 },
      },
      openBrowser: (url) => (new URL(url).searchParams.get('client_id') === GOOGLE_DESKTOP_CLIENT.clientId ? googleBrowser(url) : microsoftBrowser(url)),
    });
    services.settings.set({ undoSendSeconds: 0 });
    listener = await listenForDeepLinks(profileDir, (link) => services.handleDeepLink(link));
    harness = await startRendererHarness(services);
    page = await browser.newPage({ viewport: { width: 1360, height: 860 } });
    await page.goto(harness.signInUrl());
    settings = new SettingsPage(page);
  });

  after(async () => {
    await browser?.close();
    await harness?.close();
    await listener?.close();
    await services?.close();
    await servers?.stop();
    await identity.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  test('the form with the outgoing server typed in (submission, STARTTLS) connects an account that can send', async () => {
    await settings.goto();
    const outcome = await settings.connectImap({
      email: SENDER.user,
      password: SENDER.password,
      host: servers.imap.host,
      port: servers.imap.port,
      security: 'TLS (port 993)',
      smtpHost: servers.smtp.host,
      smtpSecurity: 'STARTTLS (port 587)',
      smtpPort: servers.smtp.port,
    });
    assert.deepEqual(outcome, { ok: true, text: '' });
    await settings.account(SENDER.user).waitFor({ timeout: 15_000 });
    assert.equal(await settings.accountProvider(SENDER.user), 'IMAP');
    assert.equal(await settings.accountNote(SENDER.user).count(), 0, 'no "No outgoing server" note');
    const account = services.store.accounts.list().find((a) => a.provider === 'imap' && a.email === SENDER.user);
    assert.ok(account);
    accountId = account.id;
    assert.deepEqual(services.store.accounts.getTokens<ImapCredentials>(accountId)?.smtp, { host: servers.smtp.host, port: servers.smtp.port, security: 'starttls' });
    await syncedIdle(SENDER.user);
    assert.equal(messagesOf(accountId), servers.imap.loaded[SENDER.user]!.INBOX);
  });

  test('r and Send reply through Postfix: delivered once, in Sent once, and shown once in the thread', async () => {
    const [newest] = services.store.inbox.page({}, 0, 1).threads;
    assert.ok(newest, 'a thread at the top of the inbox');
    const replied = db()
      .prepare('SELECT message_id_header FROM messages WHERE thread_id = ? ORDER BY received_at DESC, id DESC LIMIT 1')
      .pluck()
      .get(newest.id) as string | null;
    assert.ok(replied, 'the newest message has a Message-ID to reply to');
    const inbox = new InboxPage(page);
    const thread = new ThreadPage(page);
    const compose = new ComposePage(page);
    await inbox.goto();
    await inbox.threadList.locator(`[role="option"][data-thread-id="${newest.id}"]`).click();
    await page.locator(`section[aria-label="Thread"][data-thread-id="${newest.id}"] article`).first().waitFor();
    const shown = await thread.messages.count();

    await page.keyboard.press('r');
    await compose.waitOpen();
    assert.match(await compose.subject.inputValue(), /^Re: /i);
    // The sender is outside enron.test (Postfix drops that copy): Sally is the recipient with a mailbox.
    await compose.addRecipient('To', SALLY.user);
    assert.ok((await compose.recipients('To')).includes(SALLY.user));
    await compose.write('Sally, this one went out through Postfix.');
    await compose.saved();
    await compose.send();
    await compose.window.waitFor({ state: 'hidden' });

    const queued = db().prepare('SELECT id FROM send_outbox').pluck().all() as number[];
    assert.equal(queued.length, 1, 'one message queued');
    await until(() => services.store.sendOutbox.get(queued[0]!)?.state === 'sent', 'the reply to leave');
    const header = services.store.sendOutbox.get(queued[0]!)!.messageIdHeader;
    await until(async () => (await copiesOf(servers.imap, SALLY, 'INBOX', header)).length > 0, 'Sally to receive it');
    await until(async () => /Mail queue is empty/.test(await servers.postqueue(['-p'])), 'Postfix to finish with it');
    const delivered = await copiesOf(servers.imap, SALLY, 'INBOX', header);
    assert.equal(delivered.length, 1, 'delivered once');
    assert.equal(delivered[0]!.inReplyTo, `<${replied}>`, 'a reply to the newest message');
    const sent = await copiesOf(servers.imap, SENDER, 'Sent', header);
    assert.equal(sent.length, 1, 'one copy in Sent');
    assert.ok(!sent[0]!.flags.includes(SENDING_KEYWORD), `no in-flight keyword left: ${sent[0]!.flags.join(' ')}`);

    await services.syncAccount(accountId);
    assert.deepEqual(db().prepare('SELECT thread_id FROM messages WHERE message_id_header = ?').pluck().all(header), [newest.id], 'once, in the replied thread');
    await until(async () => (await thread.messages.count()) === shown + 1, 'the thread to show the sent copy');
    assert.match((await thread.lastMessage.textContent()) ?? '', /vince/i);
    await services.syncAccount(accountId);
    assert.equal(await thread.messages.count(), shown + 1, 'still once after another sync');
  });

  /** The loopback Dovecot and Postfix, as the rep would type them under "Server settings". */
  const localServers = () => ({
    host: servers.imap.host, security: 'TLS (port 993)', port: servers.imap.port,
    smtpHost: servers.smtp.host, smtpSecurity: 'STARTTLS (port 587)', smtpPort: servers.smtp.port,
  } as const);

  test('"Sign in with Microsoft 365 instead" signs in in the browser, connects over XOAUTH2 and stores no password', async () => {
    await settings.goto();
    assert.equal(await settings.signInImapInstead('Microsoft 365', localServers()), '', 'the dialog closes without an alert');
    await page.getByText(`Connected ${GRIGSBY.email}`).waitFor();
    assert.deepEqual(handoffs, ['auth/microsoft'], 'one mailbridge:// link, handed over by a second process');

    await settings.account(GRIGSBY.email).waitFor({ timeout: 15_000 });
    assert.equal(await settings.accountProvider(GRIGSBY.email), 'IMAP');
    const account = services.store.accounts.list().find((a) => a.email === GRIGSBY.email);
    assert.ok(account);
    assert.equal(account.provider, 'imap');
    const credentials = services.store.accounts.getTokens<ImapCredentials>(account.id)!;
    assert.equal(credentials.auth, 'microsoft');
    assert.equal(credentials.password, undefined, 'no password is kept');
    assert.ok(credentials.msalCache && credentials.homeAccountId);
    assert.deepEqual([credentials.host, credentials.port, credentials.user], [servers.imap.host, servers.imap.port, GRIGSBY.email]);
    assert.deepEqual(credentials.smtp, { host: servers.smtp.host, port: servers.smtp.port, security: 'starttls' });

    await syncedIdle(GRIGSBY.email);
    assert.equal(messagesOf(account.id), servers.imap.loaded[GRIGSBY.email]!.INBOX);
    const log = readFileSync(servers.imap.logPath, 'utf8');
    assert.match(log, /imap-login: Info: Login: user=<mike\.grigsby@enron\.test>, method=(OAUTHBEARER|XOAUTH2)/, 'Dovecot saw a token login');
    assert.doesNotMatch(log, /user=<mike\.grigsby@enron\.test>, method=(PLAIN|LOGIN)/, 'no password login');
    const inbox = new InboxPage(page);
    await inbox.goto();
    await inbox.waitForList();
    assert.equal(await inbox.total(), services.store.messages.stats().threads);
  });

  test('"Sign in with Google instead" signs in in the browser, connects over XOAUTH2 and stores no password', async () => {
    await settings.goto();
    assert.equal(await settings.signInImapInstead('Google', localServers()), '', 'the dialog closes without an alert');
    await page.getByText(`Connected ${NEAL.email}`).waitFor();

    await settings.account(NEAL.email).waitFor({ timeout: 15_000 });
    assert.equal(await settings.accountProvider(NEAL.email), 'IMAP');
    const account = services.store.accounts.list().find((a) => a.email === NEAL.email);
    assert.ok(account);
    const credentials = services.store.accounts.getTokens<ImapCredentials>(account.id)!;
    assert.equal(credentials.auth, 'google');
    assert.equal(credentials.password, undefined, 'no password is kept');
    assert.ok(credentials.google?.refreshToken);
    assert.deepEqual([credentials.host, credentials.port, credentials.user], [servers.imap.host, servers.imap.port, NEAL.email]);

    await syncedIdle(NEAL.email);
    assert.equal(messagesOf(account.id), servers.imap.loaded[NEAL.email]!.INBOX);
    assert.match(readFileSync(servers.imap.logPath, 'utf8'), /imap-login: Info: Login: user=<scott\.neal@enron\.test>, method=(OAUTHBEARER|XOAUTH2)/, 'Dovecot saw a token login');
  });
});
