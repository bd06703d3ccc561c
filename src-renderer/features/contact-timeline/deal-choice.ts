// The deal the rep chose to log a conversation to, per thread, picked in the contact panel and
// used by "Log to CRM" in the thread. Unset means main's default: the contact's only open
// deal, else none. Kept for this window's lifetime only: a choice is about what is open now.
import { useSyncExternalStore } from 'react';

/** null: log to no deal; a string: that deal's id. */
export type DealPick = string | null;

const picks = new Map<number, DealPick>();
const listeners = new Set<() => void>();

export function chooseDeal(threadId: number, deal: DealPick): void {
  picks.set(threadId, deal);
  listeners.forEach((listener) => listener());
}

/** The pick for `threadId`, or undefined when the rep made none. */
export const dealPickOf = (threadId: number): DealPick | undefined => picks.get(threadId);

export function useDealPick(threadId: number | null): DealPick | undefined {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => (threadId === null ? undefined : picks.get(threadId)),
  );
}
