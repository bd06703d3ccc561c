// Acting on conversations (mail:act): the list row, search hit and open thread change at
// once; main stores the action, replays it to the provider and sends mail:changed, whose
// refetch settles the list. On failure every patched view is read again from main.
import { useMutation } from '@tanstack/react-query';
import type { MailAction, ThreadView } from '../../src-preload/contract/index.ts';
import { call } from './client.ts';
import { refreshThreadLists } from './event-sync.ts';
import { isSearchPages, patchListItem, patchSearchPages, patchThreadView, removeFromSearchPages } from './mail-action-patches.ts';
import { queryClient } from './query-client.ts';
import { keys } from './query-keys.ts';
import type { ThreadPageCache } from './thread-pages.ts';

export interface MailActionRequest {
  threadIds: number[];
  action: MailAction;
  /** The threads leave the list shown (trash; archive in the inbox): their rows are taken out. */
  leavesList?: boolean;
}

/** mail:act with optimistic patches to `cache` (the inbox list shown, if any), search pages and open threads. */
export function useMailAction(cache: ThreadPageCache | null) {
  return useMutation({
    mutationFn: ({ threadIds, action }: MailActionRequest) => call('mail:act', { threadIds, action }),
    onMutate: ({ threadIds, action, leavesList }) => {
      const ids = new Set(threadIds);
      if (leavesList) cache?.remove(ids);
      else cache?.patch(ids, (row) => patchListItem(row, action));
      queryClient.setQueriesData({ queryKey: ['search'], predicate: (q) => isSearchPages(q.state.data) }, (data: unknown) => {
        if (!isSearchPages(data)) return data;
        return action === 'trash' ? removeFromSearchPages(data, ids) : patchSearchPages(data, ids, action);
      });
      const previous = threadIds.map((id) => [id, queryClient.getQueryData<ThreadView>(keys.thread(id))] as const);
      for (const id of threadIds) {
        queryClient.setQueryData<ThreadView>(keys.thread(id), (thread) => thread && patchThreadView(thread, action));
      }
      return { previous };
    },
    onError: (_error, _request, context) => {
      for (const [id, thread] of context?.previous ?? []) if (thread) queryClient.setQueryData(keys.thread(id), thread);
      refreshThreadLists();
      void queryClient.invalidateQueries({ queryKey: ['search'] });
    },
  });
}
