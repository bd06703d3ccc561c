// Acting on conversations from the inbox: the open thread's toolbar, and e / # / s / u on
// the open thread or else the selected row. Archive and trash move on to the next
// conversation as Gmail does (opening it when one was open; an archive offers Undo); Mark unread
// goes back to the list.
import { useCallback, useEffect, useRef, type RefObject } from 'react';
import type { MailAction, ThreadView } from '../../../src-preload/contract/index.ts';
import { isThreadStarred } from '../../api/mail-action-patches.ts';
import { useMailAction } from '../../api/mail-actions.ts';
import { queryClient } from '../../api/query-client.ts';
import { keys } from '../../api/query-keys.ts';
import type { ThreadPageCache } from '../../api/thread-pages.ts';
import { useShortcuts } from '../../app/keyboard.ts';
import { showToast } from '../../components/toasts.tsx';
import type { NavigableList } from './navigable-list.ts';

interface ThreadActionsOptions {
  cache: ThreadPageCache;
  listRef: RefObject<NavigableList | null>;
  /** Search hits are showing instead of the inbox list. */
  searching: boolean;
  /** The list shows the Inbox label, which archived mail leaves. */
  inboxView: boolean;
  selectedIndex: number;
  setSelectedIndex(index: number): void;
  openThreadId: number | null;
  setOpenThreadId(threadId: number | null): void;
}

const DONE: Partial<Record<MailAction, string>> = { archive: 'Archived', trash: 'Moved to Trash' };

export function useThreadActions(options: ThreadActionsOptions): (action: MailAction, threadId: number) => void {
  const { mutate } = useMailAction(options.cache);
  const latest = useRef(options);
  useEffect(() => {
    latest.current = options;
  });

  const act = useCallback(
    (action: MailAction, threadId: number) => {
      const { listRef, searching, inboxView, setSelectedIndex, openThreadId, setOpenThreadId } = latest.current;
      const list = listRef.current;
      const index = list?.indexOf(threadId) ?? -1;
      const subject = (index >= 0 ? list?.subjectAt(index) : undefined) || queryClient.getQueryData<ThreadView>(keys.thread(threadId))?.subject;
      const moves = action === 'archive' || action === 'trash';
      const leavesInbox = action === 'trash' || (action === 'archive' && inboxView);
      // The row the rep moves to: the next one, else the one before (the last row went).
      const nextId = moves && list && index >= 0 ? (list.threadIdAt(index + 1) ?? list.threadIdAt(index - 1)) : undefined;
      mutate({ threadIds: [threadId], action, leavesList: leavesInbox });
      if (moves) {
        const rowGone = searching ? action === 'trash' : leavesInbox;
        if (list && index >= 0) {
          const last = list.count() - (rowGone ? 1 : 0) - 1;
          const next = Math.max(0, Math.min(last, rowGone ? index : index + 1));
          setSelectedIndex(next);
          list.reveal(next);
        }
        if (openThreadId === threadId) setOpenThreadId(nextId ?? null);
        // Trash takes the messages out of the local copy, so only an archive can be undone here.
        const undo = action === 'archive' ? { label: 'Undo', run: () => mutate({ threadIds: [threadId], action: 'inbox' }) } : undefined;
        showToast(`${DONE[action]}: “${subject || '(no subject)'}”`, 'info', undo ? { action: undo } : {});
      } else if (action === 'unread' && openThreadId === threadId) {
        setOpenThreadId(null);
        requestAnimationFrame(() => document.querySelector<HTMLElement>('.list-pane [role="listbox"]')?.focus());
      }
    },
    [mutate],
  );

  /** The open thread, else the selected row's. */
  const target = (): number | undefined => options.openThreadId ?? options.listRef.current?.threadIdAt(options.selectedIndex);
  const starred = (threadId: number): boolean => {
    const open = queryClient.getQueryData<ThreadView>(keys.thread(threadId));
    if (open) return isThreadStarred(open);
    const list = options.listRef.current;
    return list?.starredAt(list.indexOf(threadId)) ?? false;
  };
  const on = (action: MailAction | ((threadId: number) => MailAction)) => () => {
    const id = target();
    if (id !== undefined) act(typeof action === 'function' ? action(id) : action, id);
  };
  useShortcuts({
    e: on('archive'),
    '#': on('trash'),
    s: on((id) => (starred(id) ? 'unstar' : 'star')),
    u: on('unread'),
  });
  return act;
}
