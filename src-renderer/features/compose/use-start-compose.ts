// Opening the compose window: drafts:create fills in recipients, subject and the quoted
// original from the source message (reply, reply all, forward) and the window shows it.
import { useCallback } from 'react';
import type { ChannelInput } from '../../../src-preload/contract/index.ts';
import { useCreateDraft } from '../../api/compose-mutations.ts';
import { openCompose } from './compose-store.ts';

export type ComposeRequest = ChannelInput<'drafts:create'>;

/** Starts a draft and opens it; `pending` while main creates it (a second request waits). */
export function useStartCompose(): { start(request: ComposeRequest): void; pending: boolean } {
  const create = useCreateDraft();
  const { mutate, isPending } = create;
  const start = useCallback(
    (request: ComposeRequest) => {
      if (!isPending) mutate(request, { onSuccess: openCompose });
    },
    [mutate, isPending],
  );
  return { start, pending: isPending };
}
