// Acting on mail in the app, end to end in Chromium against the real services, the Gmail
// emulator (dasovich-j) and HubSpot: opening a thread marks it read at Gmail; `r` replies to
// the contact, Undo within the window sends nothing, Send delivers once into the thread with
// In-Reply-To and References and the sent copy appears once; star and archive made offline
// reach Gmail once and survive the next sync; a message written and sent offline waits
// through a restart and leaves exactly once when Gmail is back.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import PostalMime from 'postal-mime';
import { EnronApp, SKIP_WITHOUT_ENRON } from './support/enron-app.ts';
import { ComposePage, InboxPage, ThreadPage } from './pages/index.ts';
import { databaseOf } from '../../src-main/store/profile-store.ts';
import { axeViolations } from './support/axe.ts';

async function until(predicate: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('acting on mail in the app (Gmail, dasovich-j)', { skip: SKIP_WITHOUT_ENRON }, () => {
  let app: EnronApp;
  let accountId: number;
  /** A conversation whose newest message came from a HubSpot contact and is unread. */
  let target: { threadId: number; messageId: number; providerId: string; providerThreadId: string; header: string; from: string };
  let inbox: InboxPage;
  let thread: ThreadPage;
  let compose: ComposePage;

  const db = () => databaseOf(app.services.store);
  const labelsAtGmail = (id: string) => app.gmail.messageState(id)!.labelIds;

  before(async () => {
    app = await EnronApp.start();
    accountId = await app.connectAndSync();
    app.services.settings.set({ undoSendSeconds: 3 });
    target = db()
      .prepare(
        `SELECT t.id AS threadId, m.id AS messageId, m.provider_message_id AS providerId, t.provider_thread_id AS providerThreadId,
                m.message_id_header AS header, m.from_address AS "from"
           FROM threads t JOIN messages m ON m.id = (SELECT id FROM messages WHERE thread_id = t.id ORDER BY received_at DESC, id DESC LIMIT 1)
           JOIN contacts c ON c.email = m.from_address
          WHERE m.message_id_header IS NOT NULL AND t.subject <> '' AND (SELECT count(*) FROM threads o WHERE o.subject = t.subject) = 1
          ORDER BY t.last_message_at DESC LIMIT 1`,
      )
      .get() as typeof target;
    assert.ok(target, 'a contact thread to act on');
    app.gmail.modifyLabels(target.providerId, ['UNREAD'], []);
    db().prepare('UPDATE messages SET unread = 1 WHERE id = ?').run(target.messageId);
    await app.page.reload();
    inbox = new InboxPage(app.page);
    thread = new ThreadPage(app.page);
    compose = new ComposePage(app.page);
    await inbox.waitForList();
  });
  after(() => app?.close());

  test('opening a conversation marks it read, here and at Gmail', async () => {
    await app.openThread(target.threadId);
    await until(() => !labelsAtGmail(target.providerId).includes('UNREAD'), 'Gmail to hear of the read');
    assert.equal(app.services.store.messages.getMessage(target.messageId)!.unread, false);
  });

  test('r replies to the contact; Undo within the window sends nothing and gives the draft back', async () => {
    await app.page.keyboard.press('r');
    await compose.waitOpen();
    assert.deepEqual(await compose.recipients('To'), [target.from]);
    assert.match(await compose.subject.inputValue(), /^Re: /i);
    await compose.write('Thanks, I will call you tomorrow.');
    const logToggle = compose.window.getByRole('checkbox', { name: 'Log to CRM' });
    assert.equal(await logToggle.isChecked(), false, 'off while the auto-log rule is off');
    await logToggle.check();
    await compose.saved();
    assert.deepEqual(await axeViolations(app.page), [], 'the compose window passes axe');
    await app.page.keyboard.press('Control+Enter');
    await compose.undoToast.click();
    await compose.waitOpen();
    await new Promise((resolve) => setTimeout(resolve, 3_500));
    assert.equal(app.gmail.sentMessages().length, 0, 'nothing left during the undo window');
    assert.match((await compose.body.textContent()) ?? '', /I will call you tomorrow/);
  });

  test('Send delivers it once into the conversation, and the sent copy shows in the thread once', async () => {
    const shown = await thread.messages.count();
    await compose.send();
    await until(() => app.gmail.sentMessages().length === 1, 'Gmail to receive the reply');
    const sent = app.gmail.sentMessages()[0]!;
    assert.equal(sent.threadId, target.providerThreadId, 'in the same Gmail thread');
    const email = await PostalMime.parse(sent.raw);
    assert.equal(email.inReplyTo, `<${target.header}>`);
    assert.ok(email.references?.includes(`<${target.header}>`));
    assert.match(email.html ?? '', /I will call you tomorrow/);
    const header = sent.messageId!.replace(/^<|>$/g, '');
    await until(
      () => db().prepare('SELECT count(*) FROM messages WHERE message_id_header = ?').pluck().get(header) === 1,
      'the sent copy to sync back',
    );
    assert.equal(db().prepare('SELECT thread_id FROM messages WHERE message_id_header = ?').pluck().get(header), target.threadId);
    // The body renders in a sandboxed frame; the message count and its sender say it is there.
    await until(async () => (await thread.messages.count()) === shown + 1, 'the thread to show it');
    assert.match((await thread.lastMessage.textContent()) ?? '', new RegExp(app.services.store.accounts.get(accountId)!.email.split('@')[0]!, 'i'));
    assert.equal(app.gmail.sendCount(header), 1);
    await until(() => app.hubspot.emails().some((e) => e.properties.hs_email_direction === 'EMAIL'), 'the reply to be logged to HubSpot');
    await app.services.crm.whenIdle();
    const outgoing = app.hubspot.emails().filter((e) => e.properties.hs_email_direction === 'EMAIL');
    assert.equal(outgoing.length, 1, 'logged once, as an outgoing email');
    const contactId = app.hubspot.contacts().find((c) => c.properties.email === target.from)!.id;
    assert.deepEqual(outgoing[0]!.contactIds, [contactId]);
  });

  test('a template whose field has no value cannot be sent while the field is left as it is', async () => {
    app.services.settings.set({
      templates: [{ id: 'intro', name: 'Intro', subject: 'Hello {{contact.firstname}}', html: '<p>Hi {{contact.firstname}}, how is {{company.name}}?</p>' }],
    });
    await app.page.keyboard.press('Escape');
    await app.page.keyboard.press('c');
    await compose.waitOpen();
    await compose.addRecipient('To', 'stranger@nowhere.example');
    await compose.window.getByRole('button', { name: 'Templates' }).click();
    await compose.window.getByRole('listbox', { name: 'Templates' }).getByRole('option', { name: /^Intro/ }).click();
    const warning = compose.window.getByRole('status').filter({ hasText: 'Fill in or remove' });
    await warning.waitFor();
    assert.match((await warning.textContent()) ?? '', /\{\{contact\.firstname\}\}/);
    assert.equal(await compose.window.getByRole('button', { name: 'Send', exact: true }).isDisabled(), true);
    const draftId = await compose.draftId();
    const refused = await Promise.resolve(app.services.handlers['send:queue']({ draftId })).then(() => null, (error: Error) => error.message);
    assert.match(refused ?? '', /Fill in or remove/, 'main refuses it too');
    await compose.window.getByRole('button', { name: 'Discard draft' }).click();
  });

  test('star and archive made offline reach Gmail once and survive the next sync', async () => {
    await app.openThread(target.threadId);
    await app.goOffline();
    await app.page.keyboard.press('s');
    await app.page.keyboard.press('e');
    const newest = db().prepare('SELECT provider_message_id FROM messages WHERE thread_id = ? ORDER BY received_at DESC, id DESC LIMIT 1').pluck().get(target.threadId) as string;
    const localLabels = (id: string) => app.services.store.messages.labelsByMessage(accountId).get(id) ?? [];
    await until(() => localLabels(newest).includes('STARRED') && !localLabels(target.providerId).includes('INBOX'), 'the local copy to change at once');
    // Archive moves on to the next conversation, which opening marks read: a third action, after these two.
    assert.deepEqual(app.services.store.mailActions.pending(accountId).map((a) => a.action).slice(0, 2), ['star', 'archive']);

    await app.identity.start();
    await app.gmail.start();
    await app.crmBack();
    await app.services.syncAccount(accountId);
    await until(() => app.services.store.mailActions.pending(accountId).length === 0, 'the actions to reach Gmail');
    assert.ok(labelsAtGmail(newest).includes('STARRED'));
    assert.ok(!labelsAtGmail(target.providerId).includes('INBOX'));
    await app.services.syncAccount(accountId);
    assert.ok(localLabels(newest).includes('STARRED') && !localLabels(target.providerId).includes('INBOX'), 'kept after the sync');
  });

  test('a message written and sent offline waits through a restart and leaves once', async () => {
    await app.goOffline();
    await app.page.keyboard.press('Escape');
    await app.page.keyboard.press('c');
    await compose.waitOpen();
    await compose.addRecipient('To', 'offline.buyer@customer.example');
    await compose.subject.fill('Written on the plane');
    await compose.write('Sent while offline.');
    await compose.saved();
    await compose.send();
    const sendId = () => db().prepare("SELECT id FROM send_outbox WHERE subject = 'Written on the plane'").pluck().get() as number | undefined;
    await until(() => app.services.store.sendOutbox.get(sendId() ?? 0)?.state === 'pending', 'the first attempt to fail offline');
    const outbox = await compose.openOutbox();
    await outbox.getByRole('listitem', { name: /Written on the plane/ }).waitFor();

    await app.quitApp();
    await app.openApp();
    await app.identity.start();
    await app.gmail.start();
    await app.crmBack();
    await app.services.syncAccount(accountId);
    await until(() => app.services.store.sendOutbox.get(sendId()!)?.state === 'sent', 'the message to leave');
    const header = app.services.store.sendOutbox.get(sendId()!)!.messageIdHeader;
    assert.equal(app.gmail.sendCount(header), 1);
  });
});
