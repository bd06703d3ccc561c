// One message of a thread: header with participants, date and the CRM log control; body,
// attachments and parser warnings when expanded. Older messages start collapsed.
import type { MessageView } from '../../../src-preload/contract/index.ts';
import { fullDate, shortDate } from '../../components/format.ts';
import { AttachmentList } from './attachment-list.tsx';
import { LogControl } from './log-control.tsx';
import { MessageBody } from './message-body.tsx';
import { ParticipantButton, ParticipantList } from './participants.tsx';

interface MessageCardProps {
  threadId: number;
  message: MessageView;
  index: number;
  expanded: boolean;
  onToggle(): void;
  onSelectParticipant(address: string): void;
  onOpenSettings(): void;
}

export function MessageCard({ threadId, message, index, expanded, onToggle, onSelectParticipant, onOpenSettings }: MessageCardProps) {
  const sender = message.from?.name || message.from?.address || '(unknown sender)';
  return (
    <article
      className={`message-card${expanded ? ' is-expanded' : ''}`}
      tabIndex={-1}
      aria-label={`Message ${index + 1} from ${sender}`}
      data-message-id={message.id}
      data-log-state={message.logState.state}
    >
      <header className="message-header">
        <button type="button" className="message-toggle" aria-expanded={expanded} aria-label={`${expanded ? 'Collapse' : 'Expand'} message from ${sender}`} onClick={onToggle} />
        <div className="message-meta">
          <div className="message-from">
            {message.from ? <ParticipantButton participant={message.from} onSelect={onSelectParticipant} /> : <span>{sender}</span>}
            <time className="message-date" dateTime={new Date(message.date).toISOString()} title={fullDate(message.date)}>
              {expanded ? fullDate(message.date) : shortDate(message.date)}
            </time>
          </div>
          {expanded ? (
            <>
              <ParticipantList label="To" people={message.to} onSelect={onSelectParticipant} />
              <ParticipantList label="Cc" people={message.cc} onSelect={onSelectParticipant} />
            </>
          ) : (
            <div className="message-snippet">{message.text.slice(0, 160)}</div>
          )}
        </div>
        <LogControl threadId={threadId} logState={message.logState} onOpenSettings={onOpenSettings} />
      </header>
      {expanded && (
        <>
          <MessageBody threadId={threadId} message={message} />
          <AttachmentList message={message} />
          {message.warnings.length > 0 && (
            <details className="parser-warnings">
              <summary>Parser warnings ({message.warnings.length})</summary>
              <ul>
                {message.warnings.map((w, i) => (
                  <li key={i}>{w}</li>
                ))}
              </ul>
            </details>
          )}
        </>
      )}
    </article>
  );
}
