// Search benchmark: 100 queries over the imported corpus, drawn from the corpus itself with
// a seeded PRNG (same queries every run): senders (from:addr), subject phrases
// (subject:"…"), body words, and the corpus's most common words (which match most of the
// mailbox), each timed as the app asks: the first page of 50 conversations, newest first.
import type { Services } from '../../src-main/app/assemble.ts';
import { percentile, round, seededRandom } from './figures.ts';
import { databaseOf } from '../../src-main/store/profile-store.ts';
import { BODY_SOURCE_COLUMN, decodeBodies } from '../../src-main/store/raw-encoding.ts';

/** The stored body text, decoded (bodies are zstd-compressed since migration 130). */
const BODY_TEXT = `body_text, body_encoding, ${BODY_SOURCE_COLUMN}, raw_encoding`;
type StoredBody = { body_text: string | Uint8Array; body_encoding: string; body_source: Uint8Array | null; raw_encoding: string };
const bodyOf = (row: StoredBody) => decodeBodies(row).text;

export type QueryKind = 'from' | 'subject' | 'body' | 'common';

export interface SearchFigures {
  queries: number;
  warmUp: number;
  limit: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
  /** Queries that found nothing (each is drawn from a stored message, so should be 0). */
  zeroHits: number;
  meanHits: number;
  byKind: Record<QueryKind, { queries: number; p50Ms: number; p95Ms: number }>;
  examples: string[];
  /** Messages in the store searched. */
  messages: number;
}

const SEED = 0x5eed;
const QUERIES = 100;
const WARM_UP = 5;
const LIMIT = 50;
const KINDS: QueryKind[] = ['from', 'subject', 'body', 'common'];
/** The common-word queries pick from this many of the corpus's most frequent body words. */
const COMMON_WORDS = 20;

interface Row extends StoredBody {
  from_address: string | null;
  subject: string;
}

const words = (text: string, pattern: RegExp) => text.match(pattern) ?? [];

/** One query of `kind` from message `row`, or null when the message has nothing usable. */
function queryFrom(kind: QueryKind, row: Row, random: () => number, common: readonly string[]): string | null {
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)]!;
  if (kind === 'common') return pick(common);
  if (kind === 'from') return row.from_address ? `from:${row.from_address}` : null;
  if (kind === 'subject') {
    const subject = row.subject.replace(/^((re|fw|fwd)\s*:\s*)+/i, '');
    const tokens = words(subject, /[\p{L}\p{N}][\p{L}\p{N}'&.-]*/gu);
    if (tokens.length < 2) return null;
    const length = Math.min(tokens.length, 2 + Math.floor(random() * 2));
    const start = Math.floor(random() * (tokens.length - length + 1));
    return `subject:"${tokens.slice(start, start + length).join(' ')}"`;
  }
  const tokens = words(bodyOf(row), /\b[a-z]{4,}\b/gi);
  if (tokens.length < 2) return null;
  return random() < 0.5 ? pick(tokens).toLowerCase() : `${pick(tokens)} ${pick(tokens)}`.toLowerCase();
}

/** The most frequent words (4+ letters) of a sample of 2,000 bodies. */
function commonWords(db: ReturnType<typeof databaseOf>): string[] {
  const counts = new Map<string, number>();
  for (const row of db.prepare(`SELECT ${BODY_TEXT} FROM messages ORDER BY id LIMIT 2000`).all() as StoredBody[]) {
    for (const word of new Set(bodyOf(row).toLowerCase().match(/\b[a-z]{4,}\b/g) ?? [])) counts.set(word, (counts.get(word) ?? 0) + 1);
  }
  return [...counts].sort((a, b) => b[1] - a[1]).slice(0, COMMON_WORDS).map(([word]) => word);
}

/** `count` queries cycling through the kinds, each from a randomly drawn stored message. */
function drawQueries(services: Services, count: number, random: () => number): Array<{ kind: QueryKind; query: string }> {
  const db = databaseOf(services.store);
  const ids = (db.prepare('SELECT id FROM messages ORDER BY id').pluck().all() as number[]);
  if (!ids.length) throw new Error('the store holds no messages to draw queries from');
  const byId = db.prepare(`SELECT from_address, subject, ${BODY_TEXT} FROM messages WHERE id = ?`);
  const common = commonWords(db);
  const queries: Array<{ kind: QueryKind; query: string }> = [];
  for (let attempts = 0; queries.length < count; attempts += 1) {
    if (attempts > count * 50) throw new Error('could not draw enough queries from the corpus');
    const kind = KINDS[queries.length % KINDS.length]!;
    const row = byId.get(ids[Math.floor(random() * ids.length)]) as Row;
    const query = queryFrom(kind, row, random, common);
    if (query) queries.push({ kind, query });
  }
  return queries;
}

/** Times `services.store.search.searchThreads(query, { limit: 50 })` for 100 drawn queries after 5 warm-ups. */
export function benchSearch(services: Services): SearchFigures {
  const random = seededRandom(SEED);
  const all = drawQueries(services, WARM_UP + QUERIES, random);
  const search = (query: string) => services.store.search.searchThreads(query, { limit: LIMIT }).threads;
  for (const { query } of all.slice(0, WARM_UP)) search(query);

  const samples: Array<{ kind: QueryKind; ms: number; hits: number }> = [];
  for (const { kind, query } of all.slice(WARM_UP)) {
    const started = performance.now();
    const hits = search(query).length;
    samples.push({ kind, ms: performance.now() - started, hits });
  }
  const ms = samples.map((s) => s.ms);
  const byKind = Object.fromEntries(KINDS.map((kind) => {
    const of = samples.filter((s) => s.kind === kind).map((s) => s.ms);
    return [kind, { queries: of.length, p50Ms: round(percentile(of, 50), 2), p95Ms: round(percentile(of, 95), 2) }];
  })) as SearchFigures['byKind'];
  return {
    queries: samples.length,
    warmUp: WARM_UP,
    limit: LIMIT,
    p50Ms: round(percentile(ms, 50), 2),
    p95Ms: round(percentile(ms, 95), 2),
    maxMs: round(Math.max(...ms), 2),
    zeroHits: samples.filter((s) => s.hits === 0).length,
    meanHits: round(samples.reduce((sum, s) => sum + s.hits, 0) / samples.length),
    byKind,
    examples: all.slice(WARM_UP, WARM_UP + KINDS.length * 2).map((q) => q.query),
    messages: services.store.messages.stats().messages,
  };
}
