// Write hooks for drafts and the send outbox: each keeps the cached drafts:list and
// send:list in step with main's answer, so the Drafts and Outbox views never lag a click.
import { useMutation } from '@tanstack/react-query';
import type { ChannelInput, Draft, DraftPatch, SendItem } from '../../src-preload/contract/index.ts';
import { call } from './client.ts';
import { sortDrafts, upsertById, withoutId } from './compose-cache.ts';
import { queryClient } from './query-client.ts';
import { keys } from './query-keys.ts';

const keepDraft = (draft: Draft) => queryClient.setQueryData<Draft[]>(keys.drafts, (list) => sortDrafts(upsertById(list, [draft])));
const dropDraft = (draftId: number) => queryClient.setQueryData<Draft[]>(keys.drafts, (list) => withoutId(list, draftId));
const keepSendItem = (item: SendItem) => queryClient.setQueryData<SendItem[]>(keys.outbox, (list) => upsertById(list, [item]));

/** A new draft for reply, reply all, forward (messageId) or a new message (accountId, optional). */
export function useCreateDraft() {
  return useMutation({
    mutationFn: (input: ChannelInput<'drafts:create'>) => call('drafts:create', input),
    onSuccess: keepDraft,
  });
}

/** Saves what the rep typed; the compose window shows failures beside its "Saved" indicator. */
export function useSaveDraft() {
  return useMutation({
    mutationFn: (patch: DraftPatch) => call('drafts:save', patch),
    meta: { inlineErrors: true },
    onSuccess: keepDraft,
  });
}

export function useDiscardDraft() {
  return useMutation({
    mutationFn: (draftId: number) => call('drafts:discard', { draftId }),
    onMutate: dropDraft,
    onSettled: () => queryClient.invalidateQueries({ queryKey: keys.drafts }),
  });
}

/** Attaches a picked file, its bytes as base64 (at most 25 MB decoded). */
export function useAttachFile() {
  return useMutation({
    mutationFn: (input: ChannelInput<'drafts:attach'>) => call('drafts:attach', input),
    meta: { inlineErrors: true },
    onSuccess: keepDraft,
  });
}

export function useDetachFile() {
  return useMutation({
    mutationFn: (input: { draftId: number; index: number }) => call('drafts:detach', input),
    onSuccess: keepDraft,
  });
}

/**
 * Puts saved template `templateId` into the draft (main fills its fields); resolves to the
 * draft as stored, whose html and subject the compose window then shows. not_found when the
 * template was deleted meanwhile.
 */
export function useApplyTemplate() {
  return useMutation({
    mutationFn: (input: { draftId: number; templateId: string }) => call('drafts:apply-template', input),
    meta: { inlineErrors: true },
    onSuccess: keepDraft,
  });
}

/** Queues the draft: it leaves after the undo window, or at `sendAt` (ms) for "send later". */
export function useQueueSend() {
  return useMutation({
    mutationFn: (input: { draftId: number; sendAt?: number }) => call('send:queue', input),
    meta: { inlineErrors: true },
    onSuccess: (item, { draftId }) => {
      dropDraft(draftId);
      keepSendItem(item);
    },
  });
}

/**
 * Takes a message back before it left; resolves to the draft it became (not_found once it
 * left). `reopen` runs with that draft even if the caller has unmounted (the Undo toast outlives
 * the compose window).
 */
export function useUndoSend(reopen?: (draft: Draft) => void) {
  return useMutation({
    mutationFn: (sendId: number) => call('send:undo', { sendId }),
    onSuccess: (draft, sendId) => {
      queryClient.setQueryData<SendItem[]>(keys.outbox, (list) => withoutId(list, sendId));
      keepDraft(draft);
      reopen?.(draft);
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: keys.outbox }),
  });
}

export function useRetrySend() {
  return useMutation({
    mutationFn: (sendId: number) => call('send:retry', { sendId }),
    onMutate: (sendId) =>
      queryClient.setQueryData<SendItem[]>(keys.outbox, (list) =>
        list?.map((item) => (item.id === sendId ? { ...item, state: 'pending' as const, error: null } : item)),
      ),
    onSettled: () => queryClient.invalidateQueries({ queryKey: keys.outbox }),
  });
}
