// The snippet a search result shows and where the matched words are in it. FTS5 cannot
// highlight a contentless table, so this finds the query's words in the stored text the way
// the index matched them: case and accents ignored, and endings loosened as the Porter stemmer
// does (redline ~ redlines ~ redlined). Ranges are [start, end) UTF-16 offsets into `text`.

export interface Highlighted {
  text: string;
  ranges: Array<[number, number]>;
}

const WORD = /[\p{L}\p{N}]+/gu;
const WORD_CHAR = /[\p{L}\p{N}]/u;
const SNIPPET_CHARS = 180;
const LEAD_CHARS = 50;
/** Where in a body the first match is looked for: a snippet from further down helps no one. */
const SCAN_CHARS = 20_000;

const fold = (word: string) => word.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
/** A word's stem, near enough to Porter's for finding it again: common English endings dropped. */
const root = (word: string) => {
  const folded = fold(word);
  const cut = folded.replace(/(ies|ied|ing|edly|ed|es|e|s|ly)$/, '');
  return cut.length >= 3 ? cut : folded;
};

/** The roots of the words in `terms` (words and phrases as the rep typed them). */
export function termRoots(terms: readonly string[]): string[] {
  return [...new Set(terms.flatMap((t) => (t.match(WORD) ?? []).map(root)))];
}

/** Every word of `text` that matches one of `roots`. */
export function matches(text: string, roots: readonly string[]): Array<[number, number]> {
  if (!roots.length) return [];
  const ranges: Array<[number, number]> = [];
  for (const m of text.matchAll(WORD)) {
    const word = fold(m[0]);
    if (roots.some((r) => word.startsWith(r))) ranges.push([m.index, m.index + m[0].length]);
  }
  return ranges;
}

/**
 * A snippet of `body` around its first match (or `fallback`, the stored snippet, when the
 * body has none: the match was in the subject or an address), with the matches in it.
 */
export function snippetAround(body: string, fallback: string, roots: readonly string[]): Highlighted {
  const first = firstMatch(body, roots);
  if (first < 0) return { text: fallback, ranges: matches(fallback, roots) };
  let start = Math.max(0, first - LEAD_CHARS);
  // Start at a word: after the first white space of the lead, never past the match itself.
  if (start > 0) {
    const space = body.slice(start, first).search(/\s/);
    if (space >= 0) start += space + 1;
  }
  const raw = body.slice(start, start + SNIPPET_CHARS);
  const lead = start > 0 ? '…' : '';
  // White space runs collapse to one space, so the ranges are found again in the text shown.
  const text = lead + raw.replace(/\s+/g, ' ');
  return { text, ranges: matches(text, roots) };
}

/**
 * Offset of the first word in `text` that starts with a root, or -1: a lower-cased indexOf per
 * root over the first SCAN_CHARS, so a long body costs a few scans, not a fold of every word.
 * (Accented words are found by matches() on the fallback snippet instead.)
 */
function firstMatch(text: string, roots: readonly string[]): number {
  const head = text.slice(0, SCAN_CHARS);
  const lower = head.toLowerCase();
  // Lower-casing can change the length ('İ' → 'i̇'): offsets then come from the text itself.
  if (lower.length !== head.length) return matches(head, roots)[0]?.[0] ?? -1;
  let best = -1;
  for (const r of roots) {
    for (let i = lower.indexOf(r); i >= 0 && (best < 0 || i < best); i = lower.indexOf(r, i + 1)) {
      if (i === 0 || !WORD_CHAR.test(lower[i - 1]!)) {
        best = i;
        break;
      }
    }
  }
  return best;
}
