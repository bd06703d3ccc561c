// Main-process events for the renderer (sync progress, account, mail, CRM and settings
// changes), as the contract's `events` define them, fanned out to every subscriber: the
// Electron shell broadcasts them to its window, the headless server streams them.
import type { EventName, EventPayload } from '../../src-preload/contract/index.ts';

/** One event, typed by its name. */
export type AppEvent = { [E in EventName]: { name: E; payload: EventPayload<E> } }[EventName];

export interface AppEvents {
  publish(event: AppEvent): void;
  /** Returns unsubscribe. */
  subscribe(listener: (event: AppEvent) => void): () => void;
  /** Drops every subscriber (shutdown). */
  clear(): void;
}

export function createAppEvents(): AppEvents {
  const listeners = new Set<(event: AppEvent) => void>();
  return {
    publish: (event) => listeners.forEach((listener) => listener(event)),
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    clear: () => listeners.clear(),
  };
}
