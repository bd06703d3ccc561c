// Page object for Settings: mail accounts, the CRM connection and preferences.
import type { Locator, Page } from 'playwright-core';

export class SettingsPage {
  readonly page: Page;
  constructor(page: Page) {
    this.page = page;
  }

  async goto(): Promise<void> {
    await this.page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Settings' }).click();
    await this.page.getByRole('heading', { name: 'Mail accounts' }).waitFor();
  }

  get accounts(): Locator {
    return this.page.getByRole('list', { name: 'Mail accounts' }).getByRole('listitem');
  }
  account(email: string): Locator {
    return this.page.getByRole('listitem', { name: email });
  }
  /** data-status: connected | reconnect_required | disconnected. */
  async accountStatus(email: string): Promise<string | null> {
    return this.account(email).getAttribute('data-status');
  }
  syncProgressBar(email: string): Locator {
    return this.page.getByRole('progressbar', { name: `Sync progress for ${email}` });
  }

  async connectGmail(): Promise<void> {
    await this.page.getByRole('button', { name: 'Connect Gmail' }).click();
  }
  async connectOutlook(): Promise<void> {
    await this.page.getByRole('button', { name: 'Connect Outlook' }).click();
  }
  async syncNow(email: string): Promise<void> {
    await this.account(email).getByRole('button', { name: 'Sync now' }).click();
  }
  async reconnect(email: string): Promise<void> {
    await this.account(email).getByRole('button', { name: 'Reconnect' }).click();
  }

  /** Disconnect with the confirmation dialog; `deleteLocalData` ticks "Also delete local mail". */
  async disconnect(email: string, options: { deleteLocalData: boolean; confirm?: boolean } = { deleteLocalData: false }): Promise<void> {
    await this.account(email).getByRole('button', { name: 'Disconnect' }).click();
    const dialog = this.page.getByRole('dialog', { name: `Disconnect ${email}?` });
    await dialog.waitFor();
    if (options.deleteLocalData) await dialog.getByRole('checkbox', { name: 'Also delete local mail from this computer' }).check();
    if (options.confirm === false) await dialog.getByRole('button', { name: 'Cancel' }).click();
    else await dialog.getByRole('button', { name: 'Disconnect' }).click();
    await dialog.waitFor({ state: 'hidden' });
  }

  get crmStatus(): Locator {
    return this.page.getByLabel('CRM status');
  }
  /** data-crm-state: not_connected | connected | reconnect_required. */
  async crmState(): Promise<string | null> {
    return this.crmStatus.getAttribute('data-crm-state');
  }

  /** Saves a HubSpot token; resolves to the success text or the error shown. */
  async connectCrm(token: string): Promise<{ ok: boolean; text: string }> {
    const field = this.page.getByLabel('HubSpot private-app token');
    await field.fill(token);
    await this.page.getByRole('button', { name: 'Save', exact: true }).click();
    const form = this.page.locator('form.crm-form');
    const outcome = form.getByRole('status').or(form.getByRole('alert'));
    await outcome.first().waitFor();
    const text = (await outcome.first().textContent()) ?? '';
    return { ok: (await form.getByRole('status').count()) > 0, text };
  }

  async disconnectCrm(): Promise<void> {
    await this.page.getByRole('button', { name: 'Disconnect CRM' }).click();
  }

  async setSyncInterval(minutes: number): Promise<void> {
    const field = this.page.getByLabel('Sync every folder every (minutes)');
    await field.fill(String(minutes));
    await field.press('Enter');
  }

  get autoLog(): Locator {
    return this.page.getByRole('checkbox', { name: 'Log every email with known contacts' });
  }
  async setAutoLog(on: boolean): Promise<void> {
    await this.autoLog.setChecked(on);
  }

  get neverLogEntries(): Locator {
    return this.page.getByRole('list', { name: 'Never log' }).getByRole('listitem');
  }
  /** Adds an address or domain; resolves to main's validation message, or null when accepted. */
  async addNeverLog(entry: string): Promise<string | null> {
    const field = this.page.getByLabel('Address or domain to never log');
    await field.fill(entry);
    await this.page.getByRole('button', { name: 'Add', exact: true }).click();
    const error = this.page.locator('.never-log').getByRole('alert');
    const accepted = field.and(this.page.locator('input:placeholder-shown'));
    await error.or(accepted).first().waitFor();
    return (await error.count()) > 0 ? await error.textContent() : null;
  }
  async removeNeverLog(entry: string): Promise<void> {
    await this.page.getByRole('button', { name: `Remove ${entry}` }).click();
  }

  async setTheme(theme: 'System' | 'Light' | 'Dark'): Promise<void> {
    await this.page.getByRole('radio', { name: theme }).check();
  }
}
