// The contact panel for a selected participant (contacts:timeline): the CRM contact's
// name, company and owner, or "Not in CRM", and every email with them, newest first,
// each with its log badge; choosing one opens its thread.
import { useEffect, useRef } from 'react';
import type { TimelineEntry } from '../../../src-preload/contract/index.ts';
import { useTimeline } from '../../api/queries.ts';
import { fullDate, plural, shortDate } from '../../components/format.ts';
import { LogBadge } from '../../components/log-badge.tsx';
import { describeError } from '../../components/toasts.tsx';

interface ContactPanelProps {
  address: string;
  onClose(): void;
  onOpenThread(threadId: number): void;
}

export function ContactPanel({ address, onClose, onOpenThread }: ContactPanelProps) {
  const { data: timeline, error, isPending } = useTimeline(address);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus({ preventScroll: true }), [address]);
  const contact = timeline?.contact ?? null;
  return (
    <aside className="contact-panel" aria-label="Contact">
      <header className="contact-header">
        <h2 ref={heading} tabIndex={-1} className="contact-name">
          {contact?.name || address}
        </h2>
        <button type="button" className="icon-button" aria-label="Close contact panel" onClick={onClose}>
          ×
        </button>
      </header>
      {isPending && <p role="status">Loading…</p>}
      {error && <p className="error-panel" role="alert">{describeError(error)}</p>}
      {timeline && (
        <>
          {contact ? (
            <dl className="contact-facts" aria-label="CRM contact">
              <dt>Email</dt>
              <dd>{contact.email}</dd>
              <dt>Company</dt>
              <dd>{contact.company || '—'}</dd>
              <dt>Owner</dt>
              <dd>{contact.owner || '—'}</dd>
            </dl>
          ) : (
            <p className="not-in-crm" role="note">
              Not in CRM
              <span className="muted"> · {address}</span>
            </p>
          )}
          <h3 className="contact-subheading">{plural(timeline.emails.length, 'email')}</h3>
          <ol className="timeline" aria-label={`Emails with ${address}`}>
            {timeline.emails.map((entry) => (
              <TimelineItem key={entry.messageId} entry={entry} onOpen={() => onOpenThread(entry.threadId)} />
            ))}
          </ol>
        </>
      )}
    </aside>
  );
}

function TimelineItem({ entry, onOpen }: { entry: TimelineEntry; onOpen(): void }) {
  return (
    <li className="timeline-item" data-message-id={entry.messageId} data-log-state={entry.logState.state}>
      {/* Named by what it shows (direction, date, subject), as WCAG 2.5.3 asks; the snippet describes it. */}
      <button type="button" className="timeline-open" onClick={onOpen} aria-describedby={`timeline-snippet-${entry.messageId}`}>
        <span className="timeline-top">
          <span className={`direction direction-${entry.direction}`}>{entry.direction === 'incoming' ? 'Received' : 'Sent'}</span>
          <time title={fullDate(entry.date)}>{shortDate(entry.date)}</time>
        </span>
        <span className="timeline-subject">{entry.subject || '(no subject)'}</span>
        <span className="thread-snippet" id={`timeline-snippet-${entry.messageId}`} aria-hidden="true">
          {entry.snippet}
        </span>
      </button>
      <LogBadge state={entry.logState.state} error={entry.logState.error} />
    </li>
  );
}
