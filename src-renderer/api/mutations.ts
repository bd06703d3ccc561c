// Write hooks: CRM logging with immediate (optimistic) state, account and CRM connection,
// settings. Each keeps the query cache in step with what main answered.
import { useMutation } from '@tanstack/react-query';
import type { AccountSummary, ChannelInput, MessageLogState, Settings, SettingsPatch, ThreadView } from '../../src-preload/contract/index.ts';
import { call } from './client.ts';
import { patchThreadLogStates, queued, queuedUnlogged, restoreThread, snapshotThread } from './log-state-patches.ts';
import { queryClient } from './query-client.ts';
import { keys } from './query-keys.ts';
import { dealPickOf } from '../features/contact-timeline/deal-choice.ts';

/** The deal picked for the thread in the contact panel, when the rep picked one (else main's default). */
const dealOf = (threadId: number) => {
  const pick = dealPickOf(threadId);
  return pick === undefined ? {} : { dealId: pick };
};

/** Logs one message of the open thread; shows "queued" before main answers. */
export function useLogMessage(threadId: number) {
  return useMutation({
    mutationFn: (messageId: number) => call('crm:log-message', { messageId, ...dealOf(threadId) }),
    onMutate: async (messageId) => {
      await queryClient.cancelQueries({ queryKey: keys.thread(threadId) });
      const previous = snapshotThread(queryClient, threadId);
      const old = previous?.messages.find((m) => m.id === messageId)?.logState;
      patchThreadLogStates(queryClient, threadId, [queued(messageId, old)]);
      return { previous };
    },
    onSuccess: (state) => patchThreadLogStates(queryClient, threadId, [state]),
    onError: (_error, _messageId, context) => restoreThread(queryClient, threadId, context?.previous),
  });
}

/** Logs every message of a thread not yet logged. */
export function useLogThread() {
  return useMutation({
    mutationFn: (threadId: number) => call('crm:log-thread', { threadId, ...dealOf(threadId) }),
    onMutate: async (threadId) => {
      await queryClient.cancelQueries({ queryKey: keys.thread(threadId) });
      const previous = snapshotThread(queryClient, threadId);
      if (previous) patchThreadLogStates(queryClient, threadId, queuedUnlogged(previous));
      return { previous };
    },
    onSuccess: (states, threadId) => patchThreadLogStates(queryClient, threadId, states),
    onError: (_error, threadId, context) => restoreThread(queryClient, threadId, context?.previous),
  });
}

/** Retries failed outbox items; the new state arrives as crm:log-states events. */
export function useRetryLog(threadId: number | null) {
  return useMutation({
    mutationFn: async (state: MessageLogState) => {
      const failed = state.items.filter((item) => item.state === 'failed' || item.state === 'paused');
      await Promise.all(failed.map((item) => call('crm:retry', { outboxId: item.outboxId })));
      return state;
    },
    onMutate: (state) => {
      if (threadId !== null) patchThreadLogStates(queryClient, threadId, [queued(state.messageId, state)]);
    },
    onSettled: () => {
      if (threadId !== null) void queryClient.invalidateQueries({ queryKey: keys.thread(threadId) });
    },
  });
}

export function useAllowRemoteContent(threadId: number) {
  return useMutation({
    mutationFn: (sender: string) => call('mail:allow-remote-content', { sender }),
    onSuccess: (_null, sender) => {
      queryClient.setQueryData<ThreadView>(keys.thread(threadId), (thread) =>
        thread && {
          ...thread,
          messages: thread.messages.map((m) => (m.from?.address === sender ? { ...m, remoteContentAllowed: true } : m)),
        },
      );
      void queryClient.invalidateQueries({ queryKey: keys.threadsAll });
    },
  });
}

export function useSaveSettings() {
  return useMutation({
    mutationFn: (patch: SettingsPatch) => call('settings:set', patch),
    meta: { inlineErrors: true },
    // Toggles and radios answer at once; main's normalised values (or the old ones) follow.
    onMutate: (patch) => {
      const previous = queryClient.getQueryData<Settings>(keys.settings);
      const simple = 'neverLog' in patch || 'syncIntervalMinutes' in patch || 'newMailCheckSeconds' in patch;
      if (previous && !simple) queryClient.setQueryData<Settings>(keys.settings, { ...previous, ...(patch as Partial<Settings>) });
      return { previous };
    },
    onError: (_error, _patch, context) => {
      if (context?.previous) queryClient.setQueryData(keys.settings, context.previous);
    },
    onSuccess: (settings) => queryClient.setQueryData(keys.settings, settings),
  });
}

/** What accounts:connect signs in again for this account (OAuth providers only); null for IMAP and imports. */
export const signInProvider = (account: Pick<AccountSummary, 'provider'>): 'gmail' | 'microsoft' | null =>
  account.provider === 'gmail' || account.provider === 'microsoft' ? account.provider : null;

export function useConnectAccount() {
  return useMutation({
    mutationFn: (provider: 'gmail' | 'microsoft') => call('accounts:connect', { provider, loopback: false }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: keys.accounts }),
  });
}

/** Marks the IMAP sign-in in flight, so the dialog around the form can refuse to close meanwhile. */
export const CONNECT_IMAP_KEY = ['accounts', 'connect-imap'] as const;

/**
 * Signs in to an IMAP mailbox with its password (accounts:connect-imap). The variables hold
 * the password, so the mutation leaves the cache as soon as its form unmounts (gcTime 0) and
 * its errors are shown in the form, not as toasts.
 */
export function useConnectImap() {
  return useMutation({
    mutationKey: CONNECT_IMAP_KEY,
    mutationFn: (input: ChannelInput<'accounts:connect-imap'>) => call('accounts:connect-imap', input),
    gcTime: 0,
    meta: { inlineErrors: true },
    onSettled: () => void queryClient.invalidateQueries({ queryKey: keys.accounts }),
  });
}

/** Microsoft 365 or Google mail over IMAP/SMTP: the browser sign-in, then XOAUTH2 (accounts:connect-imap-oauth); no password involved. */
export function useConnectImapOAuth() {
  return useMutation({
    mutationKey: CONNECT_IMAP_KEY,
    mutationFn: (input: ChannelInput<'accounts:connect-imap-oauth'>) => call('accounts:connect-imap-oauth', input),
    meta: { inlineErrors: true },
    onSettled: () => void queryClient.invalidateQueries({ queryKey: keys.accounts }),
  });
}

export function useSyncAccount() {
  return useMutation({ mutationFn: (accountId: number) => call('accounts:sync', { accountId }) });
}

export function useDisconnectAccount() {
  return useMutation({
    mutationFn: (input: { accountId: number; deleteLocalData: boolean }) => call('accounts:disconnect', input),
    onSettled: () => {
      void queryClient.invalidateQueries({ queryKey: keys.accounts });
      void queryClient.invalidateQueries({ queryKey: keys.stats });
    },
  });
}

/** Verifies and saves a CRM token (HubSpot private-app, Pipedrive personal API token); that CRM becomes the active one. */
export function useConnectCrm() {
  return useMutation({
    mutationFn: (input: ChannelInput<'crm:connect'>) => call('crm:connect', input),
    meta: { inlineErrors: true },
    onSuccess: (status) => queryClient.setQueryData(keys.crmStatus, status),
  });
}

/** Salesforce sign-in in the system browser (crm:connect-salesforce); resolves once the tokens are kept. */
export function useConnectSalesforce() {
  return useMutation({
    mutationFn: (input: ChannelInput<'crm:connect-salesforce'>) => call('crm:connect-salesforce', input),
    meta: { inlineErrors: true },
    onSuccess: (status) => queryClient.setQueryData(keys.crmStatus, status),
  });
}

/** Makes another CRM the active one (crm:use); the timeline and log states follow it. */
export function useActiveCrm() {
  return useMutation({
    mutationFn: (crm: ChannelInput<'crm:use'>['crm']) => call('crm:use', { crm }),
    onSuccess: (status) => {
      queryClient.setQueryData(keys.crmStatus, status);
      void queryClient.invalidateQueries();
    },
  });
}

/** "Add to <CRM>" for an address the CRM does not know; answers with its timeline. */
export function useAddCrmContact() {
  return useMutation({
    mutationFn: (person: ChannelInput<'crm:add-contact'>) => call('crm:add-contact', person),
    onSuccess: (timeline) => queryClient.setQueryData(keys.timeline(timeline.address), timeline),
  });
}

export function useDisconnectCrm() {
  return useMutation({
    mutationFn: () => call('crm:disconnect', undefined),
    onSuccess: (status) => queryClient.setQueryData(keys.crmStatus, status),
  });
}

/** Opens attachment `index` of a message with the system's handler (main decodes it; no path reaches here). */
export function useOpenAttachment() {
  return useMutation({ mutationFn: (target: { messageId: number; index: number }) => call('mail:open-attachment', target) });
}

/** Saves attachment `index` where the rep chooses; resolves to the file name saved, or null when cancelled. */
export function useSaveAttachment() {
  return useMutation({ mutationFn: (target: { messageId: number; index: number }) => call('mail:save-attachment', target) });
}
