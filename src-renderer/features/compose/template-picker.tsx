// "Templates" in the compose window (and Ctrl/Cmd+Shift+T): a filter field over the saved
// templates as a WAI-ARIA combobox with a listbox; ↑/↓ choose, Enter or a click inserts, Esc
// closes and returns focus to the button. Templates are written in Settings → Templates.
import { useEffect, useId, useRef, useState, type KeyboardEvent, type RefObject } from 'react';
import type { EmailTemplate } from '../../../src-preload/contract/index.ts';
import { useSettings } from '../../api/queries.ts';
import { TEMPLATE_KEYS } from './compose-modes.ts';
import { filterTemplates } from './templates.ts';

interface TemplatePickerProps {
  open: boolean;
  onOpenChange(open: boolean): void;
  /** A template is going in: the button waits. */
  busy: boolean;
  onInsert(template: EmailTemplate): void;
}

export function TemplatePicker({ open, onOpenChange, busy, onInsert }: TemplatePickerProps) {
  const button = useRef<HTMLButtonElement>(null);
  return (
    <div className="template-picker">
      <button
        ref={button}
        type="button"
        className="button"
        aria-haspopup="listbox"
        aria-expanded={open}
        title={`Insert template (${TEMPLATE_KEYS})`}
        disabled={busy}
        onClick={() => onOpenChange(!open)}
      >
        {busy ? 'Inserting…' : 'Templates'}
      </button>
      {open && (
        <TemplatePopup
          toggle={button}
          onInsert={onInsert}
          onClose={(refocus) => {
            onOpenChange(false);
            if (refocus) button.current?.focus();
          }}
        />
      )}
    </div>
  );
}

interface TemplatePopupProps {
  toggle: RefObject<HTMLButtonElement | null>;
  onInsert(template: EmailTemplate): void;
  /** `refocus`: Esc, so focus goes back to the button (a click elsewhere keeps its own focus). */
  onClose(refocus: boolean): void;
}

function TemplatePopup({ toggle, onInsert, onClose }: TemplatePopupProps) {
  const id = useId();
  const input = useRef<HTMLInputElement>(null);
  const { data: settings, isPending } = useSettings();
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const matches = filterTemplates(settings?.templates ?? [], query);
  const current = Math.min(active, matches.length - 1);
  const optionId = (index: number) => `${id}-option-${index}`;
  useEffect(() => input.current?.focus(), []);

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    const n = matches.length;
    if ((event.key === 'ArrowDown' || event.key === 'ArrowUp') && n > 0) {
      event.preventDefault();
      setActive(event.key === 'ArrowDown' ? (current + 1) % n : current <= 0 ? n - 1 : current - 1);
    } else if (event.key === 'Enter' && !event.ctrlKey && !event.metaKey) {
      event.preventDefault();
      if (current >= 0) onInsert(matches[current]!);
    } else if (event.key === 'Escape') {
      event.preventDefault();
      onClose(true);
    }
  };

  const empty = isPending ? 'Loading templates…' : settings?.templates.length ? 'No template matches.' : 'No templates yet: write them in Settings → Templates.';
  return (
    <div
      className="template-popup"
      role="group"
      aria-label="Insert template"
      onBlur={(event) => {
        const to = event.relatedTarget;
        if (!(to instanceof Node) || (!event.currentTarget.contains(to) && to !== toggle.current)) onClose(false);
      }}
    >
      <input
        ref={input}
        type="text"
        role="combobox"
        aria-label="Filter templates"
        aria-autocomplete="list"
        aria-expanded={matches.length > 0}
        aria-controls={matches.length > 0 ? `${id}-listbox` : undefined}
        aria-activedescendant={current >= 0 ? optionId(current) : undefined}
        autoComplete="off"
        placeholder="Type to filter"
        value={query}
        onChange={(event) => {
          setQuery(event.target.value);
          setActive(0);
        }}
        onKeyDown={onKeyDown}
      />
      {matches.length > 0 ? (
        <ul id={`${id}-listbox`} role="listbox" aria-label="Templates" className="template-options">
          {matches.map((template, index) => (
            <li
              key={template.id}
              id={optionId(index)}
              role="option"
              aria-selected={index === current}
              className={`suggestion${index === current ? ' is-active' : ''}`}
              onMouseDown={(event) => event.preventDefault()}
              onClick={() => onInsert(template)}
            >
              <span className="suggestion-name">{template.name}</span>
              {template.subject && <span className="suggestion-address">{template.subject}</span>}
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted template-empty">{empty}</p>
      )}
    </div>
  );
}
