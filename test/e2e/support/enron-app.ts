// The world the desktop-app specs run in: the Enron dasovich-j inbox behind the Gmail
// emulator, an identity provider, a HubSpot seeded with the inbox's most frequent outside
// correspondents, the real services on a fresh profile, and the built renderer in Chromium.
// With `allCrms`, HubSpot also holds companies and deals, and a Pipedrive and a Salesforce
// seeded from the same correspondents stand beside it (Salesforce signs in through the
// identity emulator), so a spec can choose any of the three in Settings.
// Emulators listen again on the port they first bound, so a spec can stop them ("offline")
// and bring them back at the same address.
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
import { seedCompaniesAndDeals } from '../../emulators/crm/seed.ts';
import { PipedriveEmulator } from '../../emulators/pipedrive/pipedrive-emulator.ts';
import { pipedriveSeedFromContacts } from '../../emulators/pipedrive/seed.ts';
import { emulatedPipedriveConfig } from '../../emulators/pipedrive-config.ts';
import { SalesforceEmulator } from '../../emulators/salesforce/salesforce-emulator.ts';
import { seedSalesforceOrgFromMailbox } from '../../emulators/salesforce/seed.ts';
import { emulatedSalesforceConfig } from '../../emulators/salesforce-config.ts';
import { hubSpotWorld, pipedriveWorld, salesforceWorld, type CrmWorld } from '../../support/crm-worlds.ts';
import type { CrmKind } from '../../../src-main/crm/types.ts';
import { launchChromium } from '../../support/chromium.ts';
import { buildRendererOnce } from '../../support/build.ts';
import { startRendererHarness, type RendererHarness } from '../../support/renderer-harness.ts';
import { openServices, type Services } from '../../../src-main/app/assemble.ts';
import type { ProfileConfigInput } from '../../../src-main/platform/profile-config.ts';
import { databaseOf } from '../../../src-main/store/profile-store.ts';
import { freePath } from '../../../src-main/mail/attachments/headless-desktop.ts';

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
  pipedrive: PipedriveEmulator | null = null;
  salesforce: SalesforceEmulator | null = null;
  /** One face over each CRM emulator that runs (HubSpot always; the others with allCrms). */
  readonly worlds: Partial<Record<CrmKind, CrmWorld>> = {};
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
  static async start(options: { hubspotSettings?: Partial<HubSpotEmulatorSettings>; allCrms?: boolean } = {}): Promise<EnronApp> {
    await buildRendererOnce();
    const ports = { gmail: 0, hubspot: 0 };
    const seed = { owner: ENRON_OWNER, count: SEEDED_CONTACTS, ownDomains: ['enron.com'] };
    const contacts = await seedContactsFromMailbox(ENRON_INBOX, seed);
    const hubspot = new HubSpotEmulator({
      contacts,
      port: ports.hubspot,
      ...(options.allCrms ? seedCompaniesAndDeals(contacts) : {}),
      ...(options.hubspotSettings ? { settings: options.hubspotSettings } : {}),
    });
    const app = new EnronApp(hubspot, ports);
    app.worlds.hubspot = hubSpotWorld(hubspot);
    // A start that fails half-way stops what it started, so the test process can end.
    try {
      const endpoints = await app.identity.start();
      const { url: gmailUrl } = await app.gmail.start();
      const { url: hubspotUrl } = await app.hubspot.start();
      app.browser = await launchChromium();
      app.config = {
        google: emulatedGoogleConfig(endpoints, gmailUrl, { quotaUnitsPerSecond: null }),
        hubspot: emulatedHubSpotConfig(hubspotUrl),
      };
      if (options.allCrms) {
        app.pipedrive = new PipedriveEmulator({ persons: pipedriveSeedFromContacts(contacts) });
        app.salesforce = new SalesforceEmulator({
          org: await seedSalesforceOrgFromMailbox(ENRON_INBOX, seed),
          // Sessions are the identity emulator's access tokens, as an org's are its login server's.
          verifyAccessToken: app.identity.verifyAccessToken,
        });
        app.worlds.pipedrive = pipedriveWorld(app.pipedrive);
        app.worlds.salesforce = salesforceWorld(app.salesforce);
        const { url: pipedriveUrl } = await app.pipedrive.start();
        const { url: salesforceUrl } = await app.salesforce.start();
        // The token answer names the org's instance_url: this emulator.
        app.identity.salesforceInstanceUrl = salesforceUrl;
        app.config.pipedrive = emulatedPipedriveConfig(pipedriveUrl);
        app.config.salesforce = emulatedSalesforceConfig(endpoints.salesforceLoginUrl);
      }
      await app.openApp();
    } catch (error) {
      await app.close().catch(() => {});
      throw error;
    }
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
    await this.pipedrive?.stop();
    await this.salesforce?.stop();
    await this.gmail.stop();
    await this.identity.stop();
  }

  /** HubSpot answers again, on the same address and with the same data. */
  async crmBack(): Promise<void> {
    await this.hubspot.start();
  }

  /** Connects Gmail (OAuth in Chromium), runs the full sync, connects HubSpot and matches contacts. */
  async connectAndSync(): Promise<number> {
    const accountId = await this.connectMail();
    await this.services.crm.connect(this.hubspot.accessToken);
    await this.services.crm.matchContacts();
    return accountId;
  }

  /** Connects Gmail (OAuth in Chromium) and runs the full sync; no CRM. */
  async connectMail(): Promise<number> {
    const account = await this.services.connectGmail({ openBrowser: consentingBrowserOpener(this.browser), timeoutMs: 60_000 });
    await this.services.syncAccount(account.id);
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
   * Messages whose From is a CRM contact (of `crm`, default any), newest first; only threads
   * whose subject no other thread has, so a spec can open them by subject.
   */
  contactMessages(crm: CrmKind | null = null): Array<{ id: number; threadId: number; subject: string; from: string }> {
    return databaseOf(this.services.store)
      .prepare<[CrmKind | null, CrmKind | null], { id: number; threadId: number; subject: string; from: string }>(
        `SELECT DISTINCT m.id, m.thread_id AS threadId, t.subject, m.from_address AS "from" FROM messages m
         JOIN threads t ON t.id = m.thread_id
         JOIN contacts c ON c.email = m.from_address AND (? IS NULL OR c.crm = ?)
         WHERE t.subject <> '' AND (SELECT count(*) FROM threads o WHERE o.subject = t.subject) = 1
         ORDER BY m.received_at DESC`,
      )
      .all(crm, crm);
  }

  /**
   * Messages from outside senders no CRM contact has (not the owner's company), newest first,
   * one per sender, in threads of a unique subject.
   */
  strangerMessages(): Array<{ id: number; threadId: number; subject: string; from: string }> {
    return databaseOf(this.services.store)
      .prepare<[], { id: number; threadId: number; subject: string; from: string }>(
        `SELECT m.id, m.thread_id AS threadId, t.subject, m.from_address AS "from" FROM messages m
         JOIN threads t ON t.id = m.thread_id
         WHERE m.from_address NOT LIKE '%@enron.com' AND m.from_address LIKE '%@%.%'
           AND NOT EXISTS (SELECT 1 FROM contacts c WHERE c.email = m.from_address)
           AND t.subject <> '' AND (SELECT count(*) FROM threads o WHERE o.subject = t.subject) = 1
         GROUP BY m.from_address ORDER BY max(m.received_at) DESC`,
      )
      .all();
  }

  async close(): Promise<void> {
    await this.browser?.close();
    await this.harness?.close();
    await this.services?.close();
    await this.hubspot.stop();
    await this.pipedrive?.stop();
    await this.salesforce?.stop();
    await this.gmail.stop();
    await this.identity.stop();
    rmSync(this.profileDir, { recursive: true, force: true });
    rmSync(this.downloads, { recursive: true, force: true });
  }
}
