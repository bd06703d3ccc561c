// What the rep can do with the open conversation, each button naming its shortcut:
// Reply (r), Reply all (a), Forward (f), Archive (e), Trash (#), Star / Unstar (s) and
// Mark unread (u), and Labels (Shift+L) to apply or remove the account's labels.
import type { MailAction, ThreadView } from '../../../src-preload/contract/index.ts';
import { StarIcon } from '../../components/icons.tsx';
import { LabelMenu } from './label-menu.tsx';

export type ThreadAction = Extract<MailAction, 'archive' | 'trash' | 'star' | 'unstar' | 'unread'>;
export type ReplyMode = 'reply' | 'reply-all' | 'forward';

interface ThreadToolbarProps {
  thread: Pick<ThreadView, 'id' | 'accountId' | 'labelIds'>;
  starred: boolean;
  composing: boolean;
  onCompose(mode: ReplyMode): void;
  onAct(action: ThreadAction): void;
}

function ToolButton({ label, shortcut, onClick, disabled, children }: { label: string; shortcut: string; onClick(): void; disabled?: boolean; children?: React.ReactNode }) {
  return (
    <button type="button" className="button button-small" aria-label={label} title={`${label} (${shortcut})`} disabled={disabled} onClick={onClick}>
      {children ?? label}
    </button>
  );
}

export function ThreadToolbar({ thread, starred, composing, onCompose, onAct }: ThreadToolbarProps) {
  return (
    <div className="thread-toolbar" role="group" aria-label="Conversation actions">
      <ToolButton label="Reply" shortcut="r" disabled={composing} onClick={() => onCompose('reply')} />
      <ToolButton label="Reply all" shortcut="a" disabled={composing} onClick={() => onCompose('reply-all')} />
      <ToolButton label="Forward" shortcut="f" disabled={composing} onClick={() => onCompose('forward')} />
      <span className="toolbar-gap" />
      <ToolButton label="Archive" shortcut="e" onClick={() => onAct('archive')} />
      <ToolButton label="Trash" shortcut="#" onClick={() => onAct('trash')} />
      <ToolButton label={starred ? 'Unstar' : 'Star'} shortcut="s" onClick={() => onAct(starred ? 'unstar' : 'star')}>
        <span className={starred ? 'star-on' : undefined}>
          <StarIcon filled={starred} />
        </span>
        {starred ? 'Unstar' : 'Star'}
      </ToolButton>
      <ToolButton label="Mark unread" shortcut="u" onClick={() => onAct('unread')} />
      <LabelMenu thread={thread} />
    </div>
  );
}
