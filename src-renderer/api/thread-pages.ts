// The inbox's window onto up to 100,000+ threads: pages of mail:threads fetched on demand
// around the visible range and cached, so the list is sized from `total` after one small
// page and the scrollbar can be dragged anywhere. Subscribe with useSyncExternalStore.
import type { ChannelInput, ChannelOutput, ThreadFilter, ThreadListItem } from '../../src-preload/contract/index.ts';

export const PAGE_SIZE = 200;

/** Reads one page of mail:threads (the inbox binds `call`); rejects with the channel's error. */
export type FetchThreadPage = (request: ChannelInput<'mail:threads'>) => Promise<ChannelOutput<'mail:threads'>>;

export class ThreadPageCache {
  private pages = new Map<number, ThreadListItem[]>();
  private inflight = new Set<number>();
  private stale = new Set<number>();
  private listeners = new Set<() => void>();
  private wanted: [number, number] = [0, 0];
  private version = 0;
  total: number | null = null;
  error: unknown = null;
  readonly filter: ThreadFilter;
  private readonly fetchPage: FetchThreadPage;

  constructor(filter: ThreadFilter, fetchPage: FetchThreadPage) {
    this.filter = filter;
    this.fetchPage = fetchPage;
    this.load(0);
  }

  subscribe = (listener: () => void) => {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  };

  getSnapshot = () => this.version;

  item(index: number): ThreadListItem | undefined {
    return this.pages.get(Math.floor(index / PAGE_SIZE))?.[index % PAGE_SIZE];
  }

  /** Makes sure rows start..end (inclusive) are loaded or loading. */
  ensure(start: number, end: number): void {
    this.wanted = [start, end];
    for (let page = Math.floor(start / PAGE_SIZE); page <= Math.floor(end / PAGE_SIZE); page++) {
      if (!this.pages.has(page) || this.stale.has(page)) this.load(page);
    }
  }

  /** New mail or log states: keep showing what is loaded, re-read the visible pages, drop the rest. */
  refresh(): void {
    const [start, end] = this.wanted;
    const first = Math.floor(start / PAGE_SIZE);
    const last = Math.floor(end / PAGE_SIZE);
    for (const page of this.pages.keys()) {
      if (page < first || page > last) this.pages.delete(page);
      else this.stale.add(page);
    }
    if (this.pages.size === 0) this.load(0);
    this.ensure(start, end);
  }

  /** The row index of a loaded thread, or -1. */
  indexOf(threadId: number): number {
    for (const [page, rows] of this.pages) {
      // findIndex visits the gaps remove() leaves, as undefined.
      const at = rows.findIndex((row) => row?.id === threadId);
      if (at >= 0) return page * PAGE_SIZE + at;
    }
    return -1;
  }

  /** Replaces the loaded rows of these threads with `update(row)` (an optimistic read, star…). */
  patch(threadIds: ReadonlySet<number>, update: (row: ThreadListItem) => ThreadListItem): void {
    let changed = false;
    for (const [page, rows] of this.pages) {
      if (!rows.some((row) => threadIds.has(row.id))) continue;
      this.pages.set(page, rows.map((row) => (threadIds.has(row.id) ? update(row) : row)));
      changed = true;
    }
    if (changed) this.changed();
  }

  /**
   * Takes the loaded rows of these threads out of the list (an optimistic archive or trash):
   * later rows move up and `total` shrinks. A page whose tail would come from a page not
   * loaded keeps a gap there, shown as placeholders, and is read again when next in view.
   */
  remove(threadIds: ReadonlySet<number>): void {
    const removed: number[] = [];
    for (const [page, rows] of this.pages) {
      rows.forEach((row, i) => {
        if (threadIds.has(row.id)) removed.push(page * PAGE_SIZE + i);
      });
    }
    if (removed.length === 0) return;
    removed.sort((a, b) => a - b);
    const shiftAt = (index: number) => {
      let below = 0;
      while (below < removed.length && removed[below]! < index) below++;
      return below;
    };
    const next = new Map<number, ThreadListItem[]>();
    for (const [page, rows] of this.pages) {
      rows.forEach((row, i) => {
        if (threadIds.has(row.id)) return;
        const index = page * PAGE_SIZE + i - shiftAt(page * PAGE_SIZE + i);
        const target = Math.floor(index / PAGE_SIZE);
        if (!next.has(target)) next.set(target, []);
        next.get(target)![index % PAGE_SIZE] = row;
      });
    }
    this.total = Math.max(0, (this.total ?? 0) - removed.length);
    for (const [page, rows] of next) {
      const expected = Math.min(PAGE_SIZE, this.total - page * PAGE_SIZE);
      // Sparse: only rows present are keys.
      if (Object.keys(rows).length < expected) this.stale.add(page);
    }
    this.pages = next;
    this.changed();
  }

  private changed(): void {
    this.version++;
    for (const listener of this.listeners) listener();
  }

  private load(page: number): void {
    if (this.inflight.has(page)) return;
    this.inflight.add(page);
    this.fetchPage({ filter: this.filter, offset: page * PAGE_SIZE, limit: PAGE_SIZE })
      .then((result) => {
        this.pages.set(page, result.threads);
        this.total = result.total;
        this.error = null;
      })
      .catch((error: unknown) => {
        this.error = error;
        if (this.total === null) this.total = 0;
      })
      .finally(() => {
        this.inflight.delete(page);
        this.stale.delete(page);
        this.changed();
      });
  }
}
