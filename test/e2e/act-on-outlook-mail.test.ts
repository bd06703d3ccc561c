// Replying from the app to Outlook mail (kaminski-v from the Graph emulator), end to end in
// Chromium: the reply leaves once through Graph's MIME sendMail into the replied conversation
// with In-Reply-To and References, its Sent Items copy syncs into the thread once, and HubSpot
// holds exactly one outgoing email for it, associated with the contact.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import PostalMime from 'postal-mime';
import { IdentityEmulator } from '../emulators/identity/identity-emulator.ts';
import { consentingBrowserOpener } from '../emulators/identity/browser-consent.ts';
import { GraphEmulator } from '../emulators/graph/graph-emulator.ts';
import { emulatedMicrosoftConfig } from '../emulators/microsoft-config.ts';
import { HubSpotEmulator } from '../emulators/crm/hubspot-emulator.ts';
import { emulatedHubSpotConfig } from '../emulators/hubspot-config.ts';
import { launchChromium } from '../support/chromium.ts';
import { buildRendererOnce } from '../support/build.ts';
import { startRendererHarness, type RendererHarness } from '../support/renderer-harness.ts';
import { openServices, type Services } from '../../src-main/app/assemble.ts';
import { databaseOf } from '../../src-main/store/profile-store.ts';
import { ComposePage, InboxPage, ThreadPage } from './pages/index.ts';

const INBOX = join(import.meta.dirname, '../../../shared/data/enron/maildir/kaminski-v/inbox');
const skip = existsSync(INBOX) ? false : `../shared/data is absent (${INBOX}): the real-mail e2e cannot run`;

async function until(predicate: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('replying to Outlook mail in the app (kaminski-v)', { skip }, () => {
  const identity = new IdentityEmulator({ accessTokenTtlSeconds: 3600 });
  let graph: GraphEmulator;
  let hubspot: HubSpotEmulator;
  let browser: Browser;
  let services: Services;
  let harness: RendererHarness;
  let page: Page;
  let profileDir: string;
  let target: { threadId: number; messageId: number; providerId: string; header: string; from: string };

  before(async () => {
    await buildRendererOnce();
    const endpoints = await identity.start();
    graph = new GraphEmulator({ mailbox: INBOX, verifyAccessToken: identity.verifyAccessToken });
    const { url } = await graph.start();
    hubspot = new HubSpotEmulator();
    const { url: hubspotUrl } = await hubspot.start();
    browser = await launchChromium();
    profileDir = mkdtempSync(join(tmpdir(), 'mailbridge-outlook-act-'));
    services = await openServices({
      profileDir,
      config: { microsoft: emulatedMicrosoftConfig(endpoints, `${url}/v1.0`, { requestsPer10Minutes: null }), hubspot: emulatedHubSpotConfig(hubspotUrl) },
      reconnectProbeMs: 1_000,
    });
    services.settings.set({ undoSendSeconds: 0, autoLogKnownContacts: true });
    const account = await services.connectMicrosoft({ loopback: true, openBrowser: consentingBrowserOpener(browser), timeoutMs: 60_000 });
    await services.syncAccount(account.id);
    target = databaseOf(services.store)
      .prepare(
        `SELECT t.id AS threadId, m.id AS messageId, m.provider_message_id AS providerId, m.message_id_header AS header, m.from_address AS "from"
           FROM threads t JOIN messages m ON m.id = (SELECT id FROM messages WHERE thread_id = t.id ORDER BY received_at DESC, id DESC LIMIT 1)
          WHERE m.message_id_header IS NOT NULL AND m.from_address LIKE '%@%' AND m.from_address != ? AND t.subject <> ''
            AND (SELECT count(*) FROM threads o WHERE o.subject = t.subject) = 1
          ORDER BY t.last_message_at DESC LIMIT 1`,
      )
      .get(account.email) as typeof target;
    hubspot.addContact({ email: target.from, firstname: 'Kaminski', lastname: 'Correspondent' });
    await services.crm.connect(hubspot.accessToken);
    await services.crm.matchContacts();
    harness = await startRendererHarness(services);
    page = await browser.newPage({ viewport: { width: 1360, height: 860 } });
    await page.goto(harness.signInUrl());
    await new InboxPage(page).waitForList();
  });

  after(async () => {
    await browser?.close();
    await harness?.close();
    await services?.close();
    await hubspot?.stop();
    await graph?.stop();
    await identity.stop();
    if (profileDir) rmSync(profileDir, { recursive: true, force: true });
  });

  test('r, a few words, Send: one message through Graph into the conversation, synced back once, logged once', async () => {
    await page.locator(`[role="option"][data-thread-id="${target.threadId}"]`).click();
    await page.locator(`section[aria-label="Thread"][data-thread-id="${target.threadId}"] article`).first().waitFor();
    const thread = new ThreadPage(page);
    const shown = await thread.messages.count();
    const compose = new ComposePage(page);
    await page.keyboard.press('r');
    await compose.waitOpen();
    assert.deepEqual(await compose.recipients('To'), [target.from]);
    await compose.write('Vince will send the model on Monday.');
    await compose.saved();
    await page.keyboard.press('Control+Enter');

    await until(() => graph.sentMessages().length === 1, 'Graph to receive the reply');
    const sent = graph.sentMessages()[0]!;
    assert.equal(sent.conversationId, graph.messageState(target.providerId)!.conversationId, 'in the replied conversation');
    assert.equal(sent.folder, 'sentitems');
    const email = await PostalMime.parse(sent.raw);
    assert.equal(email.inReplyTo, `<${target.header}>`);
    assert.ok(email.references?.includes(`<${target.header}>`));
    const header = sent.internetMessageId!.replace(/^<|>$/g, '');
    assert.equal(graph.sendCount(header), 1);

    const copies = () => databaseOf(services.store).prepare('SELECT thread_id FROM messages WHERE message_id_header = ?').pluck().all(header);
    await until(() => copies().length === 1, 'the Sent Items copy to sync back');
    assert.deepEqual(copies(), [target.threadId]);
    await until(async () => (await thread.messages.count()) === shown + 1, 'the thread to show it');

    await until(() => hubspot.emails().length === 1, 'HubSpot to hold the logged reply');
    await services.crm.whenIdle();
    const [logged] = hubspot.emails();
    assert.equal(hubspot.emails().length, 1);
    assert.equal(logged!.properties.hs_email_direction, 'EMAIL');
    const contactId = hubspot.contacts().find((c) => c.properties.email === target.from)!.id;
    assert.deepEqual(logged!.contactIds, [contactId], 'associated with the contact');
  });
});
