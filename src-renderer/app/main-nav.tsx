// The top bar's screens, with the number of kept drafts and of messages still in the send
// outbox (failed ones are called out), and Compose (c).
import { waitingItems } from '../api/compose-cache.ts';
import { useDrafts, useOutbox } from '../api/queries.ts';

export type View = 'inbox' | 'drafts' | 'outbox' | 'settings';

interface MainNavProps {
  view: View;
  onChange(view: View): void;
  onCompose(): void;
  composing: boolean;
}

export function MainNav({ view, onChange, onCompose, composing }: MainNavProps) {
  const { data: drafts = [] } = useDrafts();
  const { data: outbox = [] } = useOutbox();
  const waiting = waitingItems(outbox);
  const failed = waiting.filter((item) => item.state === 'failed').length;
  const item = (name: View, label: string, extra?: string) => (
    <button type="button" className={`nav-button${extra ?? ''}`} aria-current={view === name ? 'page' : undefined} onClick={() => onChange(name)}>
      {label}
    </button>
  );
  return (
    <>
      <button type="button" className="button button-primary compose-button" title="New message (c)" disabled={composing} onClick={onCompose}>
        Compose
      </button>
      <nav className="main-nav" aria-label="Main">
        {item('inbox', 'Inbox')}
        {item('drafts', drafts.length ? `Drafts (${drafts.length})` : 'Drafts')}
        {item('outbox', waiting.length ? `Outbox (${waiting.length}${failed ? `, ${failed} failed` : ''})` : 'Outbox', failed ? ' has-failed' : '')}
        {item('settings', 'Settings')}
      </nav>
    </>
  );
}
