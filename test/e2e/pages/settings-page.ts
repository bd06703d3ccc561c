// Page object for Settings: mail accounts (with the IMAP sign-in form), the CRM connection
// and preferences.
import type { Locator, Page } from 'playwright-core';

/** What the rep types into "Connect an IMAP mailbox"; any server field opens "Server settings". */
export interface ImapForm {
  email: string;
  password: string;
  host?: string;
  port?: number;
  security?: 'TLS (port 993)' | 'STARTTLS (port 143)';
  user?: string;
  /** The outgoing server; left empty, main finds it from the address. */
  smtpHost?: string;
  smtpPort?: number;
  smtpSecurity?: 'STARTTLS (port 587)' | 'TLS (port 465)';
  /** Ticks "No outgoing server (read only)". */
  noSmtp?: boolean;
}

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
  /** The provider label beside the address: Gmail, Outlook, IMAP or Imported mailbox. */
  async accountProvider(email: string): Promise<string> {
    const text = (await this.account(email).locator('.account-title .muted').textContent()) ?? '';
    return text.replace(/^\s*·\s*/, '');
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
  get imapDialog(): Locator {
    return this.page.getByRole('dialog', { name: 'Connect an IMAP mailbox' });
  }
  /**
   * A field of the IMAP form by its label: Email address, Password, IMAP server, Port, Security,
   * User name, SMTP server, SMTP port, SMTP security, No outgoing server (read only).
   */
  imapField(label: string): Locator {
    return this.imapDialog.getByLabel(label, { exact: true });
  }
  get imapServerSettings(): Locator {
    return this.imapDialog.getByRole('button', { name: 'Server settings' });
  }
  async openConnectImap(): Promise<void> {
    await this.page.getByRole('button', { name: 'Connect IMAP' }).click();
    await this.imapDialog.waitFor();
  }
  async fillImap(form: ImapForm): Promise<void> {
    await this.imapField('Email address').fill(form.email);
    await this.imapField('Password').fill(form.password);
    const { email: _email, password: _password, ...server } = form;
    await this.fillImapServers(server);
  }
  /** The "Server settings" part of the form, opened where any is given. */
  async fillImapServers(form: Omit<ImapForm, 'email' | 'password'>): Promise<void> {
    const opens = Object.values(form).some((value) => value !== undefined);
    if (opens && (await this.imapServerSettings.getAttribute('aria-expanded')) !== 'true') await this.imapServerSettings.click();
    if (form.host !== undefined) await this.imapField('IMAP server').fill(form.host);
    if (form.security !== undefined) await this.imapField('Security').selectOption({ label: form.security });
    if (form.port !== undefined) await this.imapField('Port').fill(String(form.port));
    if (form.user !== undefined) await this.imapField('User name').fill(form.user);
    if (form.noSmtp !== undefined) await this.imapNoSmtp.setChecked(form.noSmtp);
    if (form.smtpHost !== undefined) await this.imapField('SMTP server').fill(form.smtpHost);
    if (form.smtpSecurity !== undefined) await this.imapField('SMTP security').selectOption({ label: form.smtpSecurity });
    if (form.smtpPort !== undefined) await this.imapField('SMTP port').fill(String(form.smtpPort));
  }
  get imapNoSmtp(): Locator {
    return this.imapDialog.getByRole('checkbox', { name: 'No outgoing server (read only)' });
  }
  /**
   * Presses Connect; resolves when the dialog closes (ok) or main's refusal shows in its alert.
   * Dovecot delays a refused login (auth_failure_delay, 2 s), so a failure shown before this
   * attempt is gone while "Signing in…" shows.
   */
  async submitImap(timeout = 30_000): Promise<{ ok: boolean; text: string }> {
    const alert = this.imapDialog.getByRole('alert');
    const stale = (await alert.count()) > 0;
    await this.imapDialog.getByRole('button', { name: 'Connect', exact: true }).click();
    const failed = async () => {
      if (stale) await this.imapDialog.getByRole('status').filter({ hasText: 'Signing in…' }).waitFor({ timeout });
      await alert.waitFor({ timeout });
      return false;
    };
    const closed = async () => {
      await this.imapDialog.waitFor({ state: 'hidden', timeout });
      return true;
    };
    const ok = await Promise.race([closed(), failed()]);
    return { ok, text: ok ? '' : ((await alert.textContent()) ?? '') };
  }
  /**
   * Opens the form, fills in the servers and presses "Sign in with … instead"; resolves with ''
   * once the dialog closes after the issuer's sign-in, or with the text of main's refusal.
   */
  async signInImapInstead(issuer: 'Microsoft 365' | 'Google', servers: Omit<ImapForm, 'email' | 'password'>, timeout = 60_000): Promise<string> {
    await this.openConnectImap();
    await this.fillImapServers(servers);
    await this.imapDialog.getByRole('button', { name: `Sign in with ${issuer} instead` }).click();
    const alert = this.imapDialog.getByRole('alert');
    const closed = this.imapDialog.waitFor({ state: 'hidden', timeout }).then(() => '');
    const refused = alert.waitFor({ timeout }).then(async () => (await alert.textContent()) ?? 'an alert');
    return Promise.race([closed, refused]);
  }
  /** Opens the form, fills it and presses Connect. */
  async connectImap(form: ImapForm): Promise<{ ok: boolean; text: string }> {
    await this.openConnectImap();
    await this.fillImap(form);
    return this.submitImap();
  }
  async cancelImap(): Promise<void> {
    await this.imapDialog.getByRole('button', { name: 'Cancel' }).click();
    await this.imapDialog.waitFor({ state: 'hidden' });
  }
  /** The note an account row shows, e.g. that an IMAP account has no outgoing server. */
  accountNote(email: string): Locator {
    return this.account(email).getByRole('note');
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
    const error = this.page.locator('.never-log').getByRole('alert');
    await field.fill(entry);
    // Typing dismisses the last refusal; waiting for that keeps it from being read as this one's.
    await error.waitFor({ state: 'detached' });
    await this.page.getByRole('button', { name: 'Add', exact: true }).click();
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
