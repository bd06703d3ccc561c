// Mail accounts: connect Gmail, Outlook or any IMAP mailbox, each account's status, sync
// progress and last sync, "Sync now", reconnect, "Allow sending" for an account signed in
// read-only (the same sign-in asking for the sending scopes too), and disconnect (revokes;
// optionally deletes local mail). An IMAP account without an outgoing server (canSend false)
// says so; it still reads and changes mail, and signing in again is how it gets one.
import { useState } from 'react';
import type { AccountSummary, SyncProgress } from '../../../src-preload/contract/index.ts';
import { signInProvider, useConnectAccount, useDisconnectAccount, useSyncAccount } from '../../api/mutations.ts';
import { useAccounts, useSyncProgress } from '../../api/queries.ts';
import { relativeTime, timeLeft } from '../../components/format.ts';
import { describeError } from '../../components/toasts.tsx';
import { DisconnectDialog } from './disconnect-dialog.tsx';
import { ImapConnectDialog } from './imap-connect-dialog.tsx';

const PROVIDER_NAMES: Record<AccountSummary['provider'], string> = { gmail: 'Gmail', microsoft: 'Outlook', imap: 'IMAP', import: 'Imported mailbox' };
const STATUS_TEXT: Record<AccountSummary['status'], string> = {
  connected: 'Connected',
  reconnect_required: 'Reconnect required',
  disconnected: 'Disconnected',
};

export function AccountsSection() {
  const { data: accounts, error } = useAccounts();
  const { data: progress = {} } = useSyncProgress();
  const connect = useConnectAccount();
  const [imapOpen, setImapOpen] = useState(false);
  return (
    <section className="settings-section" aria-labelledby="accounts-heading">
      <h2 id="accounts-heading">Mail accounts</h2>
      {error && <p role="alert" className="field-error">{describeError(error)}</p>}
      <ul className="account-list" aria-label="Mail accounts">
        {accounts?.map((account) => <AccountItem key={account.id} account={account} progress={progress[account.id]} />)}
        {accounts?.length === 0 && <li className="muted">No mail account connected yet.</li>}
      </ul>
      <div className="settings-actions">
        <button type="button" className="button" disabled={connect.isPending} onClick={() => connect.mutate('gmail')}>
          Connect Gmail
        </button>
        <button type="button" className="button" disabled={connect.isPending} onClick={() => connect.mutate('microsoft')}>
          Connect Outlook
        </button>
        <button type="button" className="button" onClick={() => setImapOpen(true)}>
          Connect IMAP
        </button>
        {connect.isPending && <span role="status">Finish signing in in your browser…</span>}
      </div>
      <ImapConnectDialog open={imapOpen} onClose={() => setImapOpen(false)} />
    </section>
  );
}

function AccountItem({ account, progress }: { account: AccountSummary; progress: SyncProgress | undefined }) {
  const [confirming, setConfirming] = useState(false);
  const [imapSignIn, setImapSignIn] = useState(false);
  const imap = account.provider === 'imap';
  const sync = useSyncAccount();
  const connect = useConnectAccount();
  const disconnect = useDisconnectAccount();
  const running = progress && (progress.phase === 'full' || progress.phase === 'incremental');
  const provider = signInProvider(account);
  const canReconnect = provider !== null;
  const readOnly = !account.canSend && account.status === 'connected' && canReconnect;
  const signIn = () => provider && connect.mutate(provider);
  return (
    <li className="account-item" aria-label={account.email} data-status={account.status} data-sync-state={account.syncState}>
      <div className="account-main">
        <div className="account-title">
          <strong>{account.email}</strong>
          <span className="muted"> · {PROVIDER_NAMES[account.provider]}</span>
        </div>
        <div className={`account-status status-${account.status}`}>
          {STATUS_TEXT[account.status]}
          {' · '}
          {account.lastSyncAt ? `Last sync ${relativeTime(account.lastSyncAt)}` : 'Never synced'}
        </div>
        {account.lastError && <div className="field-error">{account.lastError}</div>}
        {readOnly && (
          <div className="account-note" role="note">
            Connected read-only: Mailbridge can read this mailbox but not send or change mail
          </div>
        )}
        {imap && !account.canSend && (
          <div className="account-note" role="note">
            No outgoing server: this mailbox can read and change mail here but not send
          </div>
        )}
        {connect.isPending && <span role="status">Finish signing in in your browser…</span>}
        {running && (
          <div className="account-progress">
            <progress
              aria-label={`Sync progress for ${account.email}`}
              max={progress.total || 1}
              value={progress.total ? progress.done : undefined}
            />
            <span className="muted">
              {progress.phase === 'full' ? 'Full sync' : 'Syncing'}
              {progress.total ? ` ${progress.done.toLocaleString('en')} / ${progress.total.toLocaleString('en')}` : '…'}
              {progress.remainingMs != null && ` · ${timeLeft(progress.remainingMs)}`}
            </span>
          </div>
        )}
      </div>
      <div className="account-actions">
        <button type="button" className="button button-small" disabled={sync.isPending || account.status !== 'connected'} onClick={() => sync.mutate(account.id)}>
          Sync now
        </button>
        {readOnly && (
          <button type="button" className="button button-small button-primary" disabled={connect.isPending} onClick={signIn}>
            Allow sending
          </button>
        )}
        {canReconnect && (
          <button type="button" className="button button-small" disabled={connect.isPending} onClick={signIn}>
            Reconnect
          </button>
        )}
        {imap && (
          <button type="button" className="button button-small" onClick={() => setImapSignIn(true)}>
            Reconnect
          </button>
        )}
        <button type="button" className="button button-small button-danger" onClick={() => setConfirming(true)}>
          Disconnect
        </button>
      </div>
      {imap && <ImapConnectDialog open={imapSignIn} email={account.email} onClose={() => setImapSignIn(false)} />}
      <DisconnectDialog
        open={confirming}
        email={account.email}
        pending={disconnect.isPending}
        onCancel={() => setConfirming(false)}
        onConfirm={(deleteLocalData) =>
          disconnect.mutate({ accountId: account.id, deleteLocalData }, { onSettled: () => setConfirming(false) })
        }
      />
    </li>
  );
}
