// The optimistic half of acting on mail: what a list row, a search hit and an open thread
// show the moment the rep reads, stars or marks unread, before main's mail:changed refetch.
import type { InfiniteData } from '@tanstack/react-query';
import type { MailAction, SearchPage, ThreadListItem, ThreadView } from '../../src-preload/contract/index.ts';

/** The flags an action changes, or null for actions that move the thread (archive, trash, inbox). */
function flagsOf(action: MailAction): { unread?: boolean; starred?: boolean } | null {
  switch (action) {
    case 'read':
      return { unread: false };
    case 'unread':
      return { unread: true };
    case 'star':
      return { starred: true };
    case 'unstar':
      return { starred: false };
    default:
      return null;
  }
}

export function patchListItem(item: ThreadListItem, action: MailAction): ThreadListItem {
  const flags = flagsOf(action);
  return flags ? { ...item, ...flags } : item;
}

/**
 * The open thread after the action, as main applies it (src-main/mail/actions/label-effects.ts
 * messagesActedOn): read and unstar touch every message; star and unread only the newest.
 */
export function patchThreadView(thread: ThreadView, action: MailAction): ThreadView {
  const flags = flagsOf(action);
  if (!flags) return thread;
  const newest = thread.messages.length - 1;
  return {
    ...thread,
    messages: thread.messages.map((m, i) => {
      if (flags.unread === false) return { ...m, unread: false };
      if (flags.starred === false) return { ...m, starred: false };
      return i === newest ? { ...m, ...flags } : m;
    }),
  };
}

/** A thread is starred when any of its messages is. */
export const isThreadStarred = (thread: ThreadView): boolean => thread.messages.some((m) => m.starred);

/** Search pages with these threads' unread flag changed (search hits carry no star). */
export function patchSearchPages(data: InfiniteData<SearchPage>, threadIds: ReadonlySet<number>, action: MailAction): InfiniteData<SearchPage> {
  const unread = flagsOf(action)?.unread;
  if (unread === undefined) return data;
  return {
    ...data,
    pages: data.pages.map((page) => ({
      ...page,
      threads: page.threads.map((t) => (threadIds.has(t.threadId) ? { ...t, unread } : t)),
    })),
  };
}

/** Search pages without these threads (trashed). */
export function removeFromSearchPages(data: InfiniteData<SearchPage>, threadIds: ReadonlySet<number>): InfiniteData<SearchPage> {
  return {
    ...data,
    pages: data.pages.map((page) => ({ ...page, threads: page.threads.filter((t) => !threadIds.has(t.threadId)) })),
  };
}

/** Whether cached query data is a search page list (keys.search), not its count (keys.searchCount). */
export const isSearchPages = (data: unknown): data is InfiniteData<SearchPage> =>
  typeof data === 'object' && data !== null && Array.isArray((data as { pages?: unknown }).pages);
