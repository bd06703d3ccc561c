// The compose window's last row: Send (Ctrl/Cmd+Enter), Send later, Templates, Discard, the
// quiet save state, and why sending is not possible (a read-only sign-in or an IMAP account
// without an outgoing server, unfilled template fields, a refused send).
import type { ReactNode } from 'react';
import type { AccountSummary } from '../../../src-preload/contract/index.ts';
import { signInProvider, useConnectAccount } from '../../api/mutations.ts';
import { describeError } from '../../components/toasts.tsx';
import { SendLaterMenu } from './send-later-menu.tsx';
import { SEND_KEYS } from './compose-modes.ts';
import type { SaveStatus } from './use-draft-autosave.ts';

interface ComposeFooterProps {
  account: AccountSummary | undefined;
  canSend: boolean;
  sending: boolean;
  saveStatus: SaveStatus;
  saveError: unknown;
  problem: string | null;
  /** The id of the warning that says why sending waits (unfilled fields), or null when it need not. */
  blockedBy: string | null;
  /** Beside Send later: the template picker. */
  children?: ReactNode;
  onSend(): void;
  onSchedule(sendAt: number): void;
  onDiscard(): void;
}

export function ComposeFooter(props: ComposeFooterProps) {
  const { account, canSend, sending, saveStatus, saveError, problem, blockedBy, children, onSend, onSchedule, onDiscard } = props;
  const connect = useConnectAccount();
  const provider = account ? signInProvider(account) : null;
  const describedBy = [canSend ? null : 'compose-read-only', blockedBy].filter(Boolean).join(' ') || undefined;
  return (
    <footer className="compose-footer">
      {!canSend && (
        <p id="compose-read-only" className="compose-notice" role="note">
          {account?.provider === 'imap'
            ? `${account.email} has no outgoing server, so Mailbridge cannot send from it. Sign in to it again in Settings with an outgoing server to send;`
            : `${account?.email ?? 'This account'} was connected read-only, so Mailbridge cannot send from it. Reconnect the account to send;`}{' '}
          this draft is kept.
          {account && provider && (
            <button type="button" className="button button-small" disabled={connect.isPending} onClick={() => connect.mutate(provider)}>
              {connect.isPending ? 'Waiting for sign-in…' : `Reconnect ${account.email}`}
            </button>
          )}
        </p>
      )}
      {problem && (
        <p className="field-error compose-problem" role="alert">
          {problem}
        </p>
      )}
      <div className="compose-footer-row">
        <button
          type="button"
          className="button button-primary"
          aria-label="Send"
          title={`Send (${SEND_KEYS})`}
          aria-describedby={describedBy}
          disabled={!canSend || sending || blockedBy !== null}
          onClick={onSend}
        >
          {sending ? 'Sending…' : 'Send'}
        </button>
        <SendLaterMenu disabled={!canSend || sending || blockedBy !== null} onSchedule={onSchedule} />
        {children}
        <span className="compose-save-state" role="status" data-save-state={saveStatus}>
          {saveStatus === 'saving' ? 'Saving…' : saveStatus === 'saved' ? 'Saved' : saveStatus === 'failed' ? `Not saved: ${describeError(saveError)}` : ''}
        </span>
        <button type="button" className="button button-quiet compose-discard" aria-label="Discard draft" title="Discard draft" onClick={onDiscard}>
          Discard
        </button>
      </div>
    </footer>
  );
}
