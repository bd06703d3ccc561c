// One recipient line (To, Cc or Bcc) as chips plus a combobox with completions from
// mail:addresses (WAI-ARIA combobox with a listbox popup): ↑/↓ choose a completion,
// Enter, Tab or a comma add it (or what was typed), Backspace in an empty field removes the
// last chip, Esc closes the completions; a pasted list becomes one chip per address.
import { useEffect, useId, useMemo, useRef, useState, type ClipboardEvent, type KeyboardEvent } from 'react';
import type { AddressSuggestion } from '../../../src-preload/contract/index.ts';
import { useAddressSuggestions } from '../../api/queries.ts';
import { addRecipients, chipLabel, hasSeveral, type RecipientChip } from './recipients.ts';

interface RecipientFieldProps {
  label: 'To' | 'Cc' | 'Bcc';
  chips: RecipientChip[];
  onChange(chips: RecipientChip[]): void;
  autoFocus?: boolean;
}

/** Debounce before asking for completions, ms. */
const SUGGEST_DELAY_MS = 150;

function useDebounced(value: string, delayMs: number): string {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(value), delayMs);
    return () => clearTimeout(timer);
  }, [value, delayMs]);
  return debounced;
}

export function RecipientField({ label, chips, onChange, autoFocus }: RecipientFieldProps) {
  const id = useId();
  const [text, setText] = useState('');
  const [active, setActive] = useState(-1);
  const [dismissed, setDismissed] = useState(false);
  const prefix = useDebounced(text.trim(), SUGGEST_DELAY_MS);
  const { data } = useAddressSuggestions(prefix);
  const suggestions = useMemo(() => {
    const have = new Set(chips.map((chip) => chip.address));
    return prefix && prefix === text.trim() ? (data ?? []).filter((s) => !have.has(s.address.toLowerCase())) : [];
  }, [data, chips, prefix, text]);
  const open = suggestions.length > 0 && !dismissed;
  const optionId = (index: number) => `${id}-option-${index}`;

  // What is typed, read by handlers that run before the next render (blur right after Tab).
  const typed = useRef('');
  const setTyped = (value: string) => {
    typed.current = value;
    setText(value);
  };
  const commitText = (value: string) => {
    if (value.trim()) onChange(addRecipients(chips, value));
    setTyped('');
    setActive(-1);
  };
  const choose = (suggestion: AddressSuggestion) => {
    const name = suggestion.name && suggestion.name !== suggestion.address ? `"${suggestion.name.replace(/"/g, '')}" ` : '';
    typed.current = '';
    commitText(`${name}<${suggestion.address}>`);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    const chosen = open && active >= 0 ? suggestions[active] : undefined;
    const key = event.key;
    if ((key === 'ArrowDown' || key === 'ArrowUp') && open) {
      event.preventDefault();
      const n = suggestions.length;
      setActive((i) => (key === 'ArrowDown' ? (i + 1) % n : i <= 0 ? n - 1 : i - 1));
    } else if (key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      // Send: the typed address joins the recipients first (the compose window sends).
      commitText(typed.current);
    } else if (key === 'Enter' || key === ',' || key === ';') {
      if (key !== 'Enter' || chosen || typed.current.trim()) event.preventDefault();
      if (chosen) choose(chosen);
      else commitText(typed.current);
    } else if (key === 'Tab' && chosen) {
      // Tab takes the completion and moves on; without one, the blur commits what was typed.
      choose(chosen);
    } else if (key === 'Escape' && open) {
      event.preventDefault();
      event.stopPropagation();
      setDismissed(true);
    } else if (key === 'Backspace' && typed.current === '' && chips.length > 0) {
      onChange(chips.slice(0, -1));
    }
  };

  const onPaste = (event: ClipboardEvent<HTMLInputElement>) => {
    const pasted = event.clipboardData.getData('text');
    if (!hasSeveral(pasted)) return;
    event.preventDefault();
    commitText(`${typed.current},${pasted}`);
  };

  return (
    <div className="recipient-row">
      <label className="compose-label" htmlFor={`${id}-input`}>
        {label}
      </label>
      <div className="recipient-box">
        {chips.length > 0 && (
          <ul className="chips" aria-label={`${label} recipients`}>
            {chips.map((chip) => (
              <li key={chip.address} className={`chip${chip.valid ? '' : ' is-invalid'}`} data-valid={chip.valid} title={chip.valid ? chip.address : `${chip.address} is not a valid address`}>
                <span className="chip-text">
                  {chipLabel(chip)}
                  {!chip.valid && <span className="visually-hidden">, invalid address</span>}
                </span>
                <button type="button" className="chip-remove" aria-label={`Remove ${chip.address}`} onClick={() => onChange(chips.filter((c) => c !== chip))}>
                  ×
                </button>
              </li>
            ))}
          </ul>
        )}
        <input
          id={`${id}-input`}
          className="recipient-input"
          type="text"
          role="combobox"
          aria-autocomplete="list"
          aria-expanded={open}
          aria-controls={`${id}-listbox`}
          aria-activedescendant={open && active >= 0 ? optionId(active) : undefined}
          autoComplete="off"
          spellCheck={false}
          autoFocus={autoFocus}
          value={text}
          onChange={(event) => {
            setTyped(event.target.value);
            setActive(-1);
            setDismissed(false);
          }}
          onKeyDown={onKeyDown}
          onPaste={onPaste}
          onBlur={() => commitText(typed.current)}
        />
        <ul id={`${id}-listbox`} role="listbox" aria-label={`Suggestions for ${label}`} className="suggestions" hidden={!open}>
          {open &&
            suggestions.map((s, index) => (
              <li
                key={s.address}
                id={optionId(index)}
                role="option"
                aria-selected={index === active}
                className={`suggestion${index === active ? ' is-active' : ''}`}
                // Keeps focus in the field, so its blur does not commit the half-typed text first.
                onMouseDown={(event) => event.preventDefault()}
                onClick={() => choose(s)}
              >
                <span className="suggestion-name">{s.name || s.address}</span>
                {s.name && <span className="suggestion-address">{s.address}</span>}
                {s.isContact && <span className="badge">CRM contact</span>}
              </li>
            ))}
        </ul>
      </div>
    </div>
  );
}
