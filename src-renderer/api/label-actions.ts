// Applying or removing one of an account's labels on conversations (mail:label): the open
// thread's labelIds change at once; main stores the change, replays it to the provider
// (Gmail: the label; Outlook and IMAP: that folder, or back to the Inbox) and the thread
// and the lists are read again. A failure puts the label back as it was and, like every
// mutation, shows its message as an error toast (query-client's MutationCache).
import { useMutation } from '@tanstack/react-query';
import type { ThreadView } from '../../src-preload/contract/index.ts';
import { call } from './client.ts';
import { refreshThreadLists } from './event-sync.ts';
import { queryClient } from './query-client.ts';
import { keys } from './query-keys.ts';

export interface LabelRequest {
  threadIds: number[];
  labelId: number;
  /** true applies the label, false removes it. */
  add: boolean;
}

const labelMutationKey = ['mail:label'] as const;
/** Threads of settled toggles, read again once none is in flight. */
const toRefresh = new Set<number>();

/** The thread with `labelId` among its labels (add) or not. */
export function withLabel(thread: ThreadView, labelId: number, add: boolean): ThreadView {
  const has = thread.labelIds.includes(labelId);
  if (has === add) return thread;
  return { ...thread, labelIds: add ? [...thread.labelIds, labelId] : thread.labelIds.filter((id) => id !== labelId) };
}

/** mail:label, optimistic on each open thread's labelIds. */
export function useLabelThreads() {
  return useMutation({
    mutationKey: labelMutationKey,
    mutationFn: ({ threadIds, labelId, add }: LabelRequest) => call('mail:label', { threadIds, labelId, add }),
    onMutate: async ({ threadIds, labelId, add }) => {
      await Promise.all(threadIds.map((id) => queryClient.cancelQueries({ queryKey: keys.thread(id) })));
      // Whether each thread carried the label before: a failure restores just that, not
      // a whole snapshot, so another label toggled meanwhile keeps its change.
      const had = threadIds.map((id) => [id, queryClient.getQueryData<ThreadView>(keys.thread(id))?.labelIds.includes(labelId)] as const);
      for (const id of threadIds) queryClient.setQueryData<ThreadView>(keys.thread(id), (thread) => thread && withLabel(thread, labelId, add));
      return { had };
    },
    onError: (_error, { labelId }, context) => {
      for (const [id, carried] of context?.had ?? []) {
        if (carried !== undefined) queryClient.setQueryData<ThreadView>(keys.thread(id), (thread) => thread && withLabel(thread, labelId, carried));
      }
    },
    onSettled: (_data, _error, { threadIds }) => {
      for (const id of threadIds) toRefresh.add(id);
      // Only once the last toggle in flight settles (this one still counts), so a refetch never undoes a newer one.
      if (queryClient.isMutating({ mutationKey: labelMutationKey }) > 1) return;
      for (const id of toRefresh) void queryClient.invalidateQueries({ queryKey: keys.thread(id) });
      toRefresh.clear();
      // A list filtered by the label gains or loses the conversation; label unread counts change.
      refreshThreadLists();
      void queryClient.invalidateQueries({ queryKey: ['labels'] });
      void queryClient.invalidateQueries({ queryKey: ['search'] });
    },
  });
}
