// The contact panel for a selected participant (contacts:timeline): the CRM's card (name,
// title, phone, company, owner, status, last activity, open deals, "Open in <CRM>"), the deal
// this conversation is logged to, or "Not in CRM" with "Add to <CRM>"; then every email with
// them, newest first, each with its log badge; choosing one opens its thread.
import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { Contact, Deal, Timeline, TimelineEntry } from '../../../src-preload/contract/index.ts';
import { useAddCrmContact } from '../../api/mutations.ts';
import { useCrmStatus, useTimeline } from '../../api/queries.ts';
import { chooseDeal, useDealPick } from './deal-choice.ts';
import { fullDate, plural, shortDate } from '../../components/format.ts';
import { LogBadge } from '../../components/log-badge.tsx';
import { describeError } from '../../components/toasts.tsx';

interface ContactPanelProps {
  address: string;
  /** The open conversation, whose deal the panel picks; null when none is open. */
  threadId?: number | null;
  onClose(): void;
  onOpenThread(threadId: number): void;
}

export function ContactPanel({ address, threadId = null, onClose, onOpenThread }: ContactPanelProps) {
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
            <>
              <ContactCard contact={contact} />
              {threadId !== null && contact.deals && contact.deals.length > 0 && <DealPicker threadId={threadId} deals={contact.deals} />}
            </>
          ) : (
            <NotInCrm timeline={timeline} />
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

const money = (deal: Deal) =>
  deal.amount === null ? '' : new Intl.NumberFormat(undefined, { style: 'currency', currency: deal.currency || 'USD', maximumFractionDigits: 0 }).format(deal.amount);

function ContactCard({ contact }: { contact: Contact }) {
  const { data: crm } = useCrmStatus();
  const name = crm?.name ?? 'CRM';
  return (
    <>
      <dl className="contact-facts" aria-label="CRM contact">
        {contact.title && (
          <>
            <dt>Title</dt>
            <dd>{contact.title}</dd>
          </>
        )}
        <dt>Email</dt>
        <dd>{contact.email}</dd>
        {contact.phone && (
          <>
            <dt>Phone</dt>
            <dd>
              <a href={`tel:${contact.phone.replace(/[^\d+]/g, '')}`}>{contact.phone}</a>
            </dd>
          </>
        )}
        <dt>Company</dt>
        <dd>{contact.company || '—'}</dd>
        <dt>Owner</dt>
        <dd>{contact.owner || '—'}</dd>
        {contact.status && (
          <>
            <dt>{contact.kind === 'lead' ? 'Lead status' : 'Status'}</dt>
            <dd>{contact.status}</dd>
          </>
        )}
        <dt>Last activity</dt>
        <dd>{contact.lastActivityAt ? <time title={fullDate(contact.lastActivityAt)}>{shortDate(contact.lastActivityAt)}</time> : '—'}</dd>
      </dl>
      {contact.deals && contact.deals.length > 0 && (
        <>
          <h3 className="contact-subheading">{plural(contact.deals.length, 'open deal')}</h3>
          <ul className="contact-deals" aria-label="Open deals">
            {contact.deals.map((deal) => (
              <li key={deal.crmDealId}>
                <span className="deal-name">{deal.name}</span>
                <span className="muted">
                  {' · '}
                  {deal.stage}
                  {deal.amount !== null ? ` · ${money(deal)}` : ''}
                </span>
              </li>
            ))}
          </ul>
        </>
      )}
      {contact.url && (
        // Main hands https links to the system browser (setWindowOpenHandler / will-navigate).
        <a className="button button-small" href={contact.url} target="_blank" rel="noreferrer noopener">
          Open in {name}
        </a>
      )}
    </>
  );
}

/** Which deal "Log to CRM" attaches this conversation's emails to: main's default is the only open deal. */
function DealPicker({ threadId, deals }: { threadId: number; deals: Deal[] }) {
  const pick = useDealPick(threadId);
  const value = pick === undefined ? (deals.length === 1 ? deals[0]!.crmDealId : '') : (pick ?? '');
  return (
    <div className="deal-picker">
      <label htmlFor={`deal-pick-${threadId}`}>Log this conversation to</label>
      <select id={`deal-pick-${threadId}`} value={value} onChange={(e) => chooseDeal(threadId, e.target.value || null)}>
        <option value="">No deal</option>
        {deals.map((deal) => (
          <option key={deal.crmDealId} value={deal.crmDealId}>
            {deal.name}
          </option>
        ))}
      </select>
    </div>
  );
}

/** Free-mail domains say nothing of the sender's company. */
const PERSONAL_DOMAINS = new Set(['gmail.com', 'googlemail.com', 'outlook.com', 'hotmail.com', 'live.com', 'yahoo.com', 'icloud.com', 'me.com', 'aol.com', 'gmx.com', 'proton.me', 'protonmail.com', 'fastmail.com']);

/** A company name guessed from the address's domain (`pge.com` → `Pge`), '' for free mail. */
export function companyFromAddress(address: string): string {
  const domain = address.split('@')[1]?.toLowerCase() ?? '';
  if (!domain || PERSONAL_DOMAINS.has(domain)) return '';
  const labels = domain.split('.');
  const name = labels.length > 2 && labels.at(-2)!.length <= 3 ? labels.at(-3)! : labels.at(-2) ?? '';
  return name ? name[0]!.toUpperCase() + name.slice(1) : '';
}

/** "Not in CRM", and "Add to <CRM>" with the name and company from the mail, editable first. */
function NotInCrm({ timeline }: { timeline: Timeline }) {
  const { data: crm } = useCrmStatus();
  const add = useAddCrmContact();
  const [open, setOpen] = useState(false);
  const [name, setName] = useState(timeline.displayName);
  const [company, setCompany] = useState(companyFromAddress(timeline.address));
  const connected = crm?.state === 'connected';
  const what = crm?.crm === 'salesforce' ? 'lead' : 'contact';
  const submit = (event: FormEvent) => {
    event.preventDefault();
    add.mutate({ email: timeline.address, name: name.trim(), company: company.trim() });
  };
  return (
    <div className="not-in-crm" role="note">
      <p>
        Not in {crm?.name ?? 'CRM'}
        <span className="muted"> · {timeline.address}</span>
      </p>
      {connected && !open && (
        <button type="button" className="button button-small" onClick={() => setOpen(true)}>
          Add to {crm.name}
        </button>
      )}
      {connected && open && (
        <form className="add-contact" onSubmit={submit} aria-label={`Add to ${crm.name}`}>
          <label>
            Name
            <input value={name} onChange={(e) => setName(e.target.value)} maxLength={200} />
          </label>
          <label>
            Company
            <input value={company} onChange={(e) => setCompany(e.target.value)} maxLength={200} />
          </label>
          <button type="submit" className="button button-small button-primary" disabled={add.isPending}>
            {add.isPending ? 'Adding…' : `Add as ${what}`}
          </button>
          {add.isError && <p role="alert" className="field-error">{describeError(add.error)}</p>}
        </form>
      )}
    </div>
  );
}
