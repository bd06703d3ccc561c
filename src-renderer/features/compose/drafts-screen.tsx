// Drafts kept on this computer (drafts:list, newest first): reopen one in the compose
// window, or discard it.
import type { Draft } from '../../../src-preload/contract/index.ts';
import { useDiscardDraft } from '../../api/compose-mutations.ts';
import { useDrafts } from '../../api/queries.ts';
import { relativeTime } from '../../components/format.ts';
import { describeError } from '../../components/toasts.tsx';
import { closeCompose, openCompose } from './compose-store.ts';
import { MODE_TITLES } from './compose-modes.ts';
import { useStartCompose } from './use-start-compose.ts';

export function DraftsScreen() {
  const { data: drafts = [], error, isPending } = useDrafts();
  const compose = useStartCompose();
  return (
    <div className="settings">
      <div className="settings-inner">
        <div className="screen-heading">
          <h1>Drafts</h1>
          <button type="button" className="button button-primary" title="New message (c)" disabled={compose.pending} onClick={() => compose.start({ mode: 'new' })}>
            New message
          </button>
        </div>
        <section className="settings-section" aria-label="Kept drafts">
          {error && <p role="alert" className="field-error">{describeError(error)}</p>}
          {isPending && <p role="status" className="muted">Loading…</p>}
          <ul className="outbox-list" aria-label="Drafts">
            {drafts.map((draft) => <DraftItem key={draft.id} draft={draft} />)}
          </ul>
          {!isPending && drafts.length === 0 && <p className="muted">No drafts.</p>}
        </section>
      </div>
    </div>
  );
}

function DraftItem({ draft }: { draft: Draft }) {
  const discard = useDiscardDraft();
  const subject = draft.subject || '(no subject)';
  const to = [...draft.to, ...draft.cc, ...draft.bcc].map((r) => r.name || r.address).join(', ');
  return (
    <li className="outbox-item" aria-label={subject} data-draft-id={draft.id}>
      <div className="outbox-main">
        <div className="outbox-title">
          <strong>{subject}</strong>
          <span className="badge">{MODE_TITLES[draft.mode]}</span>
        </div>
        <div className="muted outbox-meta">To {to || '(no recipients yet)'}</div>
        <div className="muted outbox-meta">Saved {relativeTime(draft.updatedAt)}</div>
      </div>
      <div className="account-actions">
        <button type="button" className="button button-small" aria-label={`Open draft “${subject}”`} onClick={() => openCompose(draft)}>
          Open
        </button>
        <button
          type="button"
          className="button button-small button-danger"
          aria-label={`Discard draft “${subject}”`}
          disabled={discard.isPending}
          onClick={() => {
            closeCompose(draft.id);
            discard.mutate(draft.id);
          }}
        >
          Discard
        </button>
      </div>
    </li>
  );
}
