// A first window onto the local store: accounts, counts and search. The full inbox,
// thread view and CRM logging come with the desktop-app issue.
import { useEffect, useState, type FormEvent } from 'react';
import type { AccountSummary, SearchHit, Stats } from '../../src-preload/contract/index.ts';
import { call } from '../api/client.ts';

const plural = (n: number, noun: string) => `${n.toLocaleString('en')} ${noun}${n === 1 ? '' : 's'}`;

export function App() {
  const [accounts, setAccounts] = useState<AccountSummary[]>([]);
  const [stats, setStats] = useState<Stats | null>(null);
  const [query, setQuery] = useState('');
  const [hits, setHits] = useState<SearchHit[]>([]);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    Promise.all([call('accounts:list', undefined), call('mail:stats', undefined)])
      .then(([a, s]) => {
        setAccounts(a);
        setStats(s);
      })
      .catch((e: Error) => setError(e.message));
  }, []);

  const search = (event: FormEvent) => {
    event.preventDefault();
    if (!query.trim()) return;
    call('mail:search', { query, limit: 50 }).then(setHits, (e: Error) => setError(e.message));
  };

  return (
    <main style={{ font: '14px system-ui', padding: 16 }}>
      <h1>Mailbridge</h1>
      {error && <p role="alert">{error}</p>}
      {stats && (
        <p>
          {plural(stats.messages, 'message')} in {plural(stats.threads, 'thread')} across {plural(stats.accounts, 'account')}
          {stats.warnings > 0 && ` (${stats.warnings} with warnings)`}
        </p>
      )}
      <ul>
        {accounts.map((a) => (
          <li key={a.id}>
            {a.email} ({a.provider}, {a.status})
          </li>
        ))}
      </ul>
      <form onSubmit={search} role="search">
        <input aria-label="Search mail" value={query} onChange={(e) => setQuery(e.target.value)} placeholder="Search mail" />
      </form>
      <ol>
        {hits.map((h) => (
          <li key={h.messageId}>
            <strong>{h.subject || '(no subject)'}</strong> — {h.from ?? 'unknown sender'}
            {h.date && ` · ${new Date(h.date).toLocaleString()}`}
            <div>{h.snippet}</div>
          </li>
        ))}
      </ol>
    </main>
  );
}
