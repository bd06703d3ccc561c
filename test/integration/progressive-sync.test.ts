// A first sync that a rep can use while it runs (issue 9), for Gmail and for Outlook: the
// inbox fills batch by batch, newest mail first, with mail:changed after commits (throttled);
// quitting mid-sync and starting again continues where it stopped, fetching no message twice
// (the emulators count every messages.get / $value).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { IdentityEmulator, DEFAULT_TEST_USER, type IdentityEndpoints } from '../emulators/identity/identity-emulator.ts';
import { emulatedGoogleConfig } from '../emulators/google-config.ts';
import { emulatedMicrosoftConfig } from '../emulators/microsoft-config.ts';
import { consentingBrowserOpener } from '../emulators/identity/browser-consent.ts';
import { GmailEmulator } from '../emulators/gmail/gmail-emulator.ts';
import { GraphEmulator } from '../emulators/graph/graph-emulator.ts';
import { launchChromium } from '../support/chromium.ts';
import { openServices, type OpenServicesOptions, type Services } from '../../src-main/app/assemble.ts';
import type { ProfileConfigInput } from '../../src-main/platform/profile-config.ts';
import { databaseOf } from '../../src-main/store/profile-store.ts';

const MAILDIR = join(import.meta.dirname, '../../../shared/data/enron/maildir');
const skip = existsSync(MAILDIR) ? false : `../shared/data is absent (${MAILDIR}): the real-mail acceptance test cannot run`;

/** One provider's side of the scenario: its emulator, its paced config, its sign-in. */
interface Provider {
  start(identity: IdentityEmulator, endpoints: IdentityEndpoints): Promise<{ config: ProfileConfigInput; total: number }>;
  connect(services: Services, browser: Browser): Promise<number>;
  /** Raw messages served so far (messages.get / $value). */
  fetches(): number;
  stop(): Promise<void>;
}

/** What the inbox showed when a mail:changed event arrived. */
interface Look {
  messages: number;
  newestAt: number;
}

function gmailProvider(): Provider {
  let gmail: GmailEmulator;
  return {
    async start(identity, endpoints) {
      gmail = new GmailEmulator({ mailbox: join(MAILDIR, 'dasovich-j/inbox'), emailAddress: DEFAULT_TEST_USER.email, verifyAccessToken: identity.verifyAccessToken, settings: { quota: false } });
      const { url } = await gmail.start();
      // Paced at 1,000 quota units/s (200 messages.get/s): about 7 s, several batches.
      return { config: { google: emulatedGoogleConfig(endpoints, url, { quotaUnitsPerSecond: 1_000 }) }, total: 1_393 };
    },
    connect: async (services, browser) => (await services.connectGmail({ openBrowser: consentingBrowserOpener(browser), timeoutMs: 60_000 })).id,
    fetches: () => gmail.stats().requests['gmail.users.messages.get'] ?? 0,
    stop: () => gmail.stop(),
  };
}

function graphProvider(): Provider {
  let graph: GraphEmulator;
  return {
    async start(identity, endpoints) {
      graph = new GraphEmulator({ mailbox: join(MAILDIR, 'kaminski-v/inbox'), verifyAccessToken: identity.verifyAccessToken, settings: { concurrencyLimit: true } });
      const { url } = await graph.start();
      // Paced at 200 requests/s: several batches of $value fetches, a few seconds in all.
      const microsoft = emulatedMicrosoftConfig(endpoints, `${url}/v1.0`, { requestsPer10Minutes: 200, requestWindowMs: 1_000 });
      return { config: { microsoft }, total: graph.folder('inbox')!.messages.size };
    },
    connect: async (services, browser) =>
      (await services.connectMicrosoft({ loopback: true, openBrowser: consentingBrowserOpener(browser), timeoutMs: 60_000 })).id,
    fetches: () => graph.stats().requests['messages.value'] ?? 0,
    stop: () => graph.stop(),
  };
}

for (const [name, provider] of [['Gmail (dasovich-j)', gmailProvider()], ['Outlook (kaminski-v)', graphProvider()]] as const) {
  describe(`progressive ${name} first sync`, { skip }, () => {
    let identity: IdentityEmulator;
    let browser: Browser;
    let options: OpenServicesOptions;
    let services: Services;
    let profileDir: string;
    let accountId: number;
    let total: number;
    const looks: Look[] = [];

    const watchInbox = (s: Services) =>
      s.onEvent((event) => {
        if (event.name !== 'mail:changed') return;
        const page = s.store.inbox.page({}, 0, 50);
        looks.push({ messages: s.store.messages.stats().messages, newestAt: page.threads[0]?.lastMessageAt ?? 0 });
      });

    before(async () => {
      identity = new IdentityEmulator({ accessTokenTtlSeconds: 3600 });
      const endpoints = await identity.start();
      const started = await provider.start(identity, endpoints);
      total = started.total;
      browser = await launchChromium();
      profileDir = mkdtempSync(join(tmpdir(), 'mailbridge-progressive-'));
      options = { profileDir, config: started.config };
      services = await openServices(options);
      accountId = await provider.connect(services, browser);
    });

    after(async () => {
      await services?.close();
      await browser?.close();
      await provider.stop();
      await identity?.stop();
      if (profileDir) rmSync(profileDir, { recursive: true, force: true });
    });

    test('the inbox shows the newest mail while it runs, and a restart fetches nothing twice', async () => {
      const unwatch = watchInbox(services);
      const firstRun = services.syncAccount(accountId).then(() => 'finished', () => 'stopped');
      // Quit as a rep would, once a couple of batches are in.
      while (looks.length < 2) await new Promise((resolve) => setTimeout(resolve, 50));
      unwatch();
      await services.close();
      assert.equal(await firstRun, 'stopped', 'the first run was stopped mid-sync');
      const early = looks[0]!;
      assert.ok(early.messages > 0 && early.messages < total, `rows were readable mid-sync (${early.messages} of ${total})`);

      services = await openServices(options);
      const partial = services.store.messages.stats().messages;
      assert.ok(partial >= looks.at(-1)!.messages && partial < total, `what was fetched before quitting was kept (${partial})`);
      await services.syncAccount(accountId);

      assert.equal(services.store.messages.stats().messages, total, 'every message stored');
      const duplicates = databaseOf(services.store)
        .prepare('SELECT count(*) FROM (SELECT provider_message_id FROM messages GROUP BY provider_message_id HAVING count(*) > 1)')
        .pluck()
        .get();
      assert.equal(duplicates, 0, 'every message exactly once');
      assert.equal(provider.fetches(), total, 'no message fetched twice across the stop and the restart');

      // Newest first: the first rows shown mid-sync already hold the mailbox's newest mail.
      const newest = services.store.inbox.page({}, 0, 1).threads[0]!.lastMessageAt;
      assert.equal(early.newestAt, newest, 'the first batch shown carried the newest thread');
    });
  });
}
