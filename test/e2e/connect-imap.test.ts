// Settings → "Connect IMAP" (also offered by the first-run screen) in the app against a real
// Dovecot on loopback with the run's CA and implicit TLS: a wrong password is refused in words
// inside the form, which keeps what was typed, focuses the password and stores nothing; an
// outgoing server that does not answer is refused after the IMAP sign-in, with focus on the SMTP
// server; with "No outgoing server (read only)" the right password lists the account as IMAP
// without sending, and its sync fills the inbox with every kaminski-v message once. The test
// Dovecot has no SMTP beside it (and enron.test has no SRV records), so every connecting try
// names the outgoing server or ticks "No outgoing server". axe checks the open form.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { startDovecot, type DovecotServer } from '../support/dovecot.ts';
import { countCorpusFiles } from '../support/maildir-load.ts';
import { launchChromium } from '../support/chromium.ts';
import { buildRendererOnce } from '../support/build.ts';
import { startRendererHarness, type RendererHarness } from '../support/renderer-harness.ts';
import { openServices, type Services } from '../../src-main/app/assemble.ts';
import { axeViolations } from './support/axe.ts';
import { InboxPage, SettingsPage } from './pages/index.ts';
import type { ImapForm } from './pages/settings-page.ts';

const INBOX = join(import.meta.dirname, '../../../shared/data/enron/maildir/kaminski-v/inbox');
const skip = !existsSync('/usr/sbin/dovecot')
  ? 'Dovecot is not installed: run through `scripts/toolchain.sh --with-system-packages`'
  : !existsSync(INBOX)
    ? `../shared/data is absent (${INBOX})`
    : false;
// A user name that is not the address, so the form's "User name" is what signs in.
const VINCE = { email: 'vince.kaminski@enron.test', user: 'vkaminski', password: 'research group 2001' };

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
