// Cached lists of drafts (drafts:list) and the send outbox (send:list), patched from what
// main answers and from send:changed events, so the views follow without re-reading.
import type { Draft, SendItem, SendState } from '../../src-preload/contract/index.ts';

/** `list` with each of `items` replacing the entry of the same id, or added when new. */
export function upsertById<T extends { id: number }>(list: readonly T[] | undefined, items: readonly T[]): T[] {
  const byId = new Map(items.map((item) => [item.id, item]));
  const kept = (list ?? []).map((entry) => byId.get(entry.id) ?? entry);
  const known = new Set(kept.map((entry) => entry.id));
  return [...kept, ...items.filter((item) => !known.has(item.id))];
}

export const withoutId = <T extends { id: number }>(list: readonly T[] | undefined, id: number): T[] =>
  (list ?? []).filter((entry) => entry.id !== id);

/** Drafts newest first, as drafts:list orders them. */
export const sortDrafts = (drafts: readonly Draft[]): Draft[] => [...drafts].sort((a, b) => b.updatedAt - a.updatedAt || b.id - a.id);

/** The states the Outbox view lists: everything not yet sent. */
export const WAITING_STATES: readonly SendState[] = ['scheduled', 'pending', 'sending', 'failed'];

/**
 * Outbox items still to leave, failed first, then by send time (soonest first). A message
 * Outlook holds until its send time (heldByProvider: handed over, `sent` for us) is listed
 * until that time, `now` (ms).
 */
export const isHeld = (item: SendItem, now = Date.now()): boolean => item.heldByProvider && item.sendAt > now;

export function waitingItems(items: readonly SendItem[], now = Date.now()): SendItem[] {
  return items
    .filter((item) => WAITING_STATES.includes(item.state) || isHeld(item, now))
    .sort((a, b) => Number(b.state === 'failed') - Number(a.state === 'failed') || a.sendAt - b.sendAt || a.id - b.id);
}

/**
 * The items of a send:changed event that are newly failed: not failed in `before` with the
 * same attempt count, and not reported already (`reported` holds `id:attempts` and is updated).
 */
export function newFailures(before: readonly SendItem[] | undefined, items: readonly SendItem[], reported: Set<string>): SendItem[] {
  const old = new Map((before ?? []).map((item) => [item.id, item]));
  return items.filter((item) => {
    if (item.state !== 'failed') return false;
    const key = `${item.id}:${item.attempts}`;
    const previous = old.get(item.id);
    if (reported.has(key) || (previous?.state === 'failed' && previous.attempts === item.attempts)) return false;
    reported.add(key);
    return true;
  });
}
