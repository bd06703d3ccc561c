// The rep's main job in the app, in Chromium against the real services: connect Gmail in
// Settings (OAuth in the browser) and sync the Enron dasovich-j inbox from the Gmail
// emulator, connect HubSpot, read threads, search, see a contact's timeline, log an email
// with one click — checked on the CRM's side — and screenshots of every screen, light and dark.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { EnronApp, ENRON_OWNER, SKIP_WITHOUT_ENRON } from './support/enron-app.ts';
import { ContactPanel, InboxPage, SettingsPage, ThreadPage } from './pages/index.ts';
import { EMULATED_HUBSPOT_TOKEN } from '../emulators/hubspot-config.ts';
import { message } from '../unit/store/store-fixtures.ts';
import { databaseOf } from '../../src-main/store/profile-store.ts';

describe('desktop app on the Enron dasovich-j inbox', { skip: SKIP_WITHOUT_ENRON }, () => {
  let app: EnronApp;
  let inbox: InboxPage;
  let thread: ThreadPage;
  let contact: ContactPanel;
  let settings: SettingsPage;
  const pageErrors: string[] = [];
  /** Requests the app made that failed (4xx/5xx): a favicon 404 on every load was one. */
  const failedRequests: string[] = [];
  const shots: Record<string, string> = {};
  const screenshot = async (name: string) => {
    shots[name] = await app.screenshot(name);
  };

  before(async () => {
    app = await EnronApp.start();
    app.page.on('pageerror', (error) => pageErrors.push(error.message));
    app.page.on('response', (response) => {
      if (response.status() >= 400) failedRequests.push(`${response.status()} ${new URL(response.url()).pathname}`);
    });
    inbox = new InboxPage(app.page);
    thread = new ThreadPage(app.page);
    contact = new ContactPanel(app.page);
    settings = new SettingsPage(app.page);
  });
  after(() => app?.close());

  test('Settings → Connect Gmail signs in through the browser and the sync fills the inbox', async () => {
    await settings.goto();
    await settings.connectGmail();
    await settings.account(ENRON_OWNER).waitFor({ timeout: 60_000 });
    await app.page.waitForFunction(
      (email) => document.querySelector(`[aria-label="${email}"]`)?.getAttribute('data-sync-state') === 'idle',
      ENRON_OWNER,
      { timeout: 90_000 },
    );
    assert.equal(await settings.accountStatus(ENRON_OWNER), 'connected');
    const stats = app.services.store.messages.stats();
    assert.equal(stats.messages, 1_393, 'every message of the inbox is stored');
    await inbox.goto();
    await inbox.waitForList();
    assert.equal(await inbox.total(), stats.threads, 'the list is sized to every thread');
    assert.equal(await inbox.total(), app.gmail.mailbox.threadCount, 'one row per Gmail thread');
  });

  test('Settings → CRM refuses a wrong token and keeps a verified one', async () => {
    await settings.goto();
    const wrong = await settings.connectCrm('pat-na1-not-a-real-token-000');
    assert.equal(wrong.ok, false);
    assert.match(wrong.text, /HubSpot refused the token/);
    assert.equal(await settings.crmState(), 'not_connected');
    const right = await settings.connectCrm(EMULATED_HUBSPOT_TOKEN);
    assert.equal(right.ok, true, right.text);
    assert.equal(await settings.crmState(), 'connected');
    assert.equal(await app.page.getByLabel('HubSpot private-app token').inputValue(), '', 'the token is never shown again');
    await screenshot('settings');
    await app.services.crm.matchContacts();
  });

  test('opening a thread shows its messages oldest first, scrolled to the newest with older ones collapsed; n / p move between them', async () => {
    const busiest = databaseOf(app.services.store)
      .prepare<[], { id: number; subject: string; n: number }>(
        'SELECT t.id, t.subject, t.message_count AS n FROM threads t WHERE t.message_count > 1 ORDER BY t.message_count DESC, t.id LIMIT 1',
      )
      .get()!;
    const expected = app.services.store.messages.listThreadMessages(busiest.id);
    await inbox.goto();
    await inbox.search(`"${busiest.subject.replace(/^(re|fw|fwd):\s*/i, '')}"`);
    await inbox.openSearchThread(busiest.id);
    await thread.messages.first().waitFor();
    assert.equal(await thread.subject(), busiest.subject);
    assert.equal(await thread.messages.count(), expected.length);
    for (const [index, message] of expected.entries()) {
      const label = (await thread.message(index).getAttribute('aria-label')) ?? '';
      assert.ok(label.includes(message.from?.name || message.from?.address || ''), `message ${index + 1}: ${label}`);
    }
    // The newest message, the one the rep came for, is on screen; the older ones are one line each.
    // Its header shows below the sticky thread header, in the upper half of the window.
    const newestTop = await thread.lastMessage.evaluate((el) => el.getBoundingClientRect().top);
    const headerBottom = await app.page.locator('.thread-header').evaluate((el) => el.getBoundingClientRect().bottom);
    const viewport = await app.page.evaluate(() => window.innerHeight);
    assert.ok(newestTop >= headerBottom && newestTop < viewport / 2, `the newest message starts at y = ${newestTop} (thread header ends at ${headerBottom}) in a ${viewport} px window`);
    const expandedFlags = await thread.messages.evaluateAll((cards) => cards.map((c) => c.classList.contains('is-expanded')));
    assert.deepEqual(expandedFlags, expected.map((_, i) => i === expected.length - 1));
    await screenshot('thread-long-at-newest');
    // p / n: the previous message is focused, expanded and scrolled to; n comes back.
    const focusedIndex = () => app.page.evaluate(() => {
      const cards = [...document.querySelectorAll('article[data-message-id]')];
      return cards.indexOf(document.activeElement?.closest('article[data-message-id]') as Element);
    });
    await app.page.keyboard.press('p');
    await app.page.waitForFunction((n) => document.activeElement?.closest('article[data-message-id]') === document.querySelectorAll('article[data-message-id]')[n], expected.length - 2);
    assert.equal(await focusedIndex(), expected.length - 2);
    assert.ok(await thread.message(expected.length - 2).evaluate((el) => el.classList.contains('is-expanded')));
    await app.page.keyboard.press('n');
    await app.page.waitForFunction((n) => document.activeElement?.closest('article[data-message-id]') === document.querySelectorAll('article[data-message-id]')[n], expected.length - 1);
    await inbox.clearSearch();
  });

  test('search finds a known message by a phrase from its body', async () => {
    const known = app.services.store.messages.getMessage(app.contactMessages()[0]!.id)!;
    const phrase = known.text.split(/\s+/).filter((w) => /^[a-z]{6,}$/i.test(w)).slice(0, 3).join(' ');
    await inbox.search(phrase);
    await inbox.searchHits().first().waitFor();
    const hits = await inbox.searchHits().allTextContents();
    assert.ok(hits.some((text) => text.includes(known.subject)), `"${phrase}" → ${hits.length} hits, none "${known.subject}"`);
    await screenshot('search');
    await inbox.clearSearch();
  });

  test('search shows conversations newest first, each once, with the matched words marked, a count and More results', async () => {
    await inbox.search('california');
    await app.page.getByText(/^\d[\d,]*\+? conversations for “california”$/).waitFor();
    const rows = inbox.searchHits();
    assert.equal(await rows.count(), 50, 'a page of 50');
    const threadIds = await rows.evaluateAll((els) => els.map((el) => el.getAttribute('data-thread-id')));
    assert.equal(new Set(threadIds).size, 50, 'each conversation once');
    const dates = await rows.locator('time').evaluateAll((els) => els.map((el) => Date.parse(el.getAttribute('datetime')!)));
    assert.deepEqual(dates, [...dates].sort((a, b) => b - a), 'newest first');
    const marked = await rows.first().locator('mark').allTextContents();
    assert.ok(marked.length > 0 && marked.every((m) => /^californi/i.test(m)), `marked: ${marked.join(', ')}`);
    const caption = (await app.page.locator('#search-summary').textContent())!;
    const total = Number(/^([\d,]+)/.exec(caption)![1]!.replace(/,/g, ''));
    assert.equal(total, app.services.store.search.countThreads('california').count);
    await app.page.getByRole('button', { name: /^More results/ }).click();
    await app.page.waitForFunction(() => document.querySelectorAll('[aria-label="Search results"] [role="option"]').length > 50);
    const more = await rows.evaluateAll((els) => els.map((el) => el.getAttribute('data-thread-id')));
    assert.equal(new Set(more).size, more.length, 'the next page repeats no conversation');
    // An operator Mailbridge does not know is searched as words, and the rep is told.
    await inbox.search('category:promotions');
    await app.page.getByText(/“category:promotions” is not an operator Mailbridge knows: searched as words/).waitFor();
    await inbox.clearSearch();
  });

  test('a participant who is a CRM contact shows the contact and every email with them, newest first', async () => {
    const target = app.contactMessages()[0]!;
    const crmContact = app.hubspot.contacts().find((c) => c.properties.email === target.from)!;
    await app.openThread(target.threadId);
    await thread.selectParticipant(new RegExp(target.from.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
    await contact.waitForLoaded();
    assert.equal(await contact.fact('Company'), crmContact.properties.company);
    const withAddress = databaseOf(app.services.store)
      .prepare<[string], { id: number }>(
        `SELECT DISTINCT p.message_id AS id FROM message_participants p JOIN addresses a ON a.id = p.address_id
         WHERE a.address = ? AND p.role IN ('from', 'to', 'cc')`,
      )
      .all(target.from);
    assert.equal(await contact.emails.count(), withAddress.length);
    const dates = await contact.emails.locator('time').evaluateAll((els) => els.map((el) => Date.parse(el.getAttribute('datetime') ?? '')));
    assert.deepEqual(dates, [...dates].sort((a, b) => b - a), 'newest first');
    await screenshot('timeline');
  });

  test('"Log to CRM" creates exactly one HubSpot email with the right fields, and the badges turn to logged', async () => {
    const target = app.contactMessages()[0]!;
    const message = app.services.store.messages.getMessage(target.id)!;
    const crmContact = app.hubspot.contacts().find((c) => c.properties.email === target.from)!;
    await app.openThread(target.threadId);
    const index = (await app.services.store.messages.listThreadMessages(target.threadId)).findIndex((m) => m.id === target.id);
    await thread.logMessage(index);
    await thread.waitForLogState('logged', index);
    const created = app.hubspot.emails().filter((e) => e.properties.hs_email_subject === message.subject);
    assert.equal(created.length, 1, 'exactly one email in the CRM');
    const [email] = created;
    assert.deepEqual(email!.contactIds, [crmContact.id]);
    assert.equal(Date.parse(email!.properties.hs_timestamp!), message.date ?? message.receivedAt);
    assert.equal(email!.properties.hs_email_direction, 'INCOMING_EMAIL');
    assert.ok(email!.properties.hs_email_text!.startsWith(message.text.slice(0, 200).trimEnd().slice(0, 120)), 'the body is the message text');
    await screenshot('thread');
    await inbox.goto();
    await inbox.row(target.subject).locator('[data-log-state="logged"]').first().waitFor();
    await thread.close().catch(() => undefined);
    await screenshot('inbox');
    assert.deepEqual(pageErrors, []);
  });

  test('keyboard: / searches, Esc clears, j/k move, Enter opens, l logs the open message', async () => {
    await inbox.goto();
    await inbox.waitForList();
    const list = app.page.getByRole('listbox', { name: 'Threads' });
    await list.focus();
    await inbox.press('/');
    await app.page.waitForFunction(() => document.activeElement?.getAttribute('aria-label') === 'Search mail', null, { timeout: 2_000 });
    await inbox.press('Escape');
    assert.notEqual(await app.page.evaluate(() => document.activeElement?.getAttribute('aria-label')), 'Search mail');
    await list.focus();
    const selected = list.locator('[aria-selected="true"]');
    const start = (await selected.count()) ? Number(await selected.getAttribute('aria-posinset')) : 0;
    await inbox.press('j');
    await inbox.press('j');
    await inbox.press('k');
    assert.equal(Number(await selected.getAttribute('aria-posinset')), start + 1, 'j, j, k: one row down');
    const subject = (await selected.locator('.thread-subject').textContent()) ?? '';
    await inbox.press('Enter');
    await thread.messages.first().waitFor();
    assert.equal(await thread.subject(), subject);
    // l in an open thread logs the message the rep is on (the newest), not the whole thread.
    const threadId = Number(await thread.root.getAttribute('data-thread-id'));
    const threadMessages = app.services.store.messages.listThreadMessages(threadId);
    const hasContact = (m: (typeof threadMessages)[number]) => m.participants.some((p) => app.services.store.inbox.contactAddresses([p.address]).size);
    const newest = threadMessages.at(-1)!;
    const wasLogged = app.services.crm.logStates([newest.id]).get(newest.id)?.state === 'logged';
    const loggedBefore = await thread.messages.evaluateAll((cards) => cards.filter((c) => c.getAttribute('data-log-state') === 'logged').length);
    const before = app.hubspot.emails().length;
    await inbox.press('l');
    if (hasContact(newest)) {
      await thread.waitForLogState('logged', threadMessages.length - 1);
      await inbox.waitForToast(/^(Logged|Logging) “.+” to \S+@\S+/);
      const loggedAfter = await thread.messages.evaluateAll((cards) => cards.filter((c) => c.getAttribute('data-log-state') === 'logged').length);
      assert.equal(loggedAfter, loggedBefore + (wasLogged ? 0 : 1), 'one message logged, not the thread');
      assert.ok(app.hubspot.emails().length > before);
    } else {
      await inbox.waitForToast(/no CRM contact/i);
    }
    // Esc closes the innermost layer first: the contact panel, then the thread.
    if (await contact.root.count()) {
      await inbox.press('Escape');
      await contact.root.waitFor({ state: 'detached' });
      assert.ok(await thread.messages.count(), 'the thread stays open');
    }
    await inbox.press('Escape');
    await thread.messages.first().waitFor({ state: 'detached' });
  });

  test('l on a thread row logs the whole thread only after a 5 s Undo window, and Undo stops it', async () => {
    await inbox.goto();
    await inbox.waitForList();
    // A thread of several messages with a CRM contact that nothing has logged yet.
    const target = databaseOf(app.services.store)
      .prepare<[], { id: number }>(
        `SELECT t.id FROM threads t WHERE t.message_count > 1
         AND NOT EXISTS (SELECT 1 FROM outbox o JOIN messages m ON m.id = o.message_id WHERE m.thread_id = t.id)
         AND EXISTS (SELECT 1 FROM messages m JOIN message_participants p ON p.message_id = m.id JOIN addresses a ON a.id = p.address_id
                     JOIN contacts c ON c.email = a.address WHERE m.thread_id = t.id)
         ORDER BY t.last_message_at DESC LIMIT 1`,
      )
      .get()!;
    const emailsOf = () => app.services.crm.logStates(app.services.store.messages.listThreadMessages(target.id).map((m) => m.id));
    const logged = () => [...emailsOf().values()].filter((s) => s.state !== 'none').length;
    // Opening selects its row; closed again, l on the row asks for a moment first.
    await app.openThread(target.id);
    await thread.close();
    await app.page.getByRole('listbox', { name: 'Threads' }).focus();
    await inbox.press('l');
    const undo = app.page.getByRole('region', { name: 'Notifications' }).getByRole('button', { name: 'Undo' });
    await undo.click();
    await inbox.waitForToast(/^Not logged: “/);
    await app.page.waitForTimeout(6_000);
    assert.equal(logged(), 0, 'Undo: nothing was logged');
    await inbox.press('l');
    await app.page.waitForTimeout(2_000);
    assert.equal(logged(), 0, 'nothing is logged inside the Undo window');
    await inbox.waitForToast(/^(Logged|Logging) (\d+ messages of )?“.+” to \S+@\S+/);
    assert.ok(logged() > 0, 'after the window every message with a contact is logged');
  });

  test('Settings: the never-log list is validated by main, and a never-logged contact is refused a log', async () => {
    await settings.goto();
    assert.match((await settings.addNeverLog('not an address')) ?? '', /email address or a domain/);
    const target = app.contactMessages()[1]!;
    const domain = target.from.split('@')[1]!;
    assert.equal(await settings.addNeverLog(`@${domain.toUpperCase()}`), null);
    assert.deepEqual(app.services.settings.get().neverLog, [domain], 'normalised and persisted by main');
    await settings.setSyncInterval(15);
    await app.page.waitForFunction(() => true);
    for (let i = 0; i < 20 && app.services.settings.get().syncIntervalMinutes !== 15; i++) await app.page.waitForTimeout(100);
    assert.equal(app.services.settings.get().syncIntervalMinutes, 15);

    const before = new Set(app.hubspot.emails().map((e) => e.id));
    await inbox.goto();
    await app.openThread(target.threadId);
    const index = app.services.store.messages.listThreadMessages(target.threadId).findIndex((m) => m.id === target.id);
    await thread.logMessage(index);
    // Either nobody else on the message is a contact (a toast says so) or only they get it.
    await inbox.errorToasts.first().or(thread.message(index).locator('[data-log-state="logged"], [data-log-state="queued"]')).or(
      app.page.locator(`article[data-log-state="logged"]`).nth(index),
    ).first().waitFor({ timeout: 10_000 }).catch(() => undefined);
    await app.services.crm.whenIdle();
    const byId = new Map(app.hubspot.contacts().map((c) => [c.id, c.properties.email ?? '']));
    const reached = app.hubspot.emails().filter((e) => !before.has(e.id)).flatMap((e) => e.contactIds.map((id) => byId.get(id) ?? ''));
    assert.ok(reached.every((email) => !email.endsWith(`@${domain}`)), `never-logged ${domain} reached: ${reached.join(', ')}`);
    const state = app.services.crm.logStates([target.id]).get(target.id);
    assert.ok(!state || state.items.every((item) => !item.contactEmail.endsWith(`@${domain}`)), 'no outbox item for the never-logged domain');
    await settings.goto();
    await settings.removeNeverLog(domain);
    await app.page.getByRole('button', { name: `Remove ${domain}` }).waitFor({ state: 'detached' });
    assert.deepEqual(app.services.settings.get().neverLog, []);
  });

  test('no request of the app fails (the favicon is the app icon) and the attachment mark is an SVG icon, not a font glyph', async () => {
    await app.page.reload();
    await inbox.waitForList();
    assert.deepEqual(failedRequests, [], 'no 4xx/5xx while the app loads and runs');
    const icon = await app.page.locator('link[rel="icon"]').getAttribute('href');
    assert.ok(icon, 'a favicon is declared');
    const favicon = await app.page.request.get(new URL(icon, app.page.url()).href);
    assert.equal(favicon.status(), 200);
    assert.equal(favicon.headers()['content-type'], 'image/svg+xml');
    // The Enron mail has no attachments: store one that has, as a sync would.
    const accountId = app.services.store.accounts.list()[0]!.id;
    const saved = message({ id: 'e2e-attachment', subject: 'Signed order form attached', internalDate: Date.now(), date: Date.now() });
    saved.parsed.attachments = [{ filename: 'order-form.pdf', mimeType: 'application/pdf', size: 48_213, contentId: null, disposition: 'attachment' }];
    app.services.store.messages.saveMessages(accountId, [saved]);
    const withAttachment = databaseOf(app.services.store)
      .prepare('SELECT thread_id FROM messages WHERE has_attachments = 1 ORDER BY id LIMIT 1').pluck().get() as number;
    await app.page.reload();
    await inbox.waitForList();
    await app.openThread(withAttachment);
    const mark = app.page.locator(`[role="option"][data-thread-id="${withAttachment}"] .attachment-mark`);
    assert.equal(await mark.locator('svg[role="img"][aria-label="Has attachments"]').count(), 1);
    assert.equal((await mark.textContent())?.trim(), '', 'no text glyph a system font may lack');
    await thread.close();
  });

  test('screenshots of inbox, thread, timeline and settings exist in light and dark', async () => {
    const start = (await inbox.theme()) ?? 'light';
    await inbox.toggleTheme();
    assert.notEqual(await inbox.theme(), start);
    const target = app.contactMessages()[0]!;
    await inbox.goto();
    await screenshot('inbox');
    await inbox.openThread(target.subject);
    await thread.messages.first().waitFor();
    await screenshot('thread');
    await thread.selectParticipant(new RegExp(target.from.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
    await contact.waitForLoaded();
    await screenshot('timeline');
    await settings.goto();
    await screenshot('settings');
    const dir = dirname(shots.settings!);
    for (const name of ['inbox', 'thread', 'timeline', 'settings']) {
      for (const theme of ['light', 'dark']) assert.ok(existsSync(join(dir, `${name}-${theme}.png`)), `${name}-${theme}.png`);
    }
  });
});
