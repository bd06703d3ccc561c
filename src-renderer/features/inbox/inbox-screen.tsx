// The mail screen: list pane (filters + virtual thread list, or search hits), the open
// thread, and the contact panel for a selected participant. Owns selection and the
// inbox keyboard: j/k, Enter, Esc, l (and e / # / s / u through useThreadActions).
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { ThreadFilter } from '../../../src-preload/contract/index.ts';
import { call } from '../../api/client.ts';
import { onThreadListChanged } from '../../api/event-sync.ts';
import { queryClient } from '../../api/query-client.ts';
import { keys } from '../../api/query-keys.ts';
import { useLogThread } from '../../api/mutations.ts';
import { useLabels, useStats } from '../../api/queries.ts';
import { ThreadPageCache } from '../../api/thread-pages.ts';
import { useShortcuts } from '../../app/keyboard.ts';
import { ErrorBoundary } from '../../app/error-boundary.tsx';
import { plural } from '../../components/format.ts';
import { loggedText } from '../../components/log-badge.tsx';
import { showToast } from '../../components/toasts.tsx';
import { ContactPanel } from '../contact-timeline/contact-panel.tsx';
import { ThreadPane } from '../thread/thread-pane.tsx';
import { InboxFilters } from './inbox-filters.tsx';
import { usePaneSplit } from './pane-splitter.tsx';
import type { NavigableList } from './navigable-list.ts';
import { SearchResults } from './search-results.tsx';
import { ThreadList } from './thread-list.tsx';
import { useThreadActions } from './use-thread-actions.ts';

interface InboxScreenProps {
  searchQuery: string;
  onClearSearch(): void;
  onOpenSettings(): void;
}

/** How long `l` on a thread row waits for Undo before it logs, ms. */
const UNDO_WINDOW_MS = 5_000;

export function InboxScreen({ searchQuery, onClearSearch, onOpenSettings }: InboxScreenProps) {
  const [filter, setFilter] = useState<ThreadFilter>({});
  const cache = useMemo(() => new ThreadPageCache(filter, (request) => call('mail:threads', request)), [filter]);
  const [selectedIndex, setSelectedIndex] = useState(0);
  const [openThreadId, setOpenThreadId] = useState<number | null>(null);
  const [contactAddress, setContactAddress] = useState<string | null>(null);
  const listRef = useRef<NavigableList>(null);
  const logThread = useLogThread();
  const split = usePaneSplit();
  const { data: labels = [] } = useLabels(filter.accountId);
  const inboxView = labels.some((l) => l.id === filter.labelId && l.type === 'system' && /^inbox$/i.test(l.name));
  const act = useThreadActions({
    cache,
    listRef,
    searching: searchQuery !== '',
    inboxView,
    selectedIndex,
    setSelectedIndex,
    openThreadId,
    setOpenThreadId,
  });

  useEffect(() => onThreadListChanged(() => cache.refresh()), [cache]);
  useEffect(() => setSelectedIndex(0), [searchQuery, filter]);
  // Warm the thread the rep is moving onto, so Enter shows it at once.
  useEffect(() => {
    const timer = setTimeout(() => {
      const id = listRef.current?.threadIdAt(selectedIndex);
      if (id !== undefined) void queryClient.prefetchQuery({ queryKey: keys.thread(id), queryFn: () => call('mail:thread', { threadId: id }), staleTime: 5_000 });
    }, 120);
    return () => clearTimeout(timer);
  }, [selectedIndex]);

  const onActivate = useCallback((index: number, threadId: number) => {
    setSelectedIndex(index);
    setOpenThreadId(threadId);
  }, []);

  const move = (delta: number) => {
    const list = listRef.current;
    if (!list || list.count() === 0) return;
    const next = Math.max(0, Math.min(list.count() - 1, selectedIndex + delta));
    setSelectedIndex(next);
    list.reveal(next);
  };

  useShortcuts({
    j: () => move(1),
    k: () => move(-1),
    Enter: () => {
      const id = listRef.current?.threadIdAt(selectedIndex);
      if (id !== undefined) setOpenThreadId(id);
    },
    Escape: () => {
      if (contactAddress) setContactAddress(null);
      else if (openThreadId !== null) {
        setOpenThreadId(null);
        document.querySelector<HTMLElement>('.list-pane [role="listbox"]')?.focus();
      } else if (searchQuery) onClearSearch();
      else return false;
    },
    l: () => {
      // An open thread: its pane logs the message the rep is on.
      if (openThreadId !== null) return false;
      const list = listRef.current;
      const id = list?.threadIdAt(selectedIndex);
      if (id === undefined) return;
      // A whole thread from the list, unread perhaps: logged once the Undo window passes.
      const subject = list?.subjectAt(selectedIndex) || '(no subject)';
      showToast(`Every message of “${subject}” will be logged to the CRM in ${UNDO_WINDOW_MS / 1000} s`, 'info', {
        durationMs: UNDO_WINDOW_MS,
        action: { label: 'Undo', run: () => showToast(`Not logged: “${subject}”`) },
        onTimeout: () => logThread.mutate(id, { onSuccess: (states) => showToast(loggedText(subject, states)) }),
      });
    },
  });

  const openThread = useCallback((threadId: number) => setOpenThreadId(threadId), []);

  return (
    <div
      className={`inbox-layout${openThreadId !== null ? ' has-thread' : ''}${contactAddress ? ' has-contact' : ''}`}
      style={{ '--list-width': `${split.width}px` } as React.CSSProperties}
    >
      <section id="thread-list-pane" className="list-pane" aria-label={searchQuery ? 'Search' : 'Inbox'}>
        <div className="list-toolbar">
          {searchQuery ? (
            <button type="button" className="button button-quiet" onClick={onClearSearch}>
              ← Back to inbox
            </button>
          ) : (
            <InboxFilters filter={filter} onChange={setFilter} />
          )}
        </div>
        <ErrorBoundary area="thread list">
          {searchQuery ? (
            <SearchResults ref={listRef} query={searchQuery} selectedIndex={selectedIndex} openThreadId={openThreadId} onActivate={onActivate} />
          ) : (
            <ThreadList
              ref={listRef}
              cache={cache}
              selectedIndex={selectedIndex}
              openThreadId={openThreadId}
              onActivate={onActivate}
              onSelect={setSelectedIndex}
            />
          )}
        </ErrorBoundary>
        <InboxFooter />
        {split.splitter}
      </section>
      <ErrorBoundary area="thread">
        <ThreadPane
          threadId={openThreadId}
          onClose={() => setOpenThreadId(null)}
          onSelectParticipant={setContactAddress}
          onOpenSettings={onOpenSettings}
          onAct={act}
        />
      </ErrorBoundary>
      {contactAddress && (
        <ErrorBoundary area="contact panel">
          <ContactPanel address={contactAddress} threadId={openThreadId} onClose={() => setContactAddress(null)} onOpenThread={openThread} />
        </ErrorBoundary>
      )}
    </div>
  );
}

function InboxFooter() {
  const { data: stats } = useStats();
  if (!stats) return null;
  return (
    <footer id="inbox-summary" className="list-footer">
      {plural(stats.messages, 'message')} in {plural(stats.threads, 'thread')} across {plural(stats.accounts, 'account')}
      {stats.warnings > 0 && ` (${stats.warnings} with warnings)`}
    </footer>
  );
}
