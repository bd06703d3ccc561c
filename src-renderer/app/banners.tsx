// Window-wide status strips: offline, accounts or the CRM needing a reconnect, a sync that
// stopped on an error (with the reason and Sync now), and the progress of running syncs.
// Each is a labelled region the rep (and the tests) can find.
import type { AccountSummary } from '../../src-preload/contract/index.ts';
import { useAccounts, useCrmStatus, useSyncProgress } from '../api/queries.ts';
import { signInProvider, useConnectAccount, useSyncAccount } from '../api/mutations.ts';
import { useOffline } from './connectivity.ts';

export function Banners({ onOpenSettings }: { onOpenSettings(): void }) {
  const offline = useOffline();
  const { data: accounts = [] } = useAccounts();
  const { data: crm } = useCrmStatus();
  const reconnect = accounts.filter((a) => a.status === 'reconnect_required');
  // Offline, every sync fails for the same known reason: the offline strip says it once.
  const failed = offline ? [] : accounts.filter((a) => a.status === 'connected' && a.syncState === 'error' && a.lastError);
  return (
    <div className="banners">
      {offline && (
        <div className="banner banner-offline" role="status" aria-label="Offline">
          You are offline. Mail stays readable; logs to the CRM wait in the outbox and are sent once you are back online.
        </div>
      )}
      {reconnect.map((account) => (
        <ReconnectAccountBanner key={account.id} account={account} />
      ))}
      {failed.map((account) => (
        <SyncFailedBanner key={account.id} account={account} />
      ))}
      {crm?.state === 'reconnect_required' && (
        <div className="banner banner-warning" role="alert" aria-label="CRM reconnect required">
          HubSpot needs to be reconnected{crm.lastError ? `: ${crm.lastError}` : ''}. Logging is paused.
          <button type="button" className="button button-small" onClick={onOpenSettings}>
            Reconnect CRM
          </button>
        </div>
      )}
      <SyncStrip accounts={accounts} />
    </div>
  );
}

function ReconnectAccountBanner({ account }: { account: AccountSummary }) {
  const connect = useConnectAccount();
  const provider = signInProvider(account);
  return (
    <div className="banner banner-warning" role="alert" aria-label={`Reconnect ${account.email}`}>
      {account.email} needs to be reconnected before it can sync again.
      {provider && (
        <button type="button" className="button button-small" disabled={connect.isPending} onClick={() => connect.mutate(provider)}>
          {connect.isPending ? 'Waiting for sign-in…' : `Reconnect ${account.email}`}
        </button>
      )}
    </div>
  );
}

/** A sync that stopped (the provider kept failing, the disk is full): what happened, and a way to try again. */
function SyncFailedBanner({ account }: { account: AccountSummary }) {
  const sync = useSyncAccount();
  return (
    <div className="banner banner-warning" role="alert" aria-label={`Sync of ${account.email} stopped`}>
      Sync of {account.email} stopped: {sentence(account.lastError ?? '')} Mail already here stays readable.
      <button type="button" className="button button-small" disabled={sync.isPending} onClick={() => sync.mutate(account.id)}>
        {sync.isPending ? 'Syncing…' : 'Sync now'}
      </button>
    </div>
  );
}

function SyncStrip({ accounts }: { accounts: AccountSummary[] }) {
  const { data: progress = {} } = useSyncProgress();
  // The new-mail check every 30 s stays quiet unless it found something to fetch.
  const running = Object.values(progress).filter((p) => p.phase === 'full' || (p.phase === 'incremental' && p.total > 0));
  if (running.length === 0) return null;
  const done = running.reduce((sum, p) => sum + p.done, 0);
  const total = running.reduce((sum, p) => sum + p.total, 0);
  const names = running.map((p) => accounts.find((a) => a.id === p.accountId)?.email ?? 'account').join(', ');
  return (
    <div className="sync-strip" role="status" aria-label="Sync progress">
      <span>
        Syncing {names}
        {total > 0 ? ` — ${done.toLocaleString('en')} of ${total.toLocaleString('en')}` : '…'}
      </span>
      <progress aria-label="Overall sync progress" max={total || 1} value={total ? done : undefined} />
    </div>
  );
}

/** `text` ending in a full stop (the main process's error messages have none). */
function sentence(text: string): string {
  return /[.!?]$/.test(text) ? text : `${text}.`;
}
