// Converts raw sources stored before migration 50 (raw_encoding 'identity') to the current
// encoding in place, a small batch per transaction, so an existing database shrinks in the
// background while the app runs (issue 9: no blocking migration of every message).
import { encodeRaw, RAW_ENCODING } from './raw-encoding.ts';
import type { Db } from './types.ts';

export class RawCompaction {
  readonly #batch;
  readonly #remaining;

  constructor(db: Db) {
    const next = db.prepare<[number], { id: number; raw: Buffer }>(
      "SELECT id, raw FROM messages WHERE raw_encoding = 'identity' ORDER BY id LIMIT ?",
    );
    const update = db.prepare<[Buffer, string, number]>('UPDATE messages SET raw = ?, raw_encoding = ? WHERE id = ?');
    this.#remaining = db.prepare<[], number>("SELECT count(*) FROM messages WHERE raw_encoding = 'identity'").pluck();
    this.#batch = db.transaction((limit: number) => {
      const rows = next.all(limit);
      for (const row of rows) update.run(encodeRaw(row.raw), RAW_ENCODING, row.id);
      return rows.length;
    });
  }

  /**
   * Compresses up to `limit` uncompressed rows in one write transaction; returns how many.
   * 200 Enron-sized messages take about 20 ms, within the main thread's 50 ms budget.
   */
  compressBatch(limit = 200): number {
    return this.#batch.immediate(limit);
  }

  /** Rows still stored uncompressed. */
  remaining(): number {
    return this.#remaining.get() ?? 0;
  }
}
