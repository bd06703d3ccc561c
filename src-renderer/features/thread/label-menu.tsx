// "Labels" in the conversation toolbar: a popup listing the account's labels as checkboxes,
// each checked when some message of the conversation carries it, with a filter field.
// Ticking applies the label, unticking removes it (mail:label; on Outlook and IMAP that
// files the conversation in the folder, or back in the Inbox). Shift+L opens it (l logs to
// the CRM); Esc closes it and returns to the button, as does a click outside.
import { useEffect, useId, useRef, useState } from 'react';
import type { ThreadView } from '../../../src-preload/contract/index.ts';
import { useLabelThreads } from '../../api/label-actions.ts';
import { useAccounts, useLabels } from '../../api/queries.ts';
import { useShortcuts } from '../../app/keyboard.ts';
import { filterLabels, labelChoices } from './label-choices.ts';

type LabelMenuProps = { thread: Pick<ThreadView, 'id' | 'accountId' | 'labelIds'> };

export function LabelMenu({ thread }: LabelMenuProps) {
  const [open, setOpen] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  const filterField = useRef<HTMLInputElement>(null);
  const wrapper = useRef<HTMLDivElement>(null);
  const popupId = useId();

  const close = (refocus: boolean) => {
    setOpen(false);
    if (refocus) button.current?.focus();
  };
  const show = () => {
    if (open) filterField.current?.focus();
    else setOpen(true);
  };
  useShortcuts({ L: show });

  // A press outside closes the popup, leaving focus where the press put it.
  useEffect(() => {
    if (!open) return;
    const onPointerDown = (event: PointerEvent) => {
      if (!wrapper.current?.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener('pointerdown', onPointerDown);
    return () => document.removeEventListener('pointerdown', onPointerDown);
  }, [open]);

  return (
    <div
      className="label-menu"
      ref={wrapper}
      onKeyDown={(event) => {
        if (event.key !== 'Escape' || !open) return;
        // Not the window's Esc too, which would close the conversation.
        event.preventDefault();
        event.stopPropagation();
        close(true);
      }}
    >
      <button
        ref={button}
        type="button"
        className="button button-small"
        title="Labels (l is taken: use the button or Shift+L)"
        aria-expanded={open}
        aria-controls={open ? popupId : undefined}
        onClick={() => (open ? close(false) : setOpen(true))}
      >
        Labels
      </button>
      {open && <LabelPopup id={popupId} thread={thread} filterField={filterField} />}
    </div>
  );
}

function LabelPopup({ id, thread, filterField }: LabelMenuProps & { id: string; filterField: React.RefObject<HTMLInputElement | null> }) {
  const [filter, setFilter] = useState('');
  const { data: accounts } = useAccounts();
  const { data: labels, isPending, error } = useLabels(thread.accountId);
  const label = useLabelThreads();
  const gmail = accounts?.find((a) => a.id === thread.accountId)?.provider === 'gmail';
  const choices = labelChoices(labels ?? [], thread.accountId, gmail);
  const shown = filterLabels(choices, filter);
  const carried = new Set(thread.labelIds);

  let status: string | null = null;
  if (isPending) status = 'Loading labels…';
  else if (error) status = 'The labels could not be read.';
  else if (choices.length === 0) status = 'This account has no labels.';
  else if (shown.length === 0) status = 'No labels match.';

  return (
    <div id={id} className="label-menu-popup" role="group" aria-label="Labels">
      <input
        ref={filterField}
        type="text"
        className="label-menu-filter"
        aria-label="Filter labels"
        placeholder="Filter labels"
        autoComplete="off"
        spellCheck={false}
        autoFocus
        value={filter}
        onChange={(event) => setFilter(event.target.value)}
      />
      {status ? (
        <p className="label-menu-status" role="status">
          {status}
        </p>
      ) : (
        <ul className="label-menu-list">
          {shown.map((l) => (
            <li key={l.id}>
              <label className="label-menu-choice">
                <input
                  type="checkbox"
                  checked={carried.has(l.id)}
                  onChange={(event) => label.mutate({ threadIds: [thread.id], labelId: l.id, add: event.target.checked })}
                />
                <span>{l.name}</span>
              </label>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
