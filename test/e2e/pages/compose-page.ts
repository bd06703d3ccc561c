// Page object for writing mail: the compose window (recipients, subject, the TipTap body,
// Send / Send later / Discard, the save state), the Undo toast, and the outbox screen.
import type { Locator, Page } from 'playwright-core';

export class ComposePage {
  readonly page: Page;
  constructor(page: Page) {
    this.page = page;
  }

  get window(): Locator {
    return this.page.getByRole('dialog', { name: 'Compose' });
  }
  get body(): Locator {
    return this.window.getByRole('textbox', { name: 'Message body' });
  }
  get subject(): Locator {
    return this.window.getByRole('textbox', { name: 'Subject' });
  }
  /** Addresses of the chips in a recipient line. */
  async recipients(line: 'To' | 'Cc' | 'Bcc'): Promise<string[]> {
    const chips = this.window.getByRole('list', { name: `${line} recipients` }).getByRole('listitem');
    return (await chips.allTextContents()).map((t) => t.replace(/×/g, '').replace(/\s*Remove.*$/, '').trim());
  }

  async waitOpen(): Promise<void> {
    await this.body.waitFor();
  }

  async addRecipient(line: 'To' | 'Cc' | 'Bcc', address: string): Promise<void> {
    const field = this.window.getByRole('combobox', { name: line, exact: true });
    await field.fill(address);
    await field.press('Enter');
  }

  /** Types at the start of the body, above any signature and quote. */
  async write(text: string): Promise<void> {
    await this.body.click();
    await this.page.keyboard.press('Control+Home');
    await this.page.keyboard.type(text);
  }

  /** Waits until the draft as typed is saved in the store. */
  async saved(): Promise<void> {
    await this.window.locator('[data-save-state="saved"]').waitFor();
  }

  async send(): Promise<void> {
    await this.window.getByRole('button', { name: 'Send', exact: true }).click();
  }

  /** The draft id the window edits. */
  async draftId(): Promise<number> {
    return Number(await this.window.getAttribute('data-draft-id'));
  }

  /** The Undo of the "Sending …" toast. */
  get undoToast(): Locator {
    return this.page.getByRole('region', { name: 'Notifications' }).getByRole('button', { name: 'Undo' });
  }

  /** The outbox row of a message, by subject (data-send-state holds its state). */
  async openOutbox(): Promise<Locator> {
    await this.page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: /^Outbox/ }).click();
    return this.page.getByRole('list', { name: 'Outbox' });
  }
}
