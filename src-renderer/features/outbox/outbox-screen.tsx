// The send outbox: messages scheduled (the undo window or send later), waiting for the
// network, being sent, held by Outlook until their send time, or refused by the provider with
// its reason and Retry. Cancel send takes a message back and reopens it as a draft.
import type { SendItem, SendState } from '../../../src-preload/contract/index.ts';
import { isHeld, waitingItems } from '../../api/compose-cache.ts';
import { useRetrySend, useUndoSend } from '../../api/compose-mutations.ts';
import { useOutbox } from '../../api/queries.ts';
import { fullDate, plural } from '../../components/format.ts';
import { describeError } from '../../components/toasts.tsx';
import { openCompose } from '../compose/compose-store.ts';

const STATE_LABELS: Record<SendState, string> = { scheduled: 'Scheduled', pending: 'Waiting', sending: 'Sending', sent: 'Sent', failed: 'Failed' };
const STATE_CLASSES: Record<SendState, string> = { scheduled: 'log-queued', pending: 'log-paused', sending: 'log-queued', sent: 'log-logged', failed: 'log-failed' };

export function OutboxScreen() {
  const { data, error, isPending } = useOutbox();
  const items = waitingItems(data ?? []);
  return (
    <div className="settings">
      <div className="settings-inner">
        <h1>Outbox</h1>
        <section className="settings-section" aria-labelledby="outbox-heading">
          <h2 id="outbox-heading">Waiting to send</h2>
          {error && <p role="alert" className="field-error">{describeError(error)}</p>}
          {isPending && <p role="status" className="muted">Loading…</p>}
          <ul className="outbox-list" aria-label="Outbox">
            {items.map((item) => <OutboxItem key={item.id} item={item} />)}
          </ul>
          {!isPending && items.length === 0 && <p className="muted">Nothing waiting: every message has left.</p>}
        </section>
      </div>
    </div>
  );
}

function OutboxItem({ item }: { item: SendItem }) {
  const retry = useRetrySend();
  const undo = useUndoSend(openCompose);
  const subject = item.subject || '(no subject)';
  // Handed to Outlook with its send time: sent as far as Mailbridge goes, not yet for the recipients.
  const held = isHeld(item);
  const state: SendState = held ? 'scheduled' : item.state;
  const when =
    held ? `Outlook will send it at ${fullDate(item.sendAt)}, even while Mailbridge is closed`
    : item.state === 'scheduled' ? `Sends ${fullDate(item.sendAt)}`
    : item.state === 'failed' ? `Not sent after ${plural(item.attempts, 'attempt')}`
    : item.state === 'pending' ? 'Waits for the connection or its next attempt'
    : 'Handed to the provider';
  return (
    <li className="outbox-item" aria-label={subject} data-send-state={item.state} data-held-by-provider={held} data-send-id={item.id}>
      <div className="outbox-main">
        <div className="outbox-title">
          <strong>{subject}</strong>
          <span className={`badge ${STATE_CLASSES[state]}`}>{STATE_LABELS[state]}</span>
        </div>
        <div className="muted outbox-meta">To {item.recipients.join(', ') || '(no recipients)'}</div>
        <div className="muted outbox-meta">{when}</div>
        {item.state === 'failed' && item.error && <p className="field-error">{item.error}</p>}
      </div>
      <div className="account-actions">
        {item.state === 'failed' && (
          <button type="button" className="button button-small" aria-label={`Retry sending “${subject}”`} disabled={retry.isPending} onClick={() => retry.mutate(item.id)}>
            Retry
          </button>
        )}
        {(item.state === 'scheduled' || item.state === 'failed') && (
          <button type="button" className="button button-small" aria-label={`Cancel send of “${subject}”`} disabled={undo.isPending} onClick={() => undo.mutate(item.id)}>
            Cancel send
          </button>
        )}
      </div>
    </li>
  );
}
