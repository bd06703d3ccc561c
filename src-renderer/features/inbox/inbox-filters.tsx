// Account and label filters over the unified inbox (mail:threads' ThreadFilter), each
// choice with its unread thread count, as Gmail's label list shows it.
import type { ThreadFilter } from '../../../src-preload/contract/index.ts';
import { useAccounts, useLabels } from '../../api/queries.ts';

interface InboxFiltersProps {
  filter: ThreadFilter;
  onChange(filter: ThreadFilter): void;
}

/** " (12)" after a name, as Thunderbird and Outlook write unread counts; nothing when all is read. */
const unreadSuffix = (count: number) => (count > 0 ? ` (${count.toLocaleString('en')})` : '');

export function InboxFilters({ filter, onChange }: InboxFiltersProps) {
  const { data: accounts = [] } = useAccounts();
  const { data: labels = [] } = useLabels(filter.accountId);
  const number = (value: string) => (value ? Number(value) : undefined);
  return (
    <div className="inbox-filters" role="group" aria-label="Filters">
      <select
        aria-label="Account"
        title="Unread conversations in brackets"
        value={filter.accountId ?? ''}
        onChange={(e) => onChange({ accountId: number(e.target.value), labelId: undefined })}
      >
        <option value="">All accounts{unreadSuffix(accounts.reduce((sum, a) => sum + a.unreadThreads, 0))}</option>
        {accounts.map((a) => (
          <option key={a.id} value={a.id}>
            {a.email}
            {unreadSuffix(a.unreadThreads)}
          </option>
        ))}
      </select>
      <select aria-label="Label" title="Unread conversations in brackets" value={filter.labelId ?? ''} onChange={(e) => onChange({ ...filter, labelId: number(e.target.value) })}>
        <option value="">All labels</option>
        {labels.map((l) => (
          <option key={l.id} value={l.id}>
            {l.name}
            {unreadSuffix(l.unreadThreads)}
            {filter.accountId === undefined && accounts.length > 1
              ? ` (${accounts.find((a) => a.id === l.accountId)?.email ?? ''})`
              : ''}
          </option>
        ))}
      </select>
    </div>
  );
}
