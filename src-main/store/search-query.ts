// Turns what a rep types into the search box into a safe FTS5 MATCH expression: every term
// is quoted, so FTS5 syntax in user text (AND, OR, NEAR, parentheses, stray quotes, *)
// is searched for as words and never throws. https://www.sqlite.org/fts5.html#full_text_query_syntax

/** Column names of messages_fts the prefixes map to (reply-to counts as sender side). */
const FIELDS: Record<string, string> = { from: 'sender', to: 'recipients', subject: 'subject' };

const HAS_WORD = /[\p{L}\p{N}]/u;

/**
 * Supported input: bare words (ANDed), "quoted phrases", a trailing * on a bare word for a
 * prefix search, and `from:`, `to:`, `subject:` before a word or a quoted phrase
 * (`from:alice@example.com`, `subject:"quarterly report"`). An unterminated quote runs to the end.
 * Returns the MATCH string, or null when the input holds nothing searchable.
 */
export function toFtsQuery(input: string): string | null {
  const terms: string[] = [];
  let i = 0;
  const n = input.length;
  while (i < n) {
    while (i < n && /\s/.test(input[i]!)) i += 1;
    if (i >= n) break;

    let column: string | undefined;
    const field = /^(from|to|subject):/i.exec(input.slice(i, i + 8));
    if (field) {
      column = FIELDS[field[1]!.toLowerCase()];
      i += field[0].length;
    }

    let text: string;
    let prefix = false;
    if (input[i] === '"') {
      const end = input.indexOf('"', i + 1);
      text = input.slice(i + 1, end === -1 ? n : end);
      i = end === -1 ? n : end + 1;
    } else {
      const start = i;
      while (i < n && !/\s/.test(input[i]!)) i += 1;
      text = input.slice(start, i);
      if (text.endsWith('*')) {
        text = text.replace(/\*+$/, '');
        prefix = true;
      }
    }
    if (!HAS_WORD.test(text)) continue;
    const phrase = `"${text.replaceAll('"', '""')}"${prefix ? '*' : ''}`;
    terms.push(column ? `${column} : ${phrase}` : phrase);
  }
  return terms.length ? terms.join(' AND ') : null;
}

/**
 * Whole addresses named with `from:` or `to:` (`from:bob@example.com`), lower-cased. FTS
 * tokens split addresses at "." and "@", so the MATCH alone would also find
 * `jim.bob@example.com`; the repository adds an exact-address condition for these.
 */
export function exactAddressTerms(input: string): { from: string[]; to: string[] } {
  const terms = { from: [] as string[], to: [] as string[] };
  for (const match of input.matchAll(/(?:^|\s)(from|to):"?([^\s"@]+@[^\s"]+?)"?(?=\s|$)/gi)) {
    terms[match[1]!.toLowerCase() as 'from' | 'to'].push(match[2]!.toLowerCase());
  }
  return terms;
}
