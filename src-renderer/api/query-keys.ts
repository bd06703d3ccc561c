// The react-query keys of every cached channel, in one place so invalidations and
// optimistic patches name the same entries as the queries that fill them.
export const keys = {
  accounts: ['accounts'] as const,
  labels: (accountId?: number) => ['labels', accountId ?? 'all'] as const,
  thread: (threadId: number) => ['thread', threadId] as const,
  threadsAll: ['thread'] as const,
  search: (query: string) => ['search', query] as const,
  searchCount: (query: string) => ['search', query, 'count'] as const,
  timeline: (address: string) => ['timeline', address] as const,
  timelinesAll: ['timeline'] as const,
  stats: ['stats'] as const,
  crmStatus: ['crm-status'] as const,
  settings: ['settings'] as const,
  syncProgress: ['sync-progress'] as const,
  drafts: ['drafts'] as const,
  outbox: ['outbox'] as const,
  addresses: (prefix: string) => ['addresses', prefix] as const,
};
