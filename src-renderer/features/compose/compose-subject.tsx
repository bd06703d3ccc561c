// The compose window's Subject line (998 characters at most: RFC 5322 §2.1.1's line limit).
interface ComposeSubjectProps {
  draftId: number;
  value: string;
  onChange(subject: string): void;
}

export function ComposeSubject({ draftId, value, onChange }: ComposeSubjectProps) {
  const id = `compose-subject-${draftId}`;
  return (
    <div className="compose-subject-row">
      <label className="compose-label" htmlFor={id}>
        Subject
      </label>
      <input id={id} type="text" className="compose-subject" value={value} maxLength={998} onChange={(event) => onChange(event.target.value)} />
    </div>
  );
}
