// Wires main-process events into the query cache once for the whole app: each event
// invalidates or patches exactly the queries it affects (contract `events`).
import { useEffect } from 'react';
import type { SendItem, SyncProgress, ThreadView, Timeline } from '../../src-preload/contract/index.ts';
import { subscribe } from './client.ts';
import { newFailures, upsertById } from './compose-cache.ts';
import { queryClient } from './query-client.ts';
import { keys } from './query-keys.ts';

type MailListener = () => void;
const mailListeners = new Set<MailListener>();

/** The inbox's page cache listens here: new mail or changed log states re-read the visible rows. */
export function onThreadListChanged(listener: MailListener): () => void {
  mailListeners.add(listener);
  return () => mailListeners.delete(listener);
}

const notifyThreadList = (() => {
  let timer: ReturnType<typeof setTimeout> | null = null;
  // Sync batches arrive in bursts; one re-read per 250 ms is plenty for a list.
  return () => {
    timer ??= setTimeout(() => {
      timer = null;
      for (const listener of mailListeners) listener();
    }, 250);
  };
})();

type SendFailureListener = (item: SendItem) => void;
const sendFailureListeners = new Set<SendFailureListener>();
/** `id:attempts` of failures already reported, so each failure is announced once. */
const reportedFailures = new Set<string>();

/** Called once for each outbox item that turns failed (the shell shows it as an error toast). */
export function onSendFailed(listener: SendFailureListener): () => void {
  sendFailureListeners.add(listener);
  return () => sendFailureListeners.delete(listener);
}

function onSendChanged(items: SendItem[]): void {
  const failed = newFailures(queryClient.getQueryData<SendItem[]>(keys.outbox), items, reportedFailures);
  queryClient.setQueryData<SendItem[]>(keys.outbox, (list) => upsertById(list, items));
  // The event names the items that changed; send:list also drops those sent over a day ago.
  void queryClient.invalidateQueries({ queryKey: keys.outbox });
  for (const item of failed) for (const listener of sendFailureListeners) listener(item);
  // A reply that left belongs in its open conversation.
  if (items.some((item) => item.state === 'sent')) void queryClient.invalidateQueries({ queryKey: keys.threadsAll });
}

/** Re-reads the visible thread lists, as new mail does (a failed optimistic action goes back to main's state). */
export const refreshThreadLists = (): void => notifyThreadList();

function invalidateLogStates(messageIds: number[]): void {
  const ids = new Set(messageIds);
  void queryClient.invalidateQueries({
    queryKey: keys.threadsAll,
    predicate: (query) => (query.state.data as ThreadView | undefined)?.messages.some((m) => ids.has(m.id)) ?? false,
  });
  void queryClient.invalidateQueries({
    queryKey: keys.timelinesAll,
    predicate: (query) => (query.state.data as Timeline | undefined)?.emails.some((e) => ids.has(e.messageId)) ?? false,
  });
  void queryClient.invalidateQueries({ queryKey: keys.crmStatus });
}

export function useEventSync(): void {
  useEffect(() => {
    const unsubscribers = [
      subscribe('accounts:changed', () => {
        void queryClient.invalidateQueries({ queryKey: keys.accounts });
        void queryClient.invalidateQueries({ queryKey: ['labels'] });
        void queryClient.invalidateQueries({ queryKey: keys.stats });
        notifyThreadList();
      }),
      subscribe('mail:changed', () => {
        // Unread counts beside accounts and labels follow new and read mail.
        void queryClient.invalidateQueries({ queryKey: keys.accounts });
        void queryClient.invalidateQueries({ queryKey: ['labels'] });
        void queryClient.invalidateQueries({ queryKey: keys.stats });
        void queryClient.invalidateQueries({ queryKey: ['search'] });
        // An open conversation may have gained a message (a reply, the sent copy) or changed state.
        void queryClient.invalidateQueries({ queryKey: keys.threadsAll });
        notifyThreadList();
      }),
      subscribe('sync:progress', (progress: SyncProgress) => {
        queryClient.setQueryData<Record<number, SyncProgress>>(keys.syncProgress, (all) => ({
          ...all,
          [progress.accountId]: progress,
        }));
        if (progress.phase === 'idle' || progress.phase === 'error') {
          void queryClient.invalidateQueries({ queryKey: keys.accounts });
        }
      }),
      subscribe('crm:log-states', ({ messageIds }) => {
        invalidateLogStates(messageIds);
        notifyThreadList();
      }),
      subscribe('crm:status', (status) => queryClient.setQueryData(keys.crmStatus, status)),
      subscribe('send:changed', ({ items }) => onSendChanged(items)),
      subscribe('settings:changed', (settings) => queryClient.setQueryData(keys.settings, settings)),
    ];
    return () => unsubscribers.forEach((unsubscribe) => unsubscribe());
  }, []);
}
