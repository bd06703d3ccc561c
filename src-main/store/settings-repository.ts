// Persisted setting values as JSON by key. Validation and defaults belong to the settings
// registry (src-preload/contract/settings.ts); this layer only stores what it is given.
import type { Db } from './types.ts';

export class SettingsRepository {
  readonly #all;
  readonly #put;
  readonly #now: () => number;

  constructor(db: Db, now: () => number = Date.now) {
    this.#now = now;
    this.#all = db.prepare<[], { key: string; value_json: string }>('SELECT key, value_json FROM settings');
    this.#put = db.prepare<[string, string, number]>(
      `INSERT INTO settings (key, value_json, updated_at) VALUES (?, ?, ?)
       ON CONFLICT (key) DO UPDATE SET value_json = excluded.value_json, updated_at = excluded.updated_at`,
    );
  }

  /** Every stored value, parsed; a value that is not valid JSON is returned as undefined. */
  readAll(): Map<string, unknown> {
    const values = new Map<string, unknown>();
    for (const row of this.#all.all()) {
      try {
        values.set(row.key, JSON.parse(row.value_json));
      } catch {
        values.set(row.key, undefined);
      }
    }
    return values;
  }

  write(values: Record<string, unknown>): void {
    const now = this.#now();
    for (const [key, value] of Object.entries(values)) this.#put.run(key, JSON.stringify(value), now);
  }
}
