// Main owns the settings (CONVENTIONS.md §9): values persist in the encrypted store, are
// checked against the registry's schemas on every read, and changes reach every listener.
import { DEFAULT_SETTINGS, Settings, SettingsPatch, settingDefinitions } from '../../src-preload/contract/settings.ts';
import type { SettingsRepository } from '../store/settings-repository.ts';
import { createLogger } from '../platform/logger.ts';

const log = createLogger('settings');

export interface SettingsService {
  get(): Settings;
  /** Validates the patch (ZodError on bad input), persists it and notifies listeners; resolves to the new settings. */
  set(patch: unknown): Settings;
  onChange(listener: (settings: Settings) => void): () => void;
}

export function createSettingsService(repository: SettingsRepository, now: () => number = Date.now): SettingsService {
  const listeners = new Set<(settings: Settings) => void>();
  const read = (): Settings => {
    const stored = repository.readAll();
    const values: Record<string, unknown> = { ...DEFAULT_SETTINGS };
    for (const [key, definition] of Object.entries(settingDefinitions)) {
      if (!stored.has(key)) continue;
      const parsed = definition.schema.safeParse(stored.get(key));
      // A value written by another version that no longer validates falls back to its default.
      if (parsed.success) values[key] = parsed.data;
      else log.warn('stored setting is invalid; using the default', { key });
    }
    return Settings.parse(values);
  };
  let current = read();
  return {
    get: () => current,
    set(patch) {
      const changes: Partial<Settings> = SettingsPatch.parse(patch);
      if (changes.autoLogKnownContacts !== undefined && changes.autoLogKnownContacts !== current.autoLogKnownContacts) {
        changes.autoLogSince = changes.autoLogKnownContacts ? now() : null;
      }
      repository.write(changes);
      current = read();
      for (const listener of listeners) listener(current);
      return current;
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
