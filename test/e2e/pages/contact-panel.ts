// Page object for the contact panel: CRM facts (or "Not in CRM") and the timeline of
// emails with the address, newest first, each with its log state.
import type { Locator, Page } from 'playwright-core';

export class ContactPanel {
  readonly page: Page;
  constructor(page: Page) {
    this.page = page;
  }

  get root(): Locator {
    return this.page.getByRole('complementary', { name: 'Contact' });
  }
  get name(): Locator {
    return this.root.getByRole('heading', { level: 2 });
  }
  get notInCrm(): Locator {
    return this.root.getByRole('note').filter({ hasText: 'Not in CRM' });
  }

  async waitForLoaded(): Promise<void> {
    await this.root.getByRole('list', { name: /^Emails with / }).waitFor();
  }

  /** Company, Owner or Email from the CRM contact facts. */
  async fact(term: 'Company' | 'Owner' | 'Email'): Promise<string> {
    return (await this.root.locator('dt', { hasText: term }).locator('+ dd').textContent()) ?? '';
  }

  get emails(): Locator {
    return this.root.getByRole('list', { name: /^Emails with / }).getByRole('listitem');
  }

  async emailLogState(index: number): Promise<string | null> {
    return this.emails.nth(index).getAttribute('data-log-state');
  }

  async openEmail(index: number): Promise<void> {
    await this.emails.nth(index).getByRole('button', { name: /^(Received|Sent) / }).click();
  }

  async close(): Promise<void> {
    await this.root.getByRole('button', { name: 'Close contact panel' }).click();
  }
}
