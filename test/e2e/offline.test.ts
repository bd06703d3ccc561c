// On a plane: every emulator stopped. Inbox, threads, search and timelines still work from
// the encrypted store; three logs queue in the outbox, survive the app quitting and
// starting again, and reach HubSpot exactly once when it answers again.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { EnronApp, ENRON_INBOX } from './support/enron-app.ts';
import { ContactPanel, InboxPage, ThreadPage } from './pages/index.ts';

const skip = existsSync(ENRON_INBOX) ? false : `../shared/data is absent (${ENRON_INBOX}): the real-mail e2e cannot run`;

describe('offline', { skip }, () => {
  let app: EnronApp;
  let logged: Array<{ id: number; threadId: number; subject: string; from: string }>;
  const pages = () => ({ inbox: new InboxPage(app.page), thread: new ThreadPage(app.page), contact: new ContactPanel(app.page) });

  before(async () => {
    app = await EnronApp.start();
    await app.connectAndSync();
    // Three messages from three different contacts, in threads of their own subject.
    const seen = new Set<string>();
    logged = app.contactMessages().filter((m) => !seen.has(m.from) && !seen.has(m.subject) && seen.add(m.from).add(m.subject)).slice(0, 3);
    assert.equal(logged.length, 3);
    await app.goOffline();
    await app.page.reload();
  });
  after(() => app?.close());

  test('inbox, threads, search and a contact timeline work with every emulator stopped', async () => {
    const { inbox, thread, contact } = pages();
    await inbox.waitForList();
    assert.equal(await inbox.total(), app.services.store.messages.stats().threads);
    const target = logged[0]!;
    await app.openThread(target.threadId);
    assert.equal(await thread.subject(), target.subject);
    await thread.selectParticipant(new RegExp(target.from.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
    await contact.waitForLoaded();
    assert.ok((await contact.emails.count()) > 0, 'the timeline comes from the local store');
    assert.notEqual(await contact.fact('Email'), '', 'the cached CRM contact is shown offline');
    await contact.close();
    await inbox.search(target.subject.split(/\s+/).filter((w) => w.length > 4)[0] ?? target.subject);
    await inbox.searchHits().first().waitFor();
    assert.ok((await inbox.searchHits().count()) > 0);
    await inbox.clearSearch();
  });

  test('three logs made offline are queued, and the app says it is offline', async () => {
    const { inbox, thread } = pages();
    for (const message of logged) {
      await app.openThread(message.threadId);
      const index = app.services.store.messages.listThreadMessages(message.threadId).findIndex((m) => m.id === message.id);
      await thread.logMessage(index);
      await thread.waitForLogState('queued', index);
    }
    await inbox.offlineBanner.waitFor({ timeout: 15_000 });
    const states = app.services.crm.logStates(logged.map((m) => m.id));
    assert.deepEqual([...states.values()].map((s) => s.state), ['queued', 'queued', 'queued']);
  });

  test('quitting and starting the app loses none of them', async () => {
    await app.quitApp();
    await app.openApp();
    const states = app.services.crm.logStates(logged.map((m) => m.id));
    assert.deepEqual([...states.values()].map((s) => s.state), ['queued', 'queued', 'queued']);
    const { inbox, thread } = pages();
    await inbox.waitForList();
    await app.openThread(logged[0]!.threadId);
    const index = app.services.store.messages.listThreadMessages(logged[0]!.threadId).findIndex((m) => m.id === logged[0]!.id);
    assert.equal(await thread.logState(index), 'queued', 'the UI shows the queued log after the restart');
  });

  test('when HubSpot answers again each reaches it exactly once and the UI turns to logged', async () => {
    await app.crmBack();
    const { thread, inbox } = pages();
    const index = app.services.store.messages.listThreadMessages(logged[0]!.threadId).findIndex((m) => m.id === logged[0]!.id);
    await thread.waitForLogState('logged', index, 30_000);
    await app.services.crm.whenIdle();
    // One outbox item per (message, CRM contact among its participants): each exactly once.
    let items = 0;
    for (const message of logged) {
      const state = app.services.crm.logStates([message.id]).get(message.id)!;
      assert.equal(state.state, 'logged');
      items += state.items.length;
      const copies = app.hubspot.emails().filter((e) => e.properties.hs_email_subject === message.subject);
      const contacts = copies.flatMap((e) => e.contactIds);
      assert.equal(copies.length, state.items.length, `"${message.subject}": one HubSpot email per contact`);
      assert.equal(new Set(contacts).size, contacts.length, `"${message.subject}": no contact has it twice`);
    }
    assert.equal(app.hubspot.emails().length, items, 'nothing else was created');
    await inbox.offlineBanner.waitFor({ state: 'detached', timeout: 10_000 });
  });
});
