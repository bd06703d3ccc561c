// Which draft the compose window shows: one at a time, for the whole window (it stays open
// across the inbox, Drafts, Outbox and Settings). Opening another draft replaces it; the
// window saves what was typed before it goes.
import { useSyncExternalStore } from 'react';
import type { Draft } from '../../../src-preload/contract/index.ts';

let current: Draft | null = null;
const listeners = new Set<() => void>();
const emit = () => listeners.forEach((listener) => listener());

export function openCompose(draft: Draft): void {
  if (current?.id === draft.id) return;
  current = draft;
  emit();
}

/** Closes the window if it shows `draftId` (or whatever it shows, without one). */
export function closeCompose(draftId?: number): void {
  if (!current || (draftId !== undefined && current.id !== draftId)) return;
  current = null;
  emit();
}

export const composeOpen = (): boolean => current !== null;

export function useComposeDraft(): Draft | null {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => current,
  );
}
