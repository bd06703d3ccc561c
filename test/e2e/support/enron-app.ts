// The world the desktop-app specs run in: the Enron dasovich-j inbox behind the Gmail
// emulator, an identity provider, a HubSpot seeded with the inbox's most frequent outside
// correspondents, the real services on a fresh profile, and the built renderer in Chromium.
// Emulators listen on fixed ports so a spec can stop them ("offline") and bring them back.
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { IdentityEmulator, DEFAULT_TEST_USER } from '../../emulators/identity/identity-emulator.ts';
import { emulatedGoogleConfig } from '../../emulators/google-config.ts';
import { consentingBrowserOpener } from '../../emulators/identity/browser-consent.ts';
import { GmailEmulator } from '../../emulators/gmail/gmail-emulator.ts';
import { HubSpotEmulator, type HubSpotEmulatorSettings } from '../../emulators/crm/hubspot-emulator.ts';
import { seedContactsFromMailbox } from '../../emulators/crm/seed.ts';
import { emulatedHubSpotConfig } from '../../emulators/hubspot-config.ts';
import { launchChromium } from '../../support/chromium.ts';
import { buildRendererOnce } from '../../support/build.ts';
import { startRendererHarness, type RendererHarness } from '../../support/renderer-harness.ts';
import { openServices, type Services } from '../../../src-main/app/assemble.ts';
import type { ProfileConfigInput } from '../../../src-main/platform/profile-config.ts';
import { databaseOf } from '../../../src-main/store/profile-store.ts';
import { freePath } from '../../../src-main/mail/attachments/headless-desktop.ts';
import { freePort } from '../../support/free-port.ts';

export const ENRON_INBOX = join(import.meta.dirname, '../../../../shared/data/enron/maildir/dasovich-j/inbox');
export const ENRON_OWNER = DEFAULT_TEST_USER.email;
export const SEEDED_CONTACTS = 50;
/** Why a spec on the Enron inbox cannot run here, or false. */
export const SKIP_WITHOUT_ENRON = existsSync(ENRON_INBOX) ? false : `../shared/data is absent (${ENRON_INBOX}): the real-mail e2e cannot run`;
const SCREENSHOTS = join(import.meta.dirname, '../../../test-results');


export class EnronApp {
  readonly identity: IdentityEmulator;
  readonly gmail: GmailEmulator;
  readonly hubspot: HubSpotEmulator;
  readonly profileDir = mkdtempSync(join(tmpdir(), 'mailbridge-e2e-'));
  /** Where "Save" puts attachments, and the paths "Open" handed to the desktop. */
  readonly downloads = mkdtempSync(join(tmpdir(), 'mailbridge-e2e-downloads-'));
  readonly openedFiles: string[] = [];
  browser!: Browser;
  page!: Page;
  services!: Services;
  harness!: RendererHarness;
  config!: ProfileConfigInput;

  private constructor(hubspot: HubSpotEmulator, ports: { gmail: number }) {
    this.identity = new IdentityEmulator({ accessTokenTtlSeconds: 3600 });
    this.gmail = new GmailEmulator({
      mailbox: ENRON_INBOX,
      emailAddress: ENRON_OWNER,
      verifyAccessToken: this.identity.verifyAccessToken,
      settings: { quota: false },
      port: ports.gmail,
    });
    this.hubspot = hubspot;
  }

  /** Starts everything and opens the app in Chromium (no account connected yet). */
  static async start(options: { hubspotSettings?: Partial<HubSpotEmulatorSettings> } = {}): Promise<EnronApp> {
    await buildRendererOnce();
    const ports = { gmail: await freePort(), hubspot: await freePort() };
    const contacts = await seedContactsFromMailbox(ENRON_INBOX, { owner: ENRON_OWNER, count: SEEDED_CONTACTS, ownDomains: ['enron.com'] });
    const hubspot = new HubSpotEmulator({ contacts, port: ports.hubspot, ...(options.hubspotSettings ? { settings: options.hubspotSettings } : {}) });
    const app = new EnronApp(hubspot, ports);
    const endpoints = await app.identity.start();
    const { url: gmailUrl } = await app.gmail.start();
    const { url: hubspotUrl } = await app.hubspot.start();
    app.browser = await launchChromium();
    app.config = {
      google: emulatedGoogleConfig(endpoints, gmailUrl, { quotaUnitsPerSecond: null }),
      hubspot: emulatedHubSpotConfig(hubspotUrl),
    };
    await app.openApp();
    return app;
  }

  /** Opens the services on the profile (as the app does at start) and the renderer in a fresh page. */
  async openApp(): Promise<void> {
    this.services = await openServices({
      profileDir: this.profileDir,
      config: this.config,
      openBrowser: consentingBrowserOpener(this.browser),
      reconnectProbeMs: 1_000,
      desktop: {
        openPath: async (path) => {
          this.openedFiles.push(path);
        },
        chooseSavePath: async (fileName) => freePath(this.downloads, fileName),
      },
    });
    this.harness = await startRendererHarness(this.services);
    this.page = await this.browser.newPage({ viewport: { width: 1360, height: 860 } });
    await this.page.goto(this.harness.signInUrl());
  }

  /** Saves test-results/NAME-THEME.png of the page as it is; resolves to its path. */
  async screenshot(name: string): Promise<string> {
    mkdirSync(SCREENSHOTS, { recursive: true });
    const theme = (await this.page.locator('html').getAttribute('data-theme')) ?? 'light';
    const path = join(SCREENSHOTS, `${name}-${theme}.png`);
    await this.page.screenshot({ path });
    return path;
  }

  /** Quits the app (page, renderer server, services) as a rep closing it would. */
  async quitApp(): Promise<void> {
    await this.page.close();
    await this.harness.close();
    await this.services.close();
  }

  /** Stops every emulator: the network is gone. */
  async goOffline(): Promise<void> {
    await this.hubspot.stop();
    await this.gmail.stop();
    await this.identity.stop();
  }

  /** HubSpot answers again, on the same address and with the same data. */
  async crmBack(): Promise<void> {
    await this.hubspot.start();
  }

  /** Connects Gmail (OAuth in Chromium), runs the full sync, connects HubSpot and matches contacts. */
  async connectAndSync(): Promise<number> {
    const account = await this.services.connectGmail({ openBrowser: consentingBrowserOpener(this.browser), timeoutMs: 60_000 });
    await this.services.syncAccount(account.id);
    await this.services.crm.connect(this.hubspot.accessToken);
    await this.services.crm.matchContacts();
    return account.id;
  }

  /** Scrolls the inbox to the thread's row (its position in the unfiltered list) and opens it. */
  async openThread(threadId: number): Promise<void> {
    const position = databaseOf(this.services.store)
      .prepare<[number], number>(
        `SELECT count(*) FROM threads t, threads x WHERE x.id = ?
         AND (t.last_message_at > x.last_message_at OR (t.last_message_at = x.last_message_at AND t.id > x.id))`,
      )
      .pluck()
      .get(threadId)!;
    const list = this.page.getByRole('listbox', { name: 'Threads' });
    await list.evaluate((element, index) => {
      const row = element.querySelector('[role="option"]');
      element.scrollTop = Math.max(0, index - 2) * (row?.getBoundingClientRect().height ?? 76);
    }, position);
    await list.locator(`[role="option"][data-thread-id="${threadId}"]`).click();
    await this.page.locator(`section[aria-label="Thread"][data-thread-id="${threadId}"] article`).first().waitFor();
  }

  /**
   * Messages whose From is a CRM contact, newest first; only threads whose subject no other
   * thread has, so a spec can open them by subject.
   */
  contactMessages(): Array<{ id: number; threadId: number; subject: string; from: string }> {
    return databaseOf(this.services.store)
      .prepare<[], { id: number; threadId: number; subject: string; from: string }>(
        `SELECT m.id, m.thread_id AS threadId, t.subject, m.from_address AS "from" FROM messages m
         JOIN threads t ON t.id = m.thread_id
         JOIN contacts c ON c.email = m.from_address
         WHERE t.subject <> '' AND (SELECT count(*) FROM threads o WHERE o.subject = t.subject) = 1
         ORDER BY m.received_at DESC`,
      )
      .all();
  }

  async close(): Promise<void> {
    await this.browser?.close();
    await this.harness?.close();
    await this.services?.close();
    await this.hubspot.stop();
    await this.gmail.stop();
    await this.identity.stop();
    rmSync(this.profileDir, { recursive: true, force: true });
    rmSync(this.downloads, { recursive: true, force: true });
  }
}
