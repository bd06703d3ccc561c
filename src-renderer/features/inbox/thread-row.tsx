// One row of the thread list, memoised: selection changes re-render only the two rows
// involved, and a loaded page re-renders only its own rows.
import { memo } from 'react';
import type { ThreadListItem } from '../../../src-preload/contract/index.ts';
import { fullDate, shortDate } from '../../components/format.ts';
import { PaperclipIcon, StarIcon } from '../../components/icons.tsx';
import { LogBadge } from '../../components/log-badge.tsx';

interface ThreadRowProps {
  item: ThreadListItem | undefined;
  index: number;
  total: number;
  top: number;
  selected: boolean;
  open: boolean;
  onActivate(index: number, threadId: number): void;
}

export const rowDomId = (index: number) => `thread-row-${index}`;

export const ThreadRow = memo(function ThreadRow({ item, index, total, top, selected, open, onActivate }: ThreadRowProps) {
  const className = ['thread-row', selected && 'is-selected', open && 'is-open', item?.unread && 'is-unread', item?.starred && 'is-starred']
    .filter(Boolean)
    .join(' ');
  if (!item) {
    return (
      <div
        id={rowDomId(index)}
        role="option"
        aria-selected={selected}
        aria-posinset={index + 1}
        aria-setsize={total}
        aria-busy="true"
        aria-label="Loading"
        className={`${className} is-placeholder`}
        style={{ transform: `translateY(${top}px)` }}
      >
        <span className="placeholder-line" />
        <span className="placeholder-line short" />
      </div>
    );
  }
  return (
    <div
      id={rowDomId(index)}
      role="option"
      aria-selected={selected}
      aria-posinset={index + 1}
      aria-setsize={total}
      data-thread-id={item.id}
      data-starred={item.starred}
      className={className}
      style={{ transform: `translateY(${top}px)` }}
      onClick={() => onActivate(index, item.id)}
    >
      <div className="thread-row-top">
        {item.unread && <span className="unread-dot" aria-label="Unread" role="img" />}
        <span className="thread-from">{item.from ?? '(unknown sender)'}</span>
        {item.starred && <span className="star-mark"><StarIcon label="Starred" /></span>}
        {item.messageCount > 1 && <span className="thread-count" aria-label={`${item.messageCount} messages`} title={`${item.messageCount} messages in this conversation`}>{item.messageCount}</span>}
        <time className="thread-date" dateTime={new Date(item.lastMessageAt).toISOString()} title={fullDate(item.lastMessageAt)}>
          {shortDate(item.lastMessageAt)}
        </time>
      </div>
      <div className="thread-row-middle">
        <span className="thread-subject">{item.subject || '(no subject)'}</span>
        {item.hasAttachments && <span className="attachment-mark"><PaperclipIcon label="Has attachments" /></span>}
        {item.logged && <LogBadge state="logged" />}
      </div>
      <div className="thread-snippet">{item.snippet}</div>
    </div>
  );
});
