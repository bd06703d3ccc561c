// The services' public shape: what the Electron shell, the headless server, the CLI, the
// demo and the tests hold after openServices() (app/assemble.ts builds them).
import type { ImapConnectInput, ImapOAuthConnectInput } from '../accounts/imap-account.ts';
import type { ConnectOptions } from '../accounts/provider-account.ts';
import type { CrmService } from '../crm/crm-service.ts';
import type { Handlers } from '../ipc/dispatch.ts';
import type { SyncResult } from '../mail/gmail-sync.ts';
import type { SyncScope } from '../mail/graph-sync.ts';
import type { DesktopFiles } from '../mail/attachments/attachment-files.ts';
import type { ImportOptions, ImportResult } from '../mail/import/importer.ts';
import type { AppEvent } from '../platform/app-events.ts';
import type { SecretStore } from '../platform/keychain.ts';
import type { ProfileConfigInput } from '../platform/profile-config.ts';
import type { SettingsService } from '../settings/settings-service.ts';
import type { ProfileStore } from '../store/profile-store.ts';
import type { Account } from '../store/types.ts';
import type { EventPayload } from '../../src-preload/contract/index.ts';

export type { ConnectOptions } from '../accounts/provider-account.ts';
export type SyncProgressEvent = EventPayload<'sync:progress'>;

export interface OpenServicesOptions {
  profileDir: string;
  /** Defaults to the OS keychain (Secret Service on Linux). */
  secrets?: SecretStore;
  /** Defaults to DIR/config.json. */
  config?: ProfileConfigInput;
  /** While the CRM is unreachable, how often (ms) to try it again; default 15 s. */
  reconnectProbeMs?: number;
  /** Opens OAuth pages for accounts:connect; defaults to the OS's browser (the Electron shell passes shell.openExternal). */
  openBrowser?: (url: string) => Promise<void>;
  /** Opening and saving attachments: the Electron shell and a save dialog in the app; default xdg-open and ~/Downloads. */
  desktop?: DesktopFiles;
  /** Whether the network is up, asked before each background round (Electron's net.isOnline); default: always. */
  online?: () => boolean;
}

export interface Services {
  readonly store: ProfileStore;
  readonly settings: SettingsService;
  readonly crm: CrmService;
  /** The preload contract's handlers, for ipc/register.ts and the headless server. */
  readonly handlers: Handlers;
  connectGmail(options: ConnectOptions): Promise<Account>;
  /** Microsoft 365 / Outlook sign-in: the redirect comes back through handleDeepLink, or msal's loopback with `loopback`. */
  connectMicrosoft(options: ConnectOptions): Promise<Account>;
  /** IMAP: address and password, server found or given; the sign-in is tried before anything is stored. */
  connectImap(input: ImapConnectInput): Promise<Account>;
  /** Microsoft 365 or Google mail over IMAP/SMTP: the issuer's sign-in in the browser, then XOAUTH2 to the servers (the issuer's unless given). */
  connectImapWithOAuth(input: ImapOAuthConnectInput): Promise<Account>;
  /** `scope` 'new-mail' walks only Outlook's Inbox and Sent Items (AccountSync.sync). */
  syncAccount(accountId: number, options?: { signal?: AbortSignal; scope?: SyncScope }): Promise<SyncResult>;
  disconnect(accountId: number): Promise<void>;
  importMailbox(path: string, options?: Pick<ImportOptions, 'accountEmail' | 'onProgress' | 'signal'>): Promise<ImportResult>;
  onSyncProgress(listener: (progress: SyncProgressEvent) => void): () => void;
  /** Every event for the renderer (sync progress, account, mail, CRM and settings changes); returns unsubscribe. */
  onEvent(listener: (event: AppEvent) => void): () => void;
  /** Hands a mailbridge:// link delivered by the OS to what waits for it (a Microsoft sign-in); false when nothing did. */
  handleDeepLink(url: string): boolean;
  /**
   * Checks every connected mailbox for new mail and syncs it whole on the settings' intervals
   * until close(), pausing while offline (see OpenServicesOptions.online). The app calls it;
   * tests and the CLI do not.
   */
  startBackgroundSync(): void;
  /** The machine sleeps (Electron powerMonitor 'suspend'): background rounds pause. */
  suspendBackgroundSync(): void;
  /** The machine woke ('resume'): a whole round of every mailbox now, then the schedule. */
  resumeBackgroundSync(): void;
  /** Stops the schedule, syncs and the outbox (waiting for sends under way to be recorded), then closes the store. */
  close(): Promise<void>;
}
