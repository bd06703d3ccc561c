// What one kind of mailbox (Gmail, Microsoft 365, next IMAP) supplies to the provider-neutral
// account code: sign-in into an account row, the worker job that syncs it, and disconnect.
// A new provider is one module implementing this, added to the assembly's list.
import type { WorkerJob } from '../mail/mail-worker-protocol.ts';
import type { RemoteMailbox } from '../mail/remote/remote-mailbox.ts';
import type { Account, AccountProvider } from '../store/types.ts';

export interface ConnectOptions {
  /** Opens the provider's sign-in page (Electron: shell.openExternal; CLI: the OS's browser). */
  openBrowser(url: string): Promise<void>;
  /** How long to wait for the browser to come back, ms. */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Microsoft: return through msal's loopback listener instead of the mailbridge:// deep link. */
  loopback?: boolean;
}

/** A worker job that syncs one account. */
export type SyncJob = Exclude<WorkerJob, { kind: 'import' }>;

export interface ProviderAccounts {
  readonly provider: Exclude<AccountProvider, 'import'>;
  /** Who issued the credentials, for messages to the rep ("Google access was revoked …"). */
  readonly issuer: string;
  /** Signs in through the system browser and stores the account as connected. AppError invalid_input when unconfigured. */
  connect(options: ConnectOptions): Promise<Account>;
  /** The worker job that syncs `accountId`; AppError invalid_input when unconfigured. */
  syncJob(accountId: number): SyncJob;
  /**
   * The provider side of acting on mail (change messages, send), over the stored credentials.
   * Throws ReconnectRequiredError when there are none; the caller closes it.
   */
  mailbox(accountId: number): RemoteMailbox;
  /** The account was granted changing and sending mail (older sign-ins were read-only). */
  canSend(accountId: number): boolean;
  /** Whether actions (read, star, archive, trash) reach the provider; canSend when absent. */
  canChange?(accountId: number): boolean;
  /** Revokes or forgets the credentials; each provider keeps or removes the account row as it always has. */
  disconnect(accountId: number): Promise<void>;
}
