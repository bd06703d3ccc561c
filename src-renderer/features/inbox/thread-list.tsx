// The virtualised inbox: @tanstack/react-virtual over a ThreadPageCache, a fixed row height
// per density setting, rows positioned with transforms. Only visible rows (plus overscan)
// exist in the DOM.
import { forwardRef, useCallback, useEffect, useImperativeHandle, useRef, useSyncExternalStore } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { Settings } from '../../../src-preload/contract/index.ts';
import { useSettings } from '../../api/queries.ts';
import type { ThreadPageCache } from '../../api/thread-pages.ts';
import { describeError } from '../../components/toasts.tsx';
import type { NavigableList } from './navigable-list.ts';
import { rowDomId, ThreadRow } from './thread-row.tsx';

/** Row height per density, CSS px; inbox.css draws rows at these heights. */
export const ROW_HEIGHTS: Record<Settings['density'], number> = { comfortable: 76, compact: 46 };

interface ThreadListProps {
  cache: ThreadPageCache;
  selectedIndex: number;
  openThreadId: number | null;
  onActivate(index: number, threadId: number): void;
  onSelect(index: number): void;
}

export const ThreadList = forwardRef<NavigableList, ThreadListProps>(function ThreadList(
  { cache, selectedIndex, openThreadId, onActivate, onSelect },
  ref,
) {
  useSyncExternalStore(cache.subscribe, cache.getSnapshot);
  const scrollRef = useRef<HTMLDivElement>(null);
  const total = cache.total ?? 0;
  const rowHeight = ROW_HEIGHTS[useSettings().data?.density ?? 'comfortable'];
  const virtualizer = useVirtualizer({
    count: total,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => rowHeight,
    overscan: 12,
  });
  // estimateSize is read once per row: a density change re-measures every row.
  useEffect(() => virtualizer.measure(), [rowHeight, virtualizer]);
  const items = virtualizer.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items[items.length - 1]?.index ?? 0;

  useEffect(() => {
    if (total > 0) cache.ensure(first, last);
  }, [cache, first, last, total]);

  useImperativeHandle(
    ref,
    () => ({
      count: () => cache.total ?? 0,
      threadIdAt: (index) => cache.item(index)?.id,
      subjectAt: (index) => cache.item(index)?.subject,
      reveal: (index) => virtualizer.scrollToIndex(index, { align: 'auto' }),
      indexOf: (threadId) => cache.indexOf(threadId),
      starredAt: (index) => cache.item(index)?.starred,
    }),
    [cache, virtualizer],
  );

  const onKeyDown = useCallback(
    (event: React.KeyboardEvent) => {
      if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp') return;
      event.preventDefault();
      const next = Math.max(0, Math.min(total - 1, selectedIndex + (event.key === 'ArrowDown' ? 1 : -1)));
      onSelect(next);
      virtualizer.scrollToIndex(next, { align: 'auto' });
    },
    [onSelect, selectedIndex, total, virtualizer],
  );

  if (cache.total === null) {
    return (
      <div className="list-status" role="status">
        Loading threads…
      </div>
    );
  }
  if (total === 0) {
    return (
      <div className="list-status" role="status">
        {cache.error ? `The inbox could not be loaded: ${describeError(cache.error)}` : 'No threads here.'}
      </div>
    );
  }
  return (
    <div
      ref={scrollRef}
      className="thread-scroller"
      role="listbox"
      aria-label="Threads"
      aria-describedby="inbox-summary"
      tabIndex={0}
      aria-activedescendant={selectedIndex >= 0 && selectedIndex < total ? rowDomId(selectedIndex) : undefined}
      onKeyDown={onKeyDown}
    >
      <div className="thread-canvas" style={{ height: virtualizer.getTotalSize() }}>
        {items.map((row) => {
          const item = cache.item(row.index);
          return (
            <ThreadRow
              key={row.index}
              item={item}
              index={row.index}
              total={total}
              top={row.start}
              selected={row.index === selectedIndex}
              open={item !== undefined && item.id === openThreadId}
              onActivate={onActivate}
            />
          );
        })}
      </div>
    </div>
  );
});
