// Acting on mail end to end through the real client libraries, for Gmail (dasovich-j) and
// Outlook (kaminski-v): a reply leaves once from the rep's address into the right conversation
// with In-Reply-To and References, comes back through sync once, and is logged to HubSpot once
// as an outgoing email; read, star and archive made offline reach the provider once and
// survive the next sync; a message sent offline survives a restart and leaves once; a send
// whose answer is lost is found by its Message-ID instead of being sent again.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import PostalMime from 'postal-mime';
import { IdentityEmulator, DEFAULT_TEST_USER, type IdentityEndpoints } from '../emulators/identity/identity-emulator.ts';
import { emulatedGoogleConfig } from '../emulators/google-config.ts';
import { emulatedMicrosoftConfig } from '../emulators/microsoft-config.ts';
import { emulatedHubSpotConfig, EMULATED_HUBSPOT_TOKEN } from '../emulators/hubspot-config.ts';
import { consentingBrowserOpener } from '../emulators/identity/browser-consent.ts';
import { GmailEmulator } from '../emulators/gmail/gmail-emulator.ts';
import { GraphEmulator } from '../emulators/graph/graph-emulator.ts';
import { HubSpotEmulator } from '../emulators/crm/hubspot-emulator.ts';
import { launchChromium } from '../support/chromium.ts';
import { openServices, type OpenServicesOptions, type Services } from '../../src-main/app/assemble.ts';
import type { ProfileConfigInput } from '../../src-main/platform/profile-config.ts';
import { databaseOf } from '../../src-main/store/profile-store.ts';
import type { MailAction } from '../../src-preload/contract/index.ts';
import { until } from '../support/until.ts';

const MAILDIR = join(import.meta.dirname, '../../../shared/data/enron/maildir');
const skip = existsSync(MAILDIR) ? false : `../shared/data is absent (${MAILDIR}): the real-mail acceptance test cannot run`;

/** What the scenario needs of one provider's emulator. */
interface Provider {
  start(identity: IdentityEmulator, endpoints: IdentityEndpoints, port: number): Promise<ProfileConfigInput>;
  connect(services: Services, browser: Browser): Promise<number>;
  stop(): Promise<void>;
  restart(): Promise<void>;
  sendCount(messageId: string): number;
  /** The raw MIME and the conversation key (Gmail threadId, Graph conversationId) the provider stored. */
  sent(messageId: string): { raw: Buffer; conversation: string } | undefined;
  /** The provider's conversation key of a stored message. */
  conversationOf(providerMessageId: string): string;
  state(providerMessageId: string): { read: boolean; starred: boolean; inInbox: boolean };
  dropNextSendAnswer(): void;
}

function gmailProvider(): Provider {
  let gmail: GmailEmulator;
  return {
    async start(identity, endpoints, port) {
      gmail = new GmailEmulator({ mailbox: join(MAILDIR, 'dasovich-j/inbox'), emailAddress: DEFAULT_TEST_USER.email, verifyAccessToken: identity.verifyAccessToken, settings: { quota: false }, port });
      const { url } = await gmail.start();
      return { google: emulatedGoogleConfig(endpoints, url, { quotaUnitsPerSecond: null }) };
    },
    connect: async (services, browser) => (await services.connectGmail({ openBrowser: consentingBrowserOpener(browser), timeoutMs: 60_000 })).id,
    stop: () => gmail.stop(),
    restart: async () => void (await gmail.start()),
    sendCount: (id) => gmail.sendCount(id),
    sent(id) {
      const found = gmail.sentMessages().find((m) => m.messageId?.replace(/^<|>$/g, '') === id);
      return found && { raw: found.raw, conversation: found.threadId };
    },
    conversationOf: (id) => gmail.messageState(id)!.threadId,
    state(id) {
      const labels = gmail.messageState(id)!.labelIds;
      return { read: !labels.includes('UNREAD'), starred: labels.includes('STARRED'), inInbox: labels.includes('INBOX') };
    },
    dropNextSendAnswer: () => gmail.faults.commitThenDropNext(1),
  };
}

function graphProvider(): Provider {
  let graph: GraphEmulator;
  return {
    async start(identity, endpoints, port) {
      graph = new GraphEmulator({ mailbox: join(MAILDIR, 'kaminski-v/inbox'), verifyAccessToken: identity.verifyAccessToken, port });
      const { url } = await graph.start();
      return { microsoft: emulatedMicrosoftConfig(endpoints, `${url}/v1.0`, { requestsPer10Minutes: null }) };
    },
    connect: async (services, browser) =>
      (await services.connectMicrosoft({ loopback: true, openBrowser: consentingBrowserOpener(browser), timeoutMs: 60_000 })).id,
    stop: () => graph.stop(),
    restart: async () => void (await graph.start()),
    sendCount: (id) => graph.sendCount(id),
    sent(id) {
      const found = graph.sentMessages().find((m) => m.internetMessageId === `<${id}>`);
      return found && { raw: found.raw, conversation: found.conversationId ?? '' };
    },
    conversationOf: (id) => graph.messageState(id)!.conversationId,
    state(id) {
      const m = graph.messageState(id)!;
      return { read: m.isRead, starred: m.flag.flagStatus === 'flagged', inInbox: m.folder === 'inbox' };
    },
    dropNextSendAnswer: () => graph.faults.commitThenDropNext(1),
  };
}



for (const [name, provider] of [['Gmail (dasovich-j)', gmailProvider()], ['Outlook (kaminski-v)', graphProvider()]] as const) {
  describe(`acting on ${name} mail`, { skip }, () => {
    let identity: IdentityEmulator;
    let hubspot: HubSpotEmulator;
    let browser: Browser;
    let options: OpenServicesOptions;
    let services: Services;
    let profileDir: string;
    let accountId: number;
    /** The newest conversation whose newest message came from someone else, and that message. */
    let target: { threadId: number; messageId: number; sender: string; providerId: string; header: string };

    const db = () => databaseOf(services.store);
    const sendState = (id: number) => services.store.sendOutbox.get(id)?.state;
    const copiesOf = (header: string) =>
      db().prepare('SELECT count(*) FROM messages WHERE account_id = ? AND message_id_header = ?').pluck().get(accountId, header) as number;

    async function write(mode: 'reply' | 'new', to?: string) {
      const draft = await services.handlers['drafts:create'](mode === 'reply' ? { mode, messageId: target.messageId } : { mode, accountId });
      const saved = await services.handlers['drafts:save']({
        draftId: draft.id,
        html: `<p>Sent by the ${mode} test</p>`,
        logToCrm: mode === 'reply',
        ...(to ? { to: [{ address: to, name: '' }], subject: `New message to ${to}` } : {}),
      });
      return services.handlers['send:queue']({ draftId: saved.id });
    }

    before(async () => {
      identity = new IdentityEmulator({ accessTokenTtlSeconds: 3600 });
      const endpoints = await identity.start();
      const config = await provider.start(identity, endpoints, 0);
      browser = await launchChromium();
      profileDir = mkdtempSync(join(tmpdir(), 'mailbridge-act-'));
      hubspot = new HubSpotEmulator();
      const { url: hubspotUrl } = await hubspot.start();
      options = { profileDir, config: { ...config, hubspot: emulatedHubSpotConfig(hubspotUrl) }, reconnectProbeMs: 500 };
      services = await openServices(options);
      services.settings.set({ undoSendSeconds: 0 });
      accountId = await provider.connect(services, browser);
      await services.syncAccount(accountId);
      const row = db()
        .prepare(
          `SELECT m.thread_id AS threadId, m.id AS messageId, m.from_address AS sender, m.provider_message_id AS providerId, m.message_id_header AS header
             FROM messages m WHERE m.account_id = ? AND m.from_address IS NOT NULL AND m.from_address != ? AND m.message_id_header IS NOT NULL
            ORDER BY m.received_at DESC LIMIT 1`,
        )
        .get(accountId, DEFAULT_TEST_USER.email) as typeof target;
      target = row;
      hubspot.addContact({ email: target.sender, firstname: 'Enron', lastname: 'Correspondent' });
      await services.crm.connect(EMULATED_HUBSPOT_TOKEN);
    });

    after(async () => {
      await services?.close();
      await browser?.close();
      await provider.stop();
      await hubspot?.stop();
      await identity?.stop();
      if (profileDir) rmSync(profileDir, { recursive: true, force: true });
    });

    test('a reply leaves once into the conversation, comes back through sync once, and is logged once as outgoing', async () => {
      const item = await write('reply');
      await until(() => sendState(item.id) === 'sent', 'the reply to be sent');
      const header = services.store.sendOutbox.get(item.id)!.messageIdHeader;
      assert.equal(provider.sendCount(header), 1);
      const sent = provider.sent(header)!;
      assert.equal(sent.conversation, provider.conversationOf(target.providerId), 'in the replied conversation');
      const email = await PostalMime.parse(sent.raw);
      assert.equal(email.from?.address, DEFAULT_TEST_USER.email);
      assert.equal(email.inReplyTo, `<${target.header}>`);
      assert.ok(email.references?.split(/\s+/).includes(`<${target.header}>`), email.references);
      assert.deepEqual(email.to?.map((a) => a.address), [target.sender]);

      await services.syncAccount(accountId, { scope: 'new-mail' });
      assert.equal(copiesOf(header), 1, 'the sent copy stored once');
      const stored = db().prepare('SELECT thread_id FROM messages WHERE account_id = ? AND message_id_header = ?').pluck().get(accountId, header);
      assert.equal(stored, target.threadId, 'in the same local thread');
      await until(() => hubspot.emails().length === 1, 'the CRM log');
      await services.crm.whenIdle();
      const logged = hubspot.emails();
      assert.equal(logged.length, 1);
      assert.equal(logged[0]!.properties.hs_email_direction, 'EMAIL');
      assert.match(logged[0]!.properties.hs_email_subject ?? '', /^Re: /);
    });

    test('read, star and archive made offline reach the provider once and survive the next sync', async () => {
      // After the reply, the newest message is the rep's sent copy: the star goes there.
      const newest = services.store.messages.listThreadMessages(target.threadId).at(-1)!;
      assert.notEqual(newest.providerMessageId, target.providerId);
      await provider.stop();
      for (const action of ['unread', 'read', 'star', 'archive'] as MailAction[]) {
        await services.handlers['mail:act']({ threadIds: [target.threadId], action });
      }
      const labels = (id: string) => services.store.messages.labelsByMessage(accountId).get(id) ?? [];
      const storedState = () => ({
        read: !labels(target.providerId).includes('UNREAD') && !labels(newest.providerMessageId).includes('UNREAD'),
        starred: labels(newest.providerMessageId).includes('STARRED'),
        archived: services.store.inbox.page({ labelId: inboxLabel() }, 0, 500).threads.every((t) => t.id !== target.threadId),
      });
      const inboxLabel = () =>
        db().prepare("SELECT id FROM labels WHERE account_id = ? AND (provider_label_id = 'INBOX' OR role = 'inbox')").pluck().get(accountId) as number;
      assert.deepEqual(storedState(), { read: true, starred: true, archived: true }, 'stored at once');
      assert.equal(services.store.mailActions.pending(accountId).length, 4, 'all four wait for the provider');

      await provider.restart();
      await services.syncAccount(accountId);
      await until(() => services.store.mailActions.pending(accountId).length === 0, 'the actions to reach the provider');
      assert.deepEqual({ ...provider.state(target.providerId), starred: provider.state(newest.providerMessageId).starred }, { read: true, starred: true, inInbox: false });
      assert.equal(provider.state(newest.providerMessageId).read, true);
      await services.syncAccount(accountId);
      assert.deepEqual(storedState(), { read: true, starred: true, archived: true }, 'kept after the next sync');
    });

    test('a message sent offline survives a restart and leaves once when the provider returns', async () => {
      await provider.stop();
      const item = await write('new', 'offline-test@customer.example');
      await until(() => sendState(item.id) === 'pending', 'the first attempt to fail');
      await services.close();
      services = await openServices(options);
      assert.notEqual(sendState(item.id), 'sent');
      await provider.restart();
      await services.syncAccount(accountId);
      await until(() => sendState(item.id) === 'sent', 'the message to leave after the restart');
      assert.equal(provider.sendCount(services.store.sendOutbox.get(item.id)!.messageIdHeader), 1);
    });

    test('a send whose answer was lost is found by its Message-ID and never sent twice', async () => {
      provider.dropNextSendAnswer();
      const item = await write('new', 'lost-answer@customer.example');
      await until(() => sendState(item.id) === 'sent', 'the message to be recorded as sent');
      const record = services.store.sendOutbox.get(item.id)!;
      assert.ok(record.attempts >= 2, 'a second attempt looked it up');
      assert.equal(provider.sendCount(record.messageIdHeader), 1);
    });

    test('mail older than "keep full messages" keeps its row and its search, and comes back whole from the provider when opened', async () => {
      const db_ = db();
      const oldest = db_.prepare('SELECT id, thread_id AS threadId FROM messages WHERE account_id = ? ORDER BY received_at, id LIMIT 1').get(accountId) as { id: number; threadId: number };
      const whole = services.store.messages.getMessage(oldest.id)!;
      const word = /\b[A-Za-z]{9,}\b/.exec(whole.text)?.[0];
      assert.ok(word, 'a word to search for');
      const found = () => services.store.search.search(word, { limit: 500 }).some((h) => h.messageId === oldest.id);
      assert.ok(found(), 'found before pruning');
      // Everything but the messages these tests sent today.
      const old = db_.prepare('SELECT count(*) FROM messages WHERE account_id = ? AND received_at < ?').pluck().get(accountId, Date.now() - 40 * 24 * 3600_000) as number;
      assert.ok(old > 100);

      services.settings.set({ keepFullMessagesMonths: 1 }); // the Enron mail is 25 years old
      await until(() => services.store.serverOnlyBodies.count() === old, 'every older message to be pruned');
      await new Promise((resolve) => setTimeout(resolve, 200));
      assert.equal(services.store.serverOnlyBodies.count(), old, 'this month’s mail is kept whole');
      const pruned = services.store.messages.getMessage(oldest.id)!;
      assert.deepEqual([pruned.serverOnly, pruned.text, pruned.html, pruned.raw.byteLength], [true, '', null, 0]);
      assert.equal(pruned.snippet, whole.snippet);
      assert.deepEqual(pruned.attachments, whole.attachments);
      assert.ok(found(), 'still found by a word of its text');

      const view = services.handlers['mail:thread']({ threadId: oldest.threadId });
      assert.equal((await view).messages.find((m) => m.id === oldest.id)?.serverOnly, true);
      await until(() => !services.store.messages.getMessage(oldest.id)!.serverOnly, 'the message to come back from the provider');
      const back = services.store.messages.getMessage(oldest.id)!;
      assert.equal(back.text, whole.text);
      assert.equal(back.html, whole.html);
      assert.deepEqual(Buffer.from(back.raw), Buffer.from(whole.raw), 'the source byte for byte');
      assert.ok(found(), 'and still found');
      services.settings.set({ keepFullMessagesMonths: null });
    });
  });
}
