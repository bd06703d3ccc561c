// The never-log list: addresses and domains never logged, by hand or by the auto-log rule.
// Main normalises and validates each entry; an invalid_input answer shows beside the field.
import { useState, type FormEvent } from 'react';
import { useSaveSettings } from '../../api/mutations.ts';
import { describeError } from '../../components/toasts.tsx';

export function NeverLogEditor({ entries }: { entries: string[] }) {
  const save = useSaveSettings();
  const [text, setText] = useState('');
  const add = (event: FormEvent) => {
    event.preventDefault();
    const entry = text.trim();
    if (!entry) return;
    save.mutate({ neverLog: [...entries, entry] }, { onSuccess: () => setText('') });
  };
  return (
    <div className="never-log">
      <h3 id="never-log-heading">Never log</h3>
      <ul className="never-log-list" aria-labelledby="never-log-heading">
        {entries.map((entry) => (
          <li key={entry}>
            <span>{entry}</span>
            <button
              type="button"
              className="icon-button"
              aria-label={`Remove ${entry}`}
              onClick={() => save.mutate({ neverLog: entries.filter((e) => e !== entry) })}
            >
              ×
            </button>
          </li>
        ))}
        {entries.length === 0 && <li className="muted">Nothing excluded.</li>}
      </ul>
      <form className="inline-fields" onSubmit={add}>
        <input
          type="text"
          aria-label="Address or domain to never log"
          placeholder="name@example.com or example.com"
          value={text}
          onChange={(e) => {
            setText(e.target.value);
            // Editing the entry dismisses the refusal of the last one.
            if (save.isError) save.reset();
          }}
        />
        <button type="submit" className="button" disabled={save.isPending}>
          Add
        </button>
      </form>
      {save.isError && <p role="alert" className="field-error">{describeError(save.error)}</p>}
    </div>
  );
}
