// Page object for the mail screen's list pane: the virtual thread list, filters, search
// and keyboard navigation, driven through roles and labels as a rep's assistive tech would.
import type { Locator, Page } from 'playwright-core';

export class InboxPage {
  readonly page: Page;
  constructor(page: Page) {
    this.page = page;
  }

  get threadList(): Locator {
    return this.page.getByRole('listbox', { name: 'Threads' });
  }
  get searchResults(): Locator {
    return this.page.getByRole('listbox', { name: 'Search results' });
  }
  get searchBox(): Locator {
    return this.page.getByRole('searchbox', { name: 'Search mail' });
  }
  /** Loaded rows (placeholders have the name "Loading"). */
  get rows(): Locator {
    return this.threadList.getByRole('option');
  }
  row(subject: string | RegExp): Locator {
    return this.rows.filter({ hasText: subject }).first();
  }
  get selectedRow(): Locator {
    return this.page.locator('[role="listbox"] [role="option"][aria-selected="true"]');
  }

  async goto(): Promise<void> {
    await this.page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Inbox' }).click();
    await this.waitForList();
    // Keys go to the list, not to the nav button that still has focus (Enter would press it).
    await this.threadList.focus();
  }

  async waitForList(timeout = 15_000): Promise<void> {
    await this.threadList.locator('[role="option"][data-thread-id]').first().waitFor({ timeout });
  }

  /** Opens the first row whose text contains the subject (it must be rendered: near the top or scrolled to). */
  async openThread(subject: string | RegExp): Promise<void> {
    await this.row(subject).click();
    await this.page.getByRole('region', { name: 'Thread' }).getByRole('heading', { level: 2 }).waitFor();
  }

  async openThreadAt(index: number): Promise<void> {
    await this.rows.nth(index).click();
    await this.page.getByRole('region', { name: 'Thread' }).getByRole('heading', { level: 2 }).waitFor();
  }

  /** Runs full-text search and waits for the results list (or the "no mail matches" caption). */
  async search(query: string): Promise<void> {
    await this.page.keyboard.press('Escape');
    await this.page.keyboard.press('/');
    await this.searchBox.fill(query);
    await this.searchBox.press('Enter');
    await this.page.getByText(/conversations? for “|No mail matches/).first().waitFor();
  }

  searchHits(): Locator {
    return this.searchResults.getByRole('option');
  }

  /** Opens the thread's search result, asking for more results until it shows. */
  async openSearchThread(threadId: number): Promise<void> {
    const row = this.searchResults.locator(`[role="option"][data-thread-id="${threadId}"]`);
    for (let pages = 0; (await row.count()) === 0 && pages < 20; pages++) {
      await this.page.getByRole('button', { name: /^More results/ }).click();
      await this.page.getByRole('button', { name: /^More results/ }).or(row).first().waitFor();
    }
    await row.click();
    await this.page.getByRole('region', { name: 'Thread' }).getByRole('heading', { level: 2 }).waitFor();
  }

  async openSearchHit(index = 0): Promise<void> {
    await this.searchHits().nth(index).click();
    await this.page.getByRole('region', { name: 'Thread' }).getByRole('heading', { level: 2 }).waitFor();
  }

  async clearSearch(): Promise<void> {
    await this.searchBox.fill('');
    await this.searchBox.press('Escape');
  }

  async filterByAccount(email: string | null): Promise<void> {
    await this.page.getByRole('combobox', { name: 'Account' }).selectOption(email === null ? { value: '' } : { label: email });
  }

  async filterByLabel(name: string | null): Promise<void> {
    await this.page.getByRole('combobox', { name: 'Label' }).selectOption(name === null ? { value: '' } : { label: name });
  }

  /** `aria-setsize` of the rows: the filter's total thread count. */
  async total(): Promise<number> {
    return Number(await this.rows.first().getAttribute('aria-setsize'));
  }

  /** Scrolls the virtual list by pixels (e.g. rows × 76). */
  async scrollBy(pixels: number): Promise<void> {
    await this.threadList.evaluate((element, dy) => element.scrollBy(0, dy), pixels);
  }

  async scrollToFraction(fraction: number): Promise<void> {
    await this.threadList.evaluate((element, f) => {
      element.scrollTop = (element.scrollHeight - element.clientHeight) * f;
    }, fraction);
  }

  /** Single-key shortcuts: j/k move, Enter opens, Esc closes, l logs, / focuses search. */
  async press(key: 'j' | 'k' | 'Enter' | 'Escape' | 'l' | '/'): Promise<void> {
    await this.page.keyboard.press(key);
  }

  /** Switches between light and dark; resolves to the theme now applied on <html data-theme>. */
  async toggleTheme(): Promise<string> {
    await this.page.getByRole('button', { name: /^Switch to (light|dark) theme$/ }).click();
    return (await this.page.locator('html').getAttribute('data-theme')) ?? '';
  }

  async theme(): Promise<string | null> {
    return this.page.locator('html').getAttribute('data-theme');
  }

  get offlineBanner(): Locator {
    return this.page.getByRole('status', { name: 'Offline' });
  }

  get syncProgress(): Locator {
    return this.page.getByRole('status', { name: 'Sync progress' });
  }

  /** Error toasts (role=alert) in the Notifications region. */
  get errorToasts(): Locator {
    return this.page.getByRole('region', { name: 'Notifications' }).getByRole('alert');
  }

  async waitForToast(text: string | RegExp): Promise<void> {
    await this.page.getByRole('region', { name: 'Notifications' }).getByText(text).first().waitFor();
  }
}
