// From/To/Cc as buttons: choosing one opens the contact panel for that address. CRM
// contacts are marked so the rep sees at a glance who is known.
import type { Participant } from '../../../src-preload/contract/index.ts';

interface ParticipantButtonProps {
  participant: Participant;
  onSelect(address: string): void;
}

export function ParticipantButton({ participant, onSelect }: ParticipantButtonProps) {
  const label = participant.name || participant.address;
  return (
    <button
      type="button"
      className={`participant${participant.isContact ? ' is-contact' : ''}`}
      title={participant.address}
      aria-label={`${label} <${participant.address}>${participant.isContact ? ', CRM contact' : ''}`}
      onClick={(event) => {
        event.stopPropagation();
        onSelect(participant.address);
      }}
    >
      {label}
      {participant.isContact && <span className="contact-mark" aria-hidden="true">●</span>}
    </button>
  );
}

export function ParticipantList({ label, people, onSelect }: { label: string; people: Participant[]; onSelect(address: string): void }) {
  if (people.length === 0) return null;
  return (
    <div className="participant-line">
      <span className="participant-role">{label}</span>
      {people.map((p) => (
        <ParticipantButton key={p.address} participant={p} onSelect={onSelect} />
      ))}
    </div>
  );
}
