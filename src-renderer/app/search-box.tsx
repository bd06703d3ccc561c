// The search field (`/` focuses it): runs full-text search as the rep types (debounced) or
// on Enter; Esc clears it and returns to the inbox.
import { forwardRef, useEffect, useState } from 'react';

interface SearchBoxProps {
  query: string;
  onSearch(query: string): void;
}

export const SearchBox = forwardRef<HTMLInputElement, SearchBoxProps>(function SearchBox({ query, onSearch }, ref) {
  const [text, setText] = useState(query);
  useEffect(() => setText(query), [query]);
  useEffect(() => {
    const trimmed = text.trim();
    if (trimmed === query) return;
    const timer = setTimeout(() => onSearch(trimmed), 250);
    return () => clearTimeout(timer);
  }, [text, query, onSearch]);
  return (
    <form
      role="search"
      className="search-form"
      onSubmit={(event) => {
        event.preventDefault();
        onSearch(text.trim());
      }}
    >
      <input
        ref={ref}
        type="search"
        className="search-input"
        aria-label="Search mail"
        placeholder="Search mail  ( / )"
        value={text}
        maxLength={500}
        onChange={(event) => setText(event.target.value)}
        onKeyDown={(event) => {
          if (event.key === 'Escape') {
            event.preventDefault();
            setText('');
            onSearch('');
            event.currentTarget.blur();
          }
        }}
      />
    </form>
  );
});
