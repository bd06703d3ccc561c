// Converts rows stored before the store's current encodings to them in place, a small batch
// per transaction, so an existing database shrinks in the background while the app runs
// (issue 9: no blocking migration of every message): raw sources before migration 50
// (raw_encoding 'identity'), body text and HTML before migration 130 (body_encoding
// 'identity'), and plain zstd bodies before migration 150 whose source can be their
// dictionary ('zstd' → 'zstd-source'). Search is untouched: its FTS5 index is contentless.
import { decodeBodies, decodeRaw, encodeBodies, encodeRaw, RAW_ENCODING, SOURCE_DICTIONARY_MAX_BYTES } from './raw-encoding.ts';
import type { Db } from './types.ts';

interface StoredRow {
  id: number;
  raw: Buffer;
  raw_encoding: string;
  body_text: string | Buffer;
  body_html: string | Buffer | null;
  body_encoding: string;
}

const COLUMNS = 'id, raw, raw_encoding, body_text, body_html, body_encoding';
/** The condition of migration 150's partial index, repeated exactly so the planner uses it. */
export const STANDALONE_BODIES = `body_encoding = 'zstd' AND raw_encoding = 'zstd' AND length(raw) <= ${SOURCE_DICTIONARY_MAX_BYTES}`;

export class RawCompaction {
  readonly #batch;
  readonly #remaining;
  /** The last row the 'zstd' pass looked at in this run: a row that stays 'zstd' (an empty source) is not picked again. */
  #standaloneAfter = 0;

  constructor(db: Db) {
    const rawFirst = db.prepare<[number], StoredRow>(`SELECT ${COLUMNS} FROM messages WHERE raw_encoding = 'identity' ORDER BY id LIMIT ?`);
    const bodies = db.prepare<[number], StoredRow>(`SELECT ${COLUMNS} FROM messages WHERE body_encoding = 'identity' ORDER BY id LIMIT ?`);
    const standalone = db.prepare<[number, number], StoredRow>(`SELECT ${COLUMNS} FROM messages WHERE ${STANDALONE_BODIES} AND id > ? ORDER BY id LIMIT ?`);
    const update = db.prepare<[Buffer, string, Buffer | string, Buffer | string | null, string, number]>(
      'UPDATE messages SET raw = ?, raw_encoding = ?, body_text = ?, body_html = ?, body_encoding = ? WHERE id = ?',
    );
    this.#remaining = db.prepare<[], number>(
      `SELECT (SELECT count(*) FROM messages WHERE raw_encoding = 'identity' OR body_encoding = 'identity') + (SELECT count(*) FROM messages WHERE ${STANDALONE_BODIES})`,
    ).pluck();
    const convert = (row: StoredRow) => {
      const rawPlain = row.raw_encoding === 'identity';
      const stored = rawPlain ? encodeRaw(row.raw) : row.raw;
      const recode = row.body_encoding === 'identity' || row.body_encoding === 'zstd';
      // Bodies are compressed against the source, as new rows' are (raw-encoding.ts encodeBodies).
      const plain = recode ? decodeBodies(row) : null;
      const bodies = plain
        ? encodeBodies(rawPlain ? row.raw : decodeRaw(row.raw, row.raw_encoding), stored, plain.text, plain.html)
        : { text: row.body_text, html: row.body_html, encoding: row.body_encoding };
      update.run(stored, rawPlain ? RAW_ENCODING : row.raw_encoding, bodies.text, bodies.html, bodies.encoding, row.id);
    };
    this.#batch = db.transaction((limit: number) => {
      const rows = rawFirst.all(limit);
      if (rows.length < limit) rows.push(...bodies.all(limit - rows.length).filter((r) => !rows.some((x) => x.id === r.id)));
      if (rows.length < limit) {
        const more = standalone.all(this.#standaloneAfter, limit - rows.length);
        if (more.length) this.#standaloneAfter = more.at(-1)!.id;
        rows.push(...more.filter((r) => !rows.some((x) => x.id === r.id)));
      }
      for (const row of rows) convert(row);
      return rows.length;
    });
  }

  /**
   * Converts up to `limit` rows in one write transaction; returns how many (0: nothing left
   * this run). 200 Enron-sized messages take about 20 ms, within the main thread's 50 ms budget.
   */
  compressBatch(limit = 200): number {
    return this.#batch.immediate(limit);
  }

  /** Rows with a raw source or body still stored in an older encoding. */
  remaining(): number {
    return this.#remaining.get() ?? 0;
  }
}
