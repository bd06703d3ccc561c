// Preferences from the settings registry: the new-mail and whole-sync intervals, the
// auto-log rule (off by default), the never-log list, reading and sending (mark read on open,
// the undo-send window, signatures), the theme and the list density. Main validates; its
// messages show inline.
import { useEffect, useState } from 'react';
import type { Settings } from '../../../src-preload/contract/index.ts';
import { useSaveSettings } from '../../api/mutations.ts';
import { useSettings } from '../../api/queries.ts';
import { describeError } from '../../components/toasts.tsx';
import { NeverLogEditor } from './never-log-editor.tsx';
import { SignaturesEditor } from './signatures-editor.tsx';

/** The undo-send windows offered, seconds (0: sent at once). */
const UNDO_SECONDS = [0, 5, 10, 20, 30] as const;

/** Choices for "keep full messages": months. */
const KEEP_MONTHS = [3, 6, 12, 24, 60];

export function PreferencesSection() {
  const { data: settings, error } = useSettings();
  const save = useSaveSettings();
  // Controls answer the click at once; main's answer (or a revert on error) follows.
  const [autoLog, setAutoLog] = useMirror(settings?.autoLogKnownContacts ?? false);
  const [theme, setTheme] = useMirror(settings?.theme ?? 'system');
  const [density, setDensity] = useMirror(settings?.density ?? 'comfortable');
  const [markRead, setMarkRead] = useMirror(settings?.markReadOnOpen ?? true);
  const [undoSeconds, setUndoSeconds] = useMirror(settings?.undoSendSeconds ?? 10);
  const [keepMonths, setKeepMonths] = useMirror<number | null>(settings?.keepFullMessagesMonths ?? null);
  return (
    <section className="settings-section" aria-labelledby="preferences-heading">
      <h2 id="preferences-heading">Preferences</h2>
      {error && <p role="alert" className="field-error">{describeError(error)}</p>}
      {settings && (
        <>
          <NumberSetting settings={settings} name="newMailCheckSeconds" label="Check for new mail every (seconds)" min={10} max={3600} />
          <NumberSetting settings={settings} name="syncIntervalMinutes" label="Sync every folder every (minutes)" min={1} max={1440} />
          <label className="checkbox">
            <input
              type="checkbox"
              checked={autoLog}
              onChange={(e) => {
                setAutoLog(e.target.checked);
                save.mutate({ autoLogKnownContacts: e.target.checked });
              }}
            />
            Log every email with known contacts
          </label>
          <NeverLogEditor entries={settings.neverLog} />
          <label className="checkbox">
            <input
              type="checkbox"
              checked={markRead}
              onChange={(e) => {
                setMarkRead(e.target.checked);
                save.mutate({ markReadOnOpen: e.target.checked });
              }}
            />
            Mark as read when opened
          </label>
          <div className="field">
            <label htmlFor="setting-undoSendSeconds">Undo send</label>
            <select
              id="setting-undoSendSeconds"
              value={undoSeconds}
              onChange={(e) => {
                setUndoSeconds(Number(e.target.value));
                save.mutate({ undoSendSeconds: Number(e.target.value) });
              }}
            >
              {[...new Set([...UNDO_SECONDS, undoSeconds])].sort((a, b) => a - b).map((seconds) => (
                <option key={seconds} value={seconds}>
                  {seconds === 0 ? 'Off (send at once)' : `${seconds} seconds`}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="setting-keepFullMessagesMonths">Keep full messages on this computer</label>
            <select
              id="setting-keepFullMessagesMonths"
              aria-describedby="setting-keepFullMessagesMonths-hint"
              value={keepMonths ?? ''}
              onChange={(e) => {
                const months = e.target.value === '' ? null : Number(e.target.value);
                setKeepMonths(months);
                save.mutate({ keepFullMessagesMonths: months });
              }}
            >
              <option value="">All mail</option>
              {[...new Set([...KEEP_MONTHS, ...(keepMonths === null ? [] : [keepMonths])])].sort((a, b) => a - b).map((months) => (
                <option key={months} value={months}>
                  {months % 12 === 0 ? `Last ${months / 12} year${months > 12 ? 's' : ''}` : `Last ${months} months`}
                </option>
              ))}
            </select>
            <p id="setting-keepFullMessagesMonths-hint" className="muted">
              Older mail keeps its subject, sender and preview and stays searchable; its text and attachments are downloaded when you open it.
            </p>
          </div>
          <SignaturesEditor signatures={settings.signatures} />
          <ChoiceFieldset
            legend="Theme"
            name="theme"
            choices={{ system: 'System', light: 'Light', dark: 'Dark' }}
            value={theme}
            onChange={(choice) => {
              setTheme(choice);
              save.mutate({ theme: choice });
            }}
          />
          <ChoiceFieldset
            legend="Thread list density"
            name="density"
            choices={{ comfortable: 'Comfortable', compact: 'Compact' }}
            value={density}
            onChange={(choice) => {
              setDensity(choice);
              save.mutate({ density: choice });
            }}
          />
          {save.isError && <p role="alert" className="field-error">{describeError(save.error)}</p>}
        </>
      )}
    </section>
  );
}

interface ChoiceFieldsetProps<T extends string> {
  legend: string;
  name: string;
  /** Value → label, in display order. */
  choices: Record<T, string>;
  value: T;
  onChange(value: T): void;
}

function ChoiceFieldset<T extends string>({ legend, name, choices, value, onChange }: ChoiceFieldsetProps<T>) {
  return (
    <fieldset className="choice-fieldset">
      <legend>{legend}</legend>
      {(Object.entries(choices) as Array<[T, string]>).map(([choice, label]) => (
        <label key={choice} className="radio">
          <input type="radio" name={name} value={choice} checked={value === choice} onChange={() => onChange(choice)} />
          {label}
        </label>
      ))}
    </fieldset>
  );
}

function useMirror<T>(value: T): [T, (next: T) => void] {
  const [local, setLocal] = useState(value);
  useEffect(() => setLocal(value), [value]);
  return [local, setLocal];
}

/** A whole-number setting, saved when the field loses focus or on Enter; main's error shows inline. */
interface NumberSettingProps {
  settings: Settings;
  name: 'syncIntervalMinutes' | 'newMailCheckSeconds';
  label: string;
  min: number;
  max: number;
}

function NumberSetting({ settings, name, label, min, max }: NumberSettingProps) {
  const save = useSaveSettings();
  const [value, setValue] = useState(String(settings[name]));
  useEffect(() => setValue(String(settings[name])), [settings, name]);
  const commit = () => {
    const number = Number(value);
    if (number !== settings[name]) save.mutate({ [name]: number });
  };
  const id = `setting-${name}`;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type="number"
        min={min}
        max={max}
        value={value}
        onChange={(e) => setValue(e.target.value)}
        onBlur={commit}
        onKeyDown={(e) => e.key === 'Enter' && commit()}
      />
      {save.isError && <span role="alert" className="field-error">{describeError(save.error)}</span>}
    </div>
  );
}
