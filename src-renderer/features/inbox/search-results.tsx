// Full-text search hits (mail:search over the FTS index) in place of the thread list;
// choosing a hit opens its thread.
import { forwardRef, useImperativeHandle } from 'react';
import type { SearchHit } from '../../../src-preload/contract/index.ts';
import { useSearch } from '../../api/queries.ts';
import { fullDate, plural, shortDate } from '../../components/format.ts';
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
  const { data: hits, error, isPending } = useSearch(query);
  useImperativeHandle(
    ref,
    () => ({
      count: () => hits?.length ?? 0,
      threadIdAt: (index) => hits?.[index]?.threadId,
      subjectAt: (index) => hits?.[index]?.subject,
      reveal: (index) => document.getElementById(hitDomId(index))?.scrollIntoView({ block: 'nearest' }),
    }),
    [hits],
  );
  if (isPending) return <div className="list-status" role="status">Searching…</div>;
  if (error) return <div className="list-status" role="alert">Search failed: {describeError(error)}</div>;
  return (
    <div className="search-results">
      <p id="search-summary" className="list-caption" role="status">
        {hits.length === 0 ? `No mail matches “${query}”.` : `${plural(hits.length, 'result')} for “${query}”`}
      </p>
      <ol
        className="hit-list"
        role="listbox"
        aria-label="Search results"
        aria-describedby="search-summary"
        tabIndex={0}
        aria-activedescendant={hits[selectedIndex] ? hitDomId(selectedIndex) : undefined}
      >
        {hits.map((hit, index) => (
          <HitRow
            key={hit.messageId}
            hit={hit}
            index={index}
            total={hits.length}
            selected={index === selectedIndex}
            open={hit.threadId === openThreadId}
            onActivate={onActivate}
          />
        ))}
      </ol>
    </div>
  );
});

interface HitRowProps {
  hit: SearchHit;
  index: number;
  total: number;
  selected: boolean;
  open: boolean;
  onActivate: SearchResultsProps['onActivate'];
}

function HitRow({ hit, index, total, selected, open, onActivate }: HitRowProps) {
  return (
    <li
      id={hitDomId(index)}
      role="option"
      aria-selected={selected}
      aria-posinset={index + 1}
      aria-setsize={total}
      data-thread-id={hit.threadId}
      className={['hit-row', selected && 'is-selected', open && 'is-open'].filter(Boolean).join(' ')}
      onClick={() => onActivate(index, hit.threadId)}
    >
      <div className="thread-row-top">
        <span className="thread-from">{hit.from ?? '(unknown sender)'}</span>
        {hit.date !== null && (
          <time className="thread-date" title={fullDate(hit.date)}>
            {shortDate(hit.date)}
          </time>
        )}
      </div>
      <div className="thread-subject">{hit.subject || '(no subject)'}</div>
      <div className="thread-snippet">{hit.snippet}</div>
    </li>
  );
}
