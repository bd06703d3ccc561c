// Page object for the open thread: messages, quoted text, remote images, attachments, and
// CRM logging per message and per thread with its state (data-log-state on each message).
import type { FrameLocator, Locator, Page } from 'playwright-core';

export type LogState = 'none' | 'queued' | 'logged' | 'failed' | 'paused';

export class ThreadPage {
  readonly page: Page;
  constructor(page: Page) {
    this.page = page;
  }

  get root(): Locator {
    return this.page.getByRole('region', { name: 'Thread' });
  }
  get heading(): Locator {
    return this.root.getByRole('heading', { level: 2 });
  }
  get messages(): Locator {
    return this.root.getByRole('article');
  }
  message(index: number): Locator {
    return this.messages.nth(index);
  }
  /** The newest message (expanded when the thread opens). */
  get lastMessage(): Locator {
    return this.messages.last();
  }

  async subject(): Promise<string> {
    return (await this.heading.textContent()) ?? '';
  }

  async close(): Promise<void> {
    await this.root.getByRole('button', { name: 'Close thread' }).click();
  }

  async expand(index: number): Promise<void> {
    const toggle = this.message(index).getByRole('button', { name: /^(Expand|Collapse) message/ });
    if ((await toggle.getAttribute('aria-expanded')) !== 'true') await toggle.click();
  }

  /** Clicks "Log to CRM" on message `index` (0 = oldest). */
  async logMessage(index: number): Promise<void> {
    await this.message(index).getByRole('button', { name: 'Log to CRM' }).click();
  }

  async logThread(): Promise<void> {
    await this.root.getByRole('button', { name: 'Log thread' }).click();
  }

  async logState(index: number): Promise<LogState> {
    return (await this.message(index).getAttribute('data-log-state')) as LogState;
  }

  /** Waits until message `index` (default: every message) shows the state. */
  async waitForLogState(state: LogState, index?: number, timeout = 10_000): Promise<void> {
    await this.page.waitForFunction(
      ({ selector, state: wanted, nth }) => {
        const all = [...document.querySelectorAll(selector)];
        const list = nth === null ? all : all.slice(nth, nth + 1);
        return list.length > 0 && list.every((el) => el.getAttribute('data-log-state') === wanted);
      },
      { selector: '[aria-label="Thread"] article[data-log-state]', state, nth: index ?? null },
      { timeout },
    );
  }

  /** The failure reason shown beside a failed or paused message. */
  async logError(index: number): Promise<string> {
    return (await this.message(index).locator('.log-error').textContent()) ?? '';
  }

  async retry(index: number): Promise<void> {
    await this.message(index).getByRole('button', { name: 'Retry' }).click();
  }

  async reconnectCrm(index: number): Promise<void> {
    await this.message(index).getByRole('button', { name: 'Reconnect CRM' }).click();
  }

  /** Opens the contact panel for a participant of message `index` by name or address. */
  async selectParticipant(nameOrAddress: string | RegExp, index = -1): Promise<void> {
    const message = index < 0 ? this.lastMessage : this.message(index);
    await message.getByRole('button', { name: nameOrAddress }).and(this.page.locator('button.participant')).first().click();
  }

  async showQuotedText(index = -1): Promise<void> {
    const message = index < 0 ? this.lastMessage : this.message(index);
    await message.getByRole('button', { name: 'Show quoted text' }).click();
  }

  /** The sandboxed frame of an HTML message. */
  frame(index = -1): FrameLocator {
    const message = index < 0 ? this.lastMessage : this.message(index);
    return message.locator('iframe.message-frame').contentFrame();
  }

  frameElement(index = -1): Locator {
    const message = index < 0 ? this.lastMessage : this.message(index);
    return message.locator('iframe.message-frame');
  }

  remoteImagesNotice(index = -1): Locator {
    const message = index < 0 ? this.lastMessage : this.message(index);
    return message.getByRole('status', { name: 'Remote images blocked' });
  }

  async allowRemoteImages(index = -1): Promise<void> {
    await this.remoteImagesNotice(index).getByRole('button', { name: /^Allow from / }).click();
  }

  attachments(index = -1): Locator {
    const message = index < 0 ? this.lastMessage : this.message(index);
    return message.getByRole('list', { name: 'Attachments' }).getByRole('listitem');
  }
}
