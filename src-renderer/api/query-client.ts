// One react-query cache for the app: main-process events invalidate it (event-sync.ts),
// so queries stay fresh without polling. Errors are values the UI renders; no blind retries.
// Failed mutations reach the shell's toasts unless the mutation says it shows them inline.
import { MutationCache, QueryClient } from '@tanstack/react-query';
import { ApiError } from './client.ts';

let notifyError: (error: unknown) => void = () => {};

/** The shell registers how failed mutations are reported (toasts). */
export function setMutationErrorNotifier(notify: (error: unknown) => void): void {
  notifyError = notify;
}

export const queryClient = new QueryClient({
  mutationCache: new MutationCache({
    onError: (error, _variables, _context, mutation) => {
      if (mutation.meta?.inlineErrors !== true) notifyError(error);
    },
  }),
  defaultOptions: {
    queries: {
      staleTime: 30_000,
      refetchOnWindowFocus: false,
      retry: (failures, error) => failures < 1 && error instanceof ApiError && error.code === 'rate_limited',
    },
    mutations: { retry: false },
  },
});

declare module '@tanstack/react-query' {
  interface Register {
    mutationMeta: { inlineErrors?: boolean };
  }
}
