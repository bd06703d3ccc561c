// The optimistic half of CRM logging: the open thread's cached log states change the moment
// the rep clicks, then take main's answer, or go back to the snapshot if the call fails.
import type { QueryClient } from '@tanstack/react-query';
import type { MessageLogState, ThreadView } from '../../src-preload/contract/index.ts';
import { keys } from './query-keys.ts';

/** "Queued" for one message, keeping the outbox items (per contact) it already had. */
export const queued = (messageId: number, previous?: MessageLogState): MessageLogState => ({
  messageId,
  state: 'queued',
  error: null,
  items: previous?.items ?? [],
});

/** What logging a whole thread shows at once: its messages not yet logged, queued. */
export const queuedUnlogged = (thread: ThreadView): MessageLogState[] =>
  thread.messages.filter((m) => m.logState.state !== 'logged').map((m) => queued(m.id, m.logState));

/**
 * Sets the log state of each message named in `states` in the cached thread; the others keep
 * theirs. Writes a new ThreadView, so a snapshot taken before stays as it was. No-op when
 * the thread is not cached.
 */
export function patchThreadLogStates(client: QueryClient, threadId: number, states: readonly MessageLogState[]): void {
  const byId = new Map(states.map((s) => [s.messageId, s]));
  client.setQueryData<ThreadView>(keys.thread(threadId), (thread) =>
    thread && {
      ...thread,
      messages: thread.messages.map((m) => (byId.has(m.id) ? { ...m, logState: byId.get(m.id)! } : m)),
    },
  );
}

/** The cached thread before an optimistic patch, for restoreThread on error. */
export const snapshotThread = (client: QueryClient, threadId: number): ThreadView | undefined =>
  client.getQueryData<ThreadView>(keys.thread(threadId));

export function restoreThread(client: QueryClient, threadId: number, thread: ThreadView | undefined): void {
  if (thread) client.setQueryData(keys.thread(threadId), thread);
}
