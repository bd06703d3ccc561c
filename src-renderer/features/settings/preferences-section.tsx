// Preferences from the settings registry: sync interval, the auto-log rule (off by
// default), the never-log list and the theme. Main validates; its messages show inline.
import { useEffect, useState } from 'react';
import type { Settings } from '../../../src-preload/contract/index.ts';
import { useSaveSettings } from '../../api/mutations.ts';
import { useSettings } from '../../api/queries.ts';
import { describeError } from '../../components/toasts.tsx';
import { NeverLogEditor } from './never-log-editor.tsx';

export function PreferencesSection() {
  const { data: settings, error } = useSettings();
  const save = useSaveSettings();
  // Controls answer the click at once; main's answer (or a revert on error) follows.
  const [autoLog, setAutoLog] = useMirror(settings?.autoLogKnownContacts ?? false);
  const [theme, setTheme] = useMirror(settings?.theme ?? 'system');
  return (
    <section className="settings-section" aria-labelledby="preferences-heading">
      <h2 id="preferences-heading">Preferences</h2>
      {error && <p role="alert" className="field-error">{describeError(error)}</p>}
      {settings && (
        <>
          <SyncInterval settings={settings} />
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
          <fieldset className="theme-choice">
            <legend>Theme</legend>
            {(['system', 'light', 'dark'] as const).map((choice) => (
              <label key={choice} className="radio">
                <input
                  type="radio"
                  name="theme"
                  value={choice}
                  checked={theme === choice}
                  onChange={() => {
                    setTheme(choice);
                    save.mutate({ theme: choice });
                  }}
                />
                {choice === 'system' ? 'System' : choice === 'light' ? 'Light' : 'Dark'}
              </label>
            ))}
          </fieldset>
          {save.isError && <p role="alert" className="field-error">{describeError(save.error)}</p>}
        </>
      )}
    </section>
  );
}

function useMirror<T>(value: T): [T, (next: T) => void] {
  const [local, setLocal] = useState(value);
  useEffect(() => setLocal(value), [value]);
  return [local, setLocal];
}

function SyncInterval({ settings }: { settings: Settings }) {
  const save = useSaveSettings();
  const [value, setValue] = useState(String(settings.syncIntervalMinutes));
  useEffect(() => setValue(String(settings.syncIntervalMinutes)), [settings.syncIntervalMinutes]);
  const commit = () => {
    const minutes = Number(value);
    if (minutes !== settings.syncIntervalMinutes) save.mutate({ syncIntervalMinutes: minutes });
  };
  return (
    <div className="field">
      <label htmlFor="sync-interval">Sync interval (minutes)</label>
      <input
        id="sync-interval"
        type="number"
        min={1}
        max={1440}
        value={value}
        onChange={(e) => setValue(e.target.value)}
        onBlur={commit}
        onKeyDown={(e) => e.key === 'Enter' && commit()}
      />
      {save.isError && <span role="alert" className="field-error">{describeError(save.error)}</span>}
    </div>
  );
}
