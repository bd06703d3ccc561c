// Mail account channels: list with sync status, connect through the system browser,
// sync now, disconnect (revoke, and on request delete the account's local mail).
import type { Handlers } from './dispatch.ts';
import type { ProfileStore } from '../store/profile-store.ts';
import type { Account } from '../store/types.ts';
import type { AccountSummary } from '../../src-preload/contract/index.ts';

type AccountChannels = 'accounts:list' | 'accounts:connect' | 'accounts:sync' | 'accounts:disconnect';

export interface AccountHandlerDeps {
  store: ProfileStore;
  /** Runs the provider's sign-in in the system browser; resolves to the connected account. */
  connect(provider: 'gmail' | 'microsoft', options: { loopback: boolean }): Promise<Account>;
  /** Starts a sync in the background; failures are reported through sync state and events. */
  startSync(accountId: number): void;
  disconnect(accountId: number, options: { deleteLocalData: boolean }): Promise<void>;
}

export function accountSummary(store: ProfileStore, account: Account): AccountSummary {
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

export function accountHandlers(deps: AccountHandlerDeps): Pick<Handlers, AccountChannels> {
  const { store } = deps;
  return {
    'accounts:list': () => store.accounts.list().map((account) => accountSummary(store, account)),
    'accounts:connect': async ({ provider, loopback }) => {
      const account = await deps.connect(provider, { loopback });
      deps.startSync(account.id);
      return accountSummary(store, account);
    },
    'accounts:sync': ({ accountId }) => {
      deps.startSync(accountId);
      return null;
    },
    'accounts:disconnect': async ({ accountId, deleteLocalData }) => {
      await deps.disconnect(accountId, { deleteLocalData });
      return null;
    },
  };
}
