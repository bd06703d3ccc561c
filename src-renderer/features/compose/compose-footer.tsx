// The compose window's last row: Send (Ctrl/Cmd+Enter), Send later, Discard, the quiet save
// state, and why sending is not possible (a read-only sign-in, a refused send).
import type { AccountSummary } from '../../../src-preload/contract/index.ts';
import { useConnectAccount } from '../../api/mutations.ts';
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
  onSend(): void;
  onSchedule(sendAt: number): void;
  onDiscard(): void;
}

export function ComposeFooter({ account, canSend, sending, saveStatus, saveError, problem, onSend, onSchedule, onDiscard }: ComposeFooterProps) {
  const connect = useConnectAccount();
  return (
    <footer className="compose-footer">
      {!canSend && (
        <p id="compose-read-only" className="compose-notice" role="note">
          {account?.email ?? 'This account'} was connected read-only, so Mailbridge cannot send from it. Reconnect the account to send;
          this draft is kept.
          {account && account.provider !== 'import' && (
            <button
              type="button"
              className="button button-small"
              disabled={connect.isPending}
              onClick={() => connect.mutate(account.provider === 'microsoft' ? 'microsoft' : 'gmail')}
            >
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
          aria-describedby={canSend ? undefined : 'compose-read-only'}
          disabled={!canSend || sending}
          onClick={onSend}
        >
          {sending ? 'Sending…' : 'Send'}
        </button>
        <SendLaterMenu disabled={!canSend || sending} onSchedule={onSchedule} />
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
