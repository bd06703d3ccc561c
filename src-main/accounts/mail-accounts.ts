// Connecting and disconnecting mail accounts through their provider module, with the
// account list's change published either way, and connects cancelled on shutdown.
import { AppError } from '../platform/app-error.ts';
import type { AppEvents } from '../platform/app-events.ts';
import type { ProfileStore } from '../store/profile-store.ts';
import type { Account } from '../store/types.ts';
import type { RemoteMailbox } from '../mail/remote/remote-mailbox.ts';
import type { ConnectOptions, ProviderAccounts } from './provider-account.ts';
import type { ImapAccounts, ImapConnectInput, ImapOAuthConnectInput } from './imap-account.ts';

export class MailAccounts {
  readonly #store: ProfileStore;
  readonly #providers: readonly ProviderAccounts[];
  readonly #events: AppEvents;
  readonly #shutdown: AbortSignal;

  constructor(options: { store: ProfileStore; providers: readonly ProviderAccounts[]; events: AppEvents; shutdown: AbortSignal }) {
    this.#store = options.store;
    this.#providers = options.providers;
    this.#events = options.events;
    this.#shutdown = options.shutdown;
  }

  /** Signs in with `provider` in the system browser; resolves to the connected account. */
  async connect(provider: ProviderAccounts['provider'], options: ConnectOptions): Promise<Account> {
    const signal = options.signal ? AbortSignal.any([options.signal, this.#shutdown]) : this.#shutdown;
    try {
      return await this.#provider(provider).connect({ ...options, signal });
    } finally {
      this.#events.publish({ name: 'accounts:changed', payload: null });
    }
  }

  /** Connects an IMAP account with its password (ImapAccounts.connectWithPassword). */
  async connectImap(input: ImapConnectInput): Promise<Account> {
    const imap = this.#provider('imap') as ImapAccounts;
    try {
      return await imap.connectWithPassword(input);
    } finally {
      this.#events.publish({ name: 'accounts:changed', payload: null });
    }
  }

  /** Connects a mailbox over IMAP and SMTP with a Microsoft 365 or Google sign-in (ImapAccounts.connectWithOAuth). */
  async connectImapWithOAuth(input: ImapOAuthConnectInput): Promise<Account> {
    const imap = this.#provider('imap') as ImapAccounts;
    const signal = input.signal ? AbortSignal.any([input.signal, this.#shutdown]) : this.#shutdown;
    try {
      return await imap.connectWithOAuth({ ...input, signal });
    } finally {
      this.#events.publish({ name: 'accounts:changed', payload: null });
    }
  }

  /**
   * Disconnects through the account's provider (revokes or forgets its credentials); with
   * `deleteLocalData` the account and its mail leave this computer. AppError not_found.
   */
  async disconnect(accountId: number, options: { deleteLocalData?: boolean } = {}): Promise<void> {
    const account = this.#store.accounts.get(accountId);
    if (!account) throw new AppError('not_found', `no account ${accountId}`);
    const provider = this.#providers.find((p) => p.provider === account.provider);
    if (provider) {
      await provider.disconnect(accountId);
    } else {
      // An imported mailbox has no credentials to revoke; it only stops counting as connected.
      this.#store.accounts.setTokens(accountId, {});
      this.#store.accounts.setStatus(accountId, 'disconnected');
    }
    if (options.deleteLocalData) this.#store.accounts.remove(accountId);
    this.#events.publish({ name: 'accounts:changed', payload: null });
    this.#events.publish({ name: 'mail:changed', payload: { accountId } });
  }

  /** The provider side of the account for actions and sending; null for an imported mailbox (it has none). */
  mailbox(accountId: number): RemoteMailbox | null {
    const account = this.#store.accounts.get(accountId);
    if (!account) throw new AppError('not_found', `no account ${accountId}`);
    return account.provider === 'import' ? null : this.#provider(account.provider).mailbox(accountId);
  }

  /** Whether the account may send and change mail (false for imports and read-only sign-ins). */
  canSend(accountId: number): boolean {
    const account = this.#store.accounts.get(accountId);
    if (!account || account.provider === 'import' || account.status !== 'connected') return false;
    return this.#providers.find((p) => p.provider === account.provider)?.canSend(accountId) ?? false;
  }

  /** Whether the account's actions reach its provider (an IMAP account's do even when it cannot send). */
  canChange(accountId: number): boolean {
    const account = this.#store.accounts.get(accountId);
    if (!account || account.provider === 'import' || account.status !== 'connected') return false;
    const provider = this.#providers.find((p) => p.provider === account.provider);
    return provider ? (provider.canChange?.(accountId) ?? provider.canSend(accountId)) : false;
  }

  #provider(provider: ProviderAccounts['provider']): ProviderAccounts {
    const found = this.#providers.find((p) => p.provider === provider);
    if (!found) throw new AppError('invalid_input', `no ${provider} accounts in this build`);
    return found;
  }
}
