// Read hooks over the contract's channels, cached by react-query and kept fresh by events.
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import type { CrmStatus, Settings, SyncProgress } from '../../src-preload/contract/index.ts';
import { call } from './client.ts';
import { queryClient } from './query-client.ts';
import { keys } from './query-keys.ts';

export const useAccounts = () => useQuery({ queryKey: keys.accounts, queryFn: () => call('accounts:list', undefined) });

export const useLabels = (accountId?: number) =>
  useQuery({ queryKey: keys.labels(accountId), queryFn: () => call('mail:labels', accountId ? { accountId } : {}) });

export const useThread = (threadId: number | null) =>
  useQuery({
    queryKey: keys.thread(threadId ?? 0),
    queryFn: () => call('mail:thread', { threadId: threadId! }),
    enabled: threadId !== null,
    staleTime: 5_000,
  });

/** Conversations matching `query`, 50 a page; fetchNextPage continues past the threads shown. */
export const useSearch = (query: string) =>
  useInfiniteQuery({
    queryKey: keys.search(query),
    queryFn: ({ pageParam }) => call('mail:search', { query, limit: 50, ...pageParam }),
    initialPageParam: { excludeThreadIds: [] } as { before?: number; excludeThreadIds: number[] },
    getNextPageParam: (last, pages) =>
      last.next === null ? undefined : { before: last.next, excludeThreadIds: pages.flatMap((p) => p.threads.map((t) => t.threadId)) },
    enabled: query.length > 0,
    staleTime: 5_000,
  });

/** How many conversations match (up to 1,000), asked after the first page so it never slows it. */
export const useSearchCount = (query: string, enabled: boolean) =>
  useQuery({
    queryKey: keys.searchCount(query),
    queryFn: () => call('mail:search-count', { query }),
    enabled: enabled && query.length > 0,
    staleTime: 5_000,
  });

export const useTimeline = (address: string | null) =>
  useQuery({
    queryKey: keys.timeline(address ?? ''),
    queryFn: () => call('contacts:timeline', { address: address! }),
    enabled: address !== null,
    staleTime: 5_000,
  });

/** Which of `emails` the active CRM has no cached contact for (crm:unknown-addresses); asks nothing of the CRM. */
export const useUnknownAddresses = (crm: string | null, emails: readonly string[], enabled: boolean) =>
  useQuery({
    queryKey: ['crm-unknown', crm, [...emails].sort().join(',')],
    queryFn: () => call('crm:unknown-addresses', { emails: [...emails] }),
    enabled: enabled && emails.length > 0,
    staleTime: 10_000,
  });

export const useStats = () => useQuery({ queryKey: keys.stats, queryFn: () => call('mail:stats', undefined) });

export const useCrmStatus = () =>
  useQuery<CrmStatus>({ queryKey: keys.crmStatus, queryFn: () => call('crm:status', undefined) });

export const useSettings = () => useQuery<Settings>({ queryKey: keys.settings, queryFn: () => call('settings:get', undefined) });

/** Drafts kept on this computer, newest first. */
export const useDrafts = () => useQuery({ queryKey: keys.drafts, queryFn: () => call('drafts:list', undefined) });

/** The send outbox (waiting, failed, and sent in the last day), kept fresh by send:changed. */
export const useOutbox = () => useQuery({ queryKey: keys.outbox, queryFn: () => call('send:list', undefined) });

/** Completions for a recipient field: correspondents and CRM contacts starting with `prefix`. */
export const useAddressSuggestions = (prefix: string) =>
  useQuery({
    queryKey: keys.addresses(prefix),
    queryFn: () => call('mail:addresses', { prefix, limit: 8 }),
    enabled: prefix.trim().length > 0,
    staleTime: 30_000,
  });

/** The latest sync:progress per account, filled only by events (see event-sync.ts). */
export const useSyncProgress = () =>
  useQuery<Record<number, SyncProgress>>({
    queryKey: keys.syncProgress,
    queryFn: () => queryClient.getQueryData<Record<number, SyncProgress>>(keys.syncProgress) ?? {},
    initialData: {},
    staleTime: Infinity,
  });
