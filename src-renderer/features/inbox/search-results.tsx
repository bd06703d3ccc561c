// Search results in place of the thread list, as Gmail shows them: conversations newest
// first, the matched words marked, a count, 50 at a time with "More results"; choosing one
// opens its thread. How the query was read (an unknown operator) shows above the list.
import { forwardRef, useImperativeHandle, useMemo } from 'react';
import type { SearchThread } from '../../../src-preload/contract/index.ts';
import { useSearch, useSearchCount } from '../../api/queries.ts';
import { fullDate, plural, shortDate } from '../../components/format.ts';
import { PaperclipIcon } from '../../components/icons.tsx';
import { describeError } from '../../components/toasts.tsx';
import type { NavigableList } from './navigable-list.ts';

interface SearchResultsProps {
  query: string;
  selectedIndex: number;
  openThreadId: number | null;
  onActivate(index: number, threadId: number): void;
}

const hitDomId = (index: number) => `search-hit-${index}`;

export const SearchResults = forwardRef<NavigableList, SearchResultsProps>(function SearchResults(
  { query, selectedIndex, openThreadId, onActivate },
  ref,
) {
  const search = useSearch(query);
  const threads = useMemo(() => search.data?.pages.flatMap((p) => p.threads) ?? [], [search.data]);
  const hints = search.data?.pages[0]?.hints ?? [];
  const count = useSearchCount(query, search.isSuccess && threads.length > 0);
  useImperativeHandle(
    ref,
    () => ({
      count: () => threads.length,
      threadIdAt: (index) => threads[index]?.threadId,
      subjectAt: (index) => threads[index]?.subject,
      reveal: (index) => {
        document.getElementById(hitDomId(index))?.scrollIntoView({ block: 'nearest' });
        // Moving onto the last row brings the next page, as scrolling does in Gmail.
        if (index >= threads.length - 1 && search.hasNextPage && !search.isFetchingNextPage) void search.fetchNextPage();
      },
      indexOf: (threadId) => threads.findIndex((t) => t.threadId === threadId),
      starredAt: () => undefined,
    }),
    [threads, search],
  );
  if (search.isPending) return <div className="list-status" role="status">Searching…</div>;
  if (search.error) return <div className="list-status" role="alert">Search failed: {describeError(search.error)}</div>;
  // The count once it arrives ("1,000+" when capped), until then what the pages hold ("50+").
  const known = count.data ?? { count: threads.length, capped: search.hasNextPage };
  const summary = `${known.count.toLocaleString('en')}${known.capped ? '+' : ''} ${known.count === 1 && !known.capped ? 'conversation' : 'conversations'}`;
  return (
    <div className="search-results">
      <p id="search-summary" className="list-caption" role="status">
        {threads.length === 0
          ? `No mail matches “${query}”.`
          : `${summary} for “${query}”`}
      </p>
      {hints.map((hint) => (
        <p key={hint} className="list-caption search-hint">
          {hint}
        </p>
      ))}
      <ol
        className="hit-list"
        role="listbox"
        aria-label="Search results"
        aria-describedby="search-summary"
        tabIndex={0}
        aria-activedescendant={threads[selectedIndex] ? hitDomId(selectedIndex) : undefined}
      >
        {threads.map((thread, index) => (
          <HitRow
            key={thread.threadId}
            thread={thread}
            index={index}
            total={threads.length}
            selected={index === selectedIndex}
            open={thread.threadId === openThreadId}
            onActivate={onActivate}
          />
        ))}
      </ol>
      {search.hasNextPage && (
        <button type="button" className="button button-quiet more-results" disabled={search.isFetchingNextPage} onClick={() => void search.fetchNextPage()}>
          {search.isFetchingNextPage ? 'Loading…' : `More results (${plural(threads.length, 'conversation')} shown)`}
        </button>
      )}
    </div>
  );
});

/** `text` with the [start, end) ranges wrapped in <mark>. */
function Marked({ text, ranges }: { text: string; ranges: Array<[number, number]> }) {
  const parts: React.ReactNode[] = [];
  let at = 0;
  for (const [start, end] of ranges) {
    if (start < at || end > text.length) continue;
    if (start > at) parts.push(text.slice(at, start));
    parts.push(<mark key={start}>{text.slice(start, end)}</mark>);
    at = end;
  }
  parts.push(text.slice(at));
  return <>{parts}</>;
}

interface HitRowProps {
  thread: SearchThread;
  index: number;
  total: number;
  selected: boolean;
  open: boolean;
  onActivate: SearchResultsProps['onActivate'];
}

function HitRow({ thread, index, total, selected, open, onActivate }: HitRowProps) {
  return (
    <li
      id={hitDomId(index)}
      role="option"
      aria-selected={selected}
      aria-posinset={index + 1}
      aria-setsize={total}
      data-thread-id={thread.threadId}
      className={['hit-row', selected && 'is-selected', open && 'is-open', thread.unread && 'is-unread'].filter(Boolean).join(' ')}
      onClick={() => onActivate(index, thread.threadId)}
    >
      <div className="thread-row-top">
        {thread.unread && <span className="unread-dot" aria-label="Unread" role="img" />}
        <span className="thread-from">{thread.from ?? '(unknown sender)'}</span>
        {thread.messageCount > 1 && (
          <span className="thread-count" aria-label={`${thread.messageCount} messages`} title={`${thread.messageCount} messages in this conversation`}>
            {thread.messageCount}
          </span>
        )}
        <time className="thread-date" dateTime={new Date(thread.date).toISOString()} title={fullDate(thread.date)}>
          {shortDate(thread.date)}
        </time>
      </div>
      <div className="thread-row-middle">
        <span className="thread-subject">
          <Marked text={thread.subject || '(no subject)'} ranges={thread.subject ? thread.subjectHighlights : []} />
        </span>
        {thread.hasAttachments && (
          <span className="attachment-mark">
            <PaperclipIcon label="Has attachments" />
          </span>
        )}
      </div>
      <div className="thread-snippet">
        <Marked text={thread.snippet} ranges={thread.snippetHighlights} />
      </div>
    </li>
  );
}
