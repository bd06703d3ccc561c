// "Send later": a small popup beside Send with a date-and-time field (local time); the
// message waits in the outbox until then (while the app runs).
import { useState } from 'react';
import { defaultSendLater, fromDateTimeLocal, sendLaterProblem, toDateTimeLocal } from './send-later.ts';

interface SendLaterMenuProps {
  disabled: boolean;
  onSchedule(sendAt: number): void;
}

export function SendLaterMenu({ disabled, onSchedule }: SendLaterMenuProps) {
  const [open, setOpen] = useState(false);
  const [value, setValue] = useState(() => toDateTimeLocal(defaultSendLater(Date.now())));
  const [problem, setProblem] = useState<string | null>(null);
  const schedule = () => {
    const reason = sendLaterProblem(value, Date.now());
    if (reason) return setProblem(reason);
    setOpen(false);
    onSchedule(fromDateTimeLocal(value)!);
  };
  return (
    <div className="send-later">
      <button
        type="button"
        className="button"
        aria-haspopup="true"
        aria-expanded={open}
        disabled={disabled}
        onClick={() => {
          setOpen(!open);
          setProblem(null);
        }}
      >
        Send later
      </button>
      {open && (
        <div
          className="send-later-popup"
          role="group"
          aria-label="Send later"
          onKeyDown={(event) => {
            if (event.key === 'Escape') {
              event.preventDefault();
              setOpen(false);
            } else if (event.key === 'Enter' && !event.ctrlKey && !event.metaKey) {
              event.preventDefault();
              schedule();
            }
          }}
        >
          <label className="compose-label" htmlFor="send-later-at">
            Send at
          </label>
          <input
            id="send-later-at"
            type="datetime-local"
            value={value}
            min={toDateTimeLocal(Date.now())}
            aria-invalid={problem !== null}
            autoFocus
            onChange={(event) => {
              setValue(event.target.value);
              setProblem(null);
            }}
          />
          {problem && <span className="field-error" role="alert">{problem}</span>}
          <div className="send-later-actions">
            <button type="button" className="button button-small button-primary" onClick={schedule}>
              Schedule send
            </button>
            <button type="button" className="button button-small" onClick={() => setOpen(false)}>
              Cancel
            </button>
          </div>
        </div>
      )}
    </div>
  );
}
