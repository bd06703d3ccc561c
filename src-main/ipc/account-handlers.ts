// Mail account channels: list with sync status, connect through the system browser,
// sync now, disconnect (revoke, and on request delete the account's local mail).
import type { Handlers } from './dispatch.ts';
import type { ProfileStore } from '../store/profile-store.ts';
import type { Account } from '../store/types.ts';
import type { AccountSummary, ChannelInput } from '../../src-preload/contract/index.ts';
import type { AccountSync } from '../accounts/account-sync.ts';
import type { MailAccounts } from '../accounts/mail-accounts.ts';

type AccountChannels = 'accounts:list' | 'accounts:connect' | 'accounts:connect-imap' | 'accounts:connect-imap-oauth' | 'accounts:sync' | 'accounts:disconnect';

export interface AccountHandlerDeps {
  store: ProfileStore;
  accounts: Pick<MailAccounts, 'connect' | 'connectImap' | 'connectImapWithOAuth' | 'disconnect' | 'canSend'>;
  /** Background syncs: failures are reported through sync state and events. */
  sync: Pick<AccountSync, 'start'>;
  /** Opens OAuth pages: shell.openExternal in the app, the OS's browser elsewhere. */
  openBrowser(url: string): Promise<void>;
}

/** `unread`: threads with unread mail per account id, when the caller read them for several accounts at once. */
export function accountSummary(
  store: ProfileStore,
  account: Account,
  canSend: (accountId: number) => boolean,
  unread = store.inbox.unreadThreadsByAccount(),
): AccountSummary {
  const state = store.syncState.get(account.id);
  const lastSyncAt = state ? Math.max(state.lastFullSyncAt ?? 0, state.lastIncrementalSyncAt ?? 0) || null : null;
  return {
    id: account.id,
    provider: account.provider,
    email: account.email,
    status: account.status,
    syncState: toSyncState(state?.state, lastSyncAt),
    lastSyncAt,
    lastError: state?.state === 'error' ? (state.lastError ?? 'the last sync failed') : null,
    unreadThreads: unread.get(account.id) ?? 0,
    canSend: canSend(account.id),
  };
}

function toSyncState(state: string | undefined, lastSyncAt: number | null): AccountSummary['syncState'] {
  switch (state) {
    case 'full_sync':
      return 'full_sync';
    case 'incremental':
      return 'incremental';
    case 'error':
      return 'error';
    default:
      return lastSyncAt === null ? 'never_synced' : 'idle';
  }
}

type ServerFields = Omit<ChannelInput<'accounts:connect-imap'>, 'email' | 'password'>;

/** The form's server fields as connect input: the IMAP server as typed, the SMTP one, none (null) or to be found (absent). */
function serverSettings({ host, port, security, user, smtpHost, smtpPort, smtpSecurity }: ServerFields) {
  const server = { ...(host ? { host } : {}), ...(port ? { port } : {}), ...(security ? { security } : {}), ...(user ? { user } : {}) };
  const smtp =
    smtpHost === null ? null : smtpHost ? { host: smtpHost, ...(smtpPort ? { port: smtpPort } : {}), ...(smtpSecurity ? { security: smtpSecurity } : {}) } : undefined;
  return { server, ...(smtp !== undefined ? { smtp } : {}) };
}

export function accountHandlers(deps: AccountHandlerDeps): Pick<Handlers, AccountChannels> {
  const { store } = deps;
  const canSend = (id: number) => deps.accounts.canSend(id);
  return {
    'accounts:list': () => {
      const unread = store.inbox.unreadThreadsByAccount();
      return store.accounts.list().map((account) => accountSummary(store, account, canSend, unread));
    },
    'accounts:connect': async ({ provider, loopback }) => {
      // Loopback is Outlook's fallback where mailbridge:// cannot reach the app; Google always uses it.
      const account = await deps.accounts.connect(provider, { openBrowser: deps.openBrowser, loopback });
      deps.sync.start(account.id);
      return accountSummary(store, account, canSend);
    },
    'accounts:connect-imap': async ({ email, password, ...servers }) => {
      const account = await deps.accounts.connectImap({ email, password, ...serverSettings(servers) });
      deps.sync.start(account.id);
      return accountSummary(store, account, canSend);
    },
    'accounts:connect-imap-oauth': async ({ issuer, loopback, ...servers }) => {
      const account = await deps.accounts.connectImapWithOAuth({ issuer, openBrowser: deps.openBrowser, loopback, ...serverSettings(servers) });
      deps.sync.start(account.id);
      return accountSummary(store, account, canSend);
    },
    'accounts:sync': ({ accountId }) => {
      deps.sync.start(accountId);
      return null;
    },
    'accounts:disconnect': async ({ accountId, deleteLocalData }) => {
      await deps.accounts.disconnect(accountId, { deleteLocalData });
      return null;
    },
  };
}
