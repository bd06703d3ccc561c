// A rep's first hour (issue 15), in Chromium against the real services on the Enron
// dasovich-j inbox: the first-run screen connects Gmail and then HubSpot; unread counts
// beside accounts and labels follow the mailbox; the split between list and thread is
// dragged or moved by keys and survives a restart; compact density fits more rows; every
// screen, light and dark, passes axe-core's WCAG 2.1 AA rules; focus returns where the rep
// expects; the OS "reduce motion" setting stops animation.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import MailComposer from 'nodemailer/lib/mail-composer';
import { join } from 'node:path';
import type { Locator } from 'playwright-core';
import { EnronApp, ENRON_OWNER, SKIP_WITHOUT_ENRON } from './support/enron-app.ts';
import { axeViolations } from './support/axe.ts';
import { ContactPanel, InboxPage, SettingsPage, ThreadPage } from './pages/index.ts';
import { EMULATED_HUBSPOT_TOKEN } from '../emulators/hubspot-config.ts';
import { databaseOf } from '../../src-main/store/profile-store.ts';

describe('a rep’s first hour on the Enron dasovich-j inbox', { skip: SKIP_WITHOUT_ENRON }, () => {
  let app: EnronApp;
  let inbox: InboxPage;
  let thread: ThreadPage;
  let contact: ContactPanel;
  let settings: SettingsPage;
  const pageErrors: string[] = [];

  const screenshot = (name: string) => app.screenshot(name);
  const setTheme = async (theme: 'light' | 'dark') => {
    if ((await inbox.theme()) !== theme) assert.equal(await inbox.toggleTheme(), theme);
  };
  /**
   * axe over the page in both themes; `label` names the screen in the failure. A modal screen
   * (a dialog) is opened by `show` and closed by `hide` in each theme, since the theme button
   * sits behind it.
   */
  const assertAccessible = async (label: string, modal?: { show(): Promise<void>; hide(): Promise<void> }) => {
    const found: string[] = [];
    for (const theme of ['light', 'dark'] as const) {
      await setTheme(theme);
      await modal?.show();
      for (const violation of await axeViolations(app.page)) found.push(`${label}, ${theme}: ${violation}`);
      await modal?.hide();
    }
    await setTheme('light');
    assert.deepEqual(found, [], found.join('\n'));
  };
  const listPaneWidth = () => app.page.locator('#thread-list-pane').evaluate((element) => Math.round(element.getBoundingClientRect().width));
  const focused = () => app.page.evaluate(() => document.activeElement?.textContent?.trim() ?? document.activeElement?.tagName);

  /** Page objects over app.page, again after a restart opens a new page. */
  const attach = () => {
    app.page.on('pageerror', (error) => pageErrors.push(error.message));
    inbox = new InboxPage(app.page);
    thread = new ThreadPage(app.page);
    contact = new ContactPanel(app.page);
    settings = new SettingsPage(app.page);
  };

  before(async () => {
    app = await EnronApp.start();
    attach();
  });
  after(() => app?.close());

  test('with no account the app opens on a first-run screen that says what each sign-in may and may not do', async () => {
    const welcome = app.page.getByRole('heading', { level: 1, name: 'Welcome to Mailbridge' });
    await welcome.waitFor();
    assert.equal(await app.page.getByRole('listbox', { name: 'Threads' }).count(), 0, 'no empty inbox behind it');
    const text = (await app.page.locator('.first-run').textContent()) ?? '';
    for (const phrase of ['gmail.modify', 'gmail.send', 'Mail.ReadWrite', 'Mail.Send', 'Send or change anything you did not ask it to', 'npm run demo']) {
      assert.ok(text.includes(phrase), `the first-run screen names “${phrase}”`);
    }
    assert.equal(await app.page.getByRole('button', { name: 'Connect Gmail' }).count(), 1);
    assert.equal(await app.page.getByRole('button', { name: 'Connect Outlook' }).count(), 1);
    assert.equal(await focused(), 'Welcome to Mailbridge', 'the heading takes focus, so it is announced');
    await screenshot('first-run');
    await assertAccessible('first run, mailbox step');
  });

  test('Connect Gmail there signs in, then the CRM step; a verified token opens the synced inbox', async () => {
    await app.page.getByRole('button', { name: 'Connect Gmail' }).click();
    await app.page.getByRole('heading', { level: 1, name: 'Connect your CRM' }).waitFor({ timeout: 60_000 });
    assert.match((await app.page.locator('.first-run').textContent()) ?? '', new RegExp(`Your mailbox ${ENRON_OWNER} is connected`));
    await assertAccessible('first run, CRM step');
    await app.page.getByLabel('HubSpot private-app token').fill(EMULATED_HUBSPOT_TOKEN);
    await app.page.getByRole('button', { name: 'Save' }).click();
    await inbox.waitForToast(/Connected to /);
    await inbox.waitForList(60_000);
    await app.page.waitForFunction(() => /1,393 messages/.test(document.getElementById('inbox-summary')?.textContent ?? ''), null, { timeout: 90_000 });
    assert.equal(app.services.crm.status().state, 'connected');
    await app.services.crm.matchContacts();
  });

  test('unread counts beside the account and its labels follow the mailbox', async () => {
    const db = databaseOf(app.services.store);
    const unreadThreads = (label: string) =>
      db
        .prepare<[string], number>(
          `SELECT count(DISTINCT m.thread_id) FROM messages m JOIN message_labels ml ON ml.message_id = m.id
           JOIN labels l ON l.id = ml.label_id WHERE m.unread = 1 AND l.provider_label_id = ?`,
        )
        .pluck()
        .get(label)!;
    const accountOption = () => app.page.getByRole('combobox', { name: 'Account' }).locator('option').nth(1).textContent();
    const inboxOption = () => app.page.getByRole('combobox', { name: 'Label' }).locator('option', { hasText: /^INBOX/ }).textContent();
    const suffix = (count: number) => (count > 0 ? ` (${count.toLocaleString('en')})` : '');

    await inbox.goto();
    const before = unreadThreads('INBOX');
    assert.equal(await accountOption(), `${ENRON_OWNER}${suffix(before)}`);
    assert.equal(await inboxOption(), `INBOX${suffix(before)}`);

    // The rep reads the newest unread thread on their phone: one fewer for the account and for INBOX.
    const read = db
      .prepare<[], string>(
        `SELECT provider_message_id FROM messages WHERE unread = 1 AND thread_id =
           (SELECT thread_id FROM messages WHERE unread = 1 ORDER BY received_at DESC LIMIT 1)`,
      )
      .pluck()
      .all();
    assert.ok(read.length > 0, 'an unread thread');
    for (const id of read) assert.ok(app.gmail.modifyLabels(id, [], ['UNREAD']), `the emulator holds ${id}`);
    const accountId = app.services.store.accounts.list()[0]!.id;
    // The first sync, started by the sign-in, may still be writing its last batch.
    await waitFor(() => !['full_sync', 'incremental'].includes(app.services.store.syncState.get(accountId)?.state ?? ''), 'the first sync ends', 60_000);
    const result = await app.services.syncAccount(accountId);
    assert.equal(unreadThreads('INBOX'), before - 1, JSON.stringify(result));
    await app.page.waitForFunction(
      (expected) => document.querySelector('select[aria-label="Account"] option:nth-child(2)')?.textContent === expected,
      `${ENRON_OWNER}${suffix(before - 1)}`,
    );
    await app.page.waitForFunction(
      (expected) => [...document.querySelectorAll('select[aria-label="Label"] option')].some((o) => o.textContent === expected),
      `INBOX${suffix(before - 1)}`,
    );
    assert.equal(await inboxOption(), `INBOX${suffix(before - 1)}`);
  });

  test('the split between list and thread drags, moves by keys, and survives a restart', async () => {
    await inbox.goto();
    assert.equal(await listPaneWidth(), 400, 'the default width');
    const splitter = app.page.getByRole('separator', { name: 'Resize the thread list' });
    const box = (await splitter.boundingBox())!;
    await app.page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await app.page.mouse.down();
    await app.page.mouse.move(box.x + box.width / 2 + 120, box.y + box.height / 2, { steps: 6 });
    await app.page.mouse.up();
    assert.equal(await listPaneWidth(), 520);
    await splitter.focus();
    await app.page.keyboard.press('ArrowLeft');
    assert.equal(await listPaneWidth(), 504);
    assert.equal(await splitter.getAttribute('aria-valuenow'), '504');
    await waitFor(() => app.services.settings.get().listPaneWidth === 504, 'the width is saved');

    await app.quitApp();
    await app.openApp();
    attach();
    await inbox.waitForList();
    assert.equal(await listPaneWidth(), 504, 'the width is back after a restart');
    // Home goes to the narrowest width; the setting's bounds hold.
    await app.page.getByRole('separator', { name: 'Resize the thread list' }).focus();
    await app.page.keyboard.press('Home');
    assert.equal(await listPaneWidth(), 280);
    await app.page.keyboard.press('End');
    assert.ok((await listPaneWidth()) <= 1360 - 360, 'the open thread keeps room');
    await app.page.getByRole('separator', { name: 'Resize the thread list' }).dblclick();
    assert.equal(await listPaneWidth(), 400, 'a double-click restores the default');
  });

  test('compact density fits more threads in the list, and the choice is kept', async () => {
    await inbox.goto();
    const visibleRows = () =>
      inbox.threadList.evaluate((list) => {
        const { top, bottom } = list.getBoundingClientRect();
        return [...list.querySelectorAll('[role="option"]')].filter((row) => {
          const r = row.getBoundingClientRect();
          return r.top >= top && r.bottom <= bottom;
        }).length;
      });
    const comfortable = await visibleRows();
    await settings.goto();
    await app.page.getByRole('group', { name: 'Thread list density' }).getByRole('radio', { name: 'Compact' }).check();
    await waitFor(() => app.services.settings.get().density === 'compact', 'the density is saved');
    await inbox.goto();
    const compact = await visibleRows();
    assert.ok(compact >= comfortable * 1.5, `compact shows ${compact} rows where comfortable shows ${comfortable}`);
    assert.equal(await inbox.rows.first().evaluate((row) => row.getBoundingClientRect().height), 46);
    await screenshot('compact-density');
    // j moves and Enter opens in compact rows as in comfortable ones.
    await inbox.press('j');
    await inbox.press('Enter');
    await thread.heading.waitFor();
    await thread.close();
    await settings.goto();
    await app.page.getByRole('group', { name: 'Thread list density' }).getByRole('radio', { name: 'Comfortable' }).check();
    await waitFor(() => app.services.settings.get().density === 'comfortable', 'back to comfortable');
  });

  test('an attachment opens with the system handler and saves under a safe name; no path reaches the page', async () => {
    const pdf = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(2_000, 7)]);
    const raw = await new MailComposer({
      from: 'Jeff Dasovich <jeff.dasovich@enron.com>',
      to: ENRON_OWNER,
      subject: 'Signed term sheet attached',
      text: 'Both attached.',
      attachments: [
        { filename: 'term-sheet.pdf', content: pdf, contentType: 'application/pdf' },
        { filename: '../../NUL.txt', content: 'notes', contentType: 'text/plain' },
      ],
    })
      .compile()
      .build();
    app.gmail.addMessage(raw);
    const accountId = app.services.store.accounts.list()[0]!.id;
    await app.services.syncAccount(accountId);
    const hit = app.services.store.search.search('"Signed term sheet attached"')[0]!;
    await inbox.goto();
    await app.openThread(hit.threadId);
    const attachments = thread.lastMessage.getByRole('list', { name: 'Attachments' });
    await attachments.getByRole('button', { name: 'Save term-sheet.pdf' }).click();
    await inbox.waitForToast('Saved “term-sheet.pdf”');
    assert.deepEqual(readFileSync(join(app.downloads, 'term-sheet.pdf')), pdf);
    await attachments.getByRole('button', { name: 'Save ../../NUL.txt' }).click();
    await inbox.waitForToast('Saved “attachment-2.txt”');
    assert.equal(readFileSync(join(app.downloads, 'attachment-2.txt'), 'utf8'), 'notes');

    await attachments.getByRole('button', { name: 'Open term-sheet.pdf' }).click();
    await waitFor(() => app.openedFiles.length === 1, 'the desktop is asked to open the file');
    const opened = app.openedFiles[0]!;
    assert.ok(opened.startsWith(join(app.profileDir, 'open-attachments')), opened);
    assert.deepEqual(readFileSync(opened), pdf);
    assert.ok(!(await app.page.content()).includes(app.profileDir), 'the page never sees a path');
    await assertAccessible('thread with attachments');
  });

  test('axe-core finds no WCAG 2.1 AA violation on any screen, light or dark', async () => {
    await inbox.goto();
    await assertAccessible('inbox');
    const [first] = app.contactMessages();
    assert.ok(first, 'a message from a CRM contact');
    await app.openThread(first.threadId);
    await assertAccessible('thread');
    await thread.selectParticipant(first.from);
    await contact.waitForLoaded();
    await assertAccessible('contact panel');
    await contact.close();
    await inbox.search('pipeline');
    await assertAccessible('search results');
    await inbox.clearSearch();
    await settings.goto();
    await assertAccessible('settings');
    const dialog = app.page.getByRole('dialog', { name: `Disconnect ${ENRON_OWNER}?` });
    await assertAccessible('disconnect dialog', {
      show: async () => {
        await settings.account(ENRON_OWNER).getByRole('button', { name: 'Disconnect' }).click();
        await dialog.waitFor();
      },
      hide: async () => {
        await app.page.keyboard.press('Escape');
        await dialog.waitFor({ state: 'hidden' });
      },
    });
    assert.deepEqual(pageErrors, []);
  });

  test('focus returns to what opened a dialog, and to the list when a thread closes', async () => {
    await settings.goto();
    const disconnect = settings.account(ENRON_OWNER).getByRole('button', { name: 'Disconnect' });
    await disconnect.focus();
    await app.page.keyboard.press('Enter');
    const dialog = app.page.getByRole('dialog', { name: `Disconnect ${ENRON_OWNER}?` });
    await dialog.waitFor();
    assert.ok(await isFocusedWithin(dialog), 'focus moves into the dialog');
    await app.page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    assert.ok(await disconnect.evaluate((button) => button === document.activeElement), 'Esc returns focus to the Disconnect button');

    await inbox.goto();
    await inbox.press('Enter');
    await thread.heading.waitFor();
    await inbox.press('Escape');
    await thread.heading.waitFor({ state: 'hidden' });
    assert.ok(await inbox.threadList.evaluate((list) => list === document.activeElement), 'Esc on a thread returns focus to the list');
  });

  test('log results are announced in a polite live region; reduce motion stops the toast animation', async () => {
    const live = await app.page.getByRole('region', { name: 'Notifications' }).evaluate((region) => ({
      live: region.getAttribute('aria-live') ?? region.querySelector('[aria-live]')?.getAttribute('aria-live'),
    }));
    assert.equal(live.live, 'polite', 'toasts are announced without taking focus');
    await inbox.goto();
    const toastAnimation = async () => {
      await inbox.press('l');
      const toast = app.page.getByRole('region', { name: 'Notifications' }).getByText(/will be logged to the CRM/).first();
      await toast.waitFor();
      const duration = await toast.evaluate((element) => getComputedStyle(element.closest('.toast')!).animationDuration);
      await app.page.getByRole('button', { name: 'Undo' }).click();
      return parseFloat(duration);
    };
    assert.ok((await toastAnimation()) > 0.1, 'toasts slide in by default');
    await app.page.emulateMedia({ reducedMotion: 'reduce' });
    assert.ok((await toastAnimation()) < 0.001, 'and do not move with reduce motion on');
    await app.page.emulateMedia({ reducedMotion: null });
  });
});

async function isFocusedWithin(locator: Locator): Promise<boolean> {
  return locator.evaluate((element) => element.contains(document.activeElement));
}

async function waitFor(condition: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
