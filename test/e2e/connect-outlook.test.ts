// Settings → "Connect Outlook" in the app: msal's sign-in opens in the browser, the
// identity provider redirects to mailbridge://auth/microsoft, and — as the OS would — a
// second `mailbridge <url>` process hands the link to the running app, which completes the
// sign-in and syncs the mailbox from the Graph emulator into the inbox.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { IdentityEmulator, DEFAULT_TEST_USER } from '../emulators/identity/identity-emulator.ts';
import { deepLinkBrowserOpener } from '../emulators/identity/browser-consent.ts';
import { GraphEmulator } from '../emulators/graph/graph-emulator.ts';
import { emulatedMicrosoftConfig } from '../emulators/microsoft-config.ts';
import { launchChromium } from '../support/chromium.ts';
import { buildRendererOnce } from '../support/build.ts';
import { startRendererHarness, type RendererHarness } from '../support/renderer-harness.ts';
import { openServices, type Services } from '../../src-main/app/assemble.ts';
import { listenForDeepLinks, type InstanceListener } from '../../src-main/platform/single-instance.ts';
import { generateSampleMailbox } from '../../scripts/sample-mailbox.ts';
import { InboxPage, SettingsPage } from './pages/index.ts';

const BIN = join(import.meta.dirname, '../../bin/mailbridge.js');

describe('Connect Outlook from Settings', () => {
  let work: string;
  const identity = new IdentityEmulator();
  let graph: GraphEmulator;
  let browser: Browser;
  let services: Services;
  let listener: InstanceListener;
  let harness: RendererHarness;
  let page: Page;
  const handoffs: string[] = [];

  before(async () => {
    await buildRendererOnce();
    work = mkdtempSync(join(tmpdir(), 'mailbridge-outlook-'));
    const written = await generateSampleMailbox({ dir: join(work, 'mailbox'), threads: 30 });
    assert.ok(written > 30);
    const endpoints = await identity.start();
    graph = new GraphEmulator({ mailbox: join(work, 'mailbox'), verifyAccessToken: identity.verifyAccessToken });
    const { url } = await graph.start();
    browser = await launchChromium();
    const profileDir = join(work, 'profile');
    services = await openServices({
      profileDir,
      config: { microsoft: emulatedMicrosoftConfig(endpoints, `${url}/v1.0`) },
      openBrowser: deepLinkBrowserOpener(browser, {
        onDeepLink: async (link) => {
          // What the OS does with a registered scheme: start the app again with the URL.
          await promisify(execFile)(process.execPath, [BIN, '--profile', profileDir, link]);
          handoffs.push(`${new URL(link).host}${new URL(link).pathname}`);
        },
      }),
    });
    listener = await listenForDeepLinks(profileDir, (link) => services.handleDeepLink(link));
    harness = await startRendererHarness(services);
    page = await browser.newPage({ viewport: { width: 1360, height: 860 } });
    await page.goto(harness.signInUrl());
  });

  after(async () => {
    await browser?.close();
    await harness?.close();
    await listener?.close();
    await services?.close();
    await graph?.stop();
    await identity.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  test('the sign-in completes through the deep link and the mailbox syncs into the inbox', async () => {
    const settings = new SettingsPage(page);
    await settings.goto();
    await settings.connectOutlook();
    await settings.account(DEFAULT_TEST_USER.email).waitFor({ timeout: 60_000 });
    await page.waitForFunction(
      (email) => document.querySelector(`[aria-label="${email}"]`)?.getAttribute('data-sync-state') === 'idle',
      DEFAULT_TEST_USER.email,
      { timeout: 60_000 },
    );
    assert.deepEqual(handoffs, ['auth/microsoft'], 'one mailbridge:// link, handed over by a second process');
    const account = services.store.accounts.list().find((a) => a.provider === 'microsoft');
    assert.equal(account?.email, DEFAULT_TEST_USER.email);
    assert.equal(services.store.messages.stats().messages, graph.folder('inbox')!.messages.size);
    const inbox = new InboxPage(page);
    await inbox.goto();
    await inbox.waitForList();
    assert.equal(await inbox.total(), services.store.messages.stats().threads);
  });
});
