// Gmail's search operators (https://support.google.com/mail/answer/7190) over the offline
// copy: what a rep types becomes a safe FTS5 MATCH expression for the words
// (https://www.sqlite.org/fts5.html#full_text_query_syntax) plus filters the store applies in
// SQL. Every word is quoted, so FTS5 syntax in user text never throws; an operator we do not
// know is searched as words, with a hint saying so.
//
//   words, "quoted phrases", word* (prefix), OR, -word, ( … )
//   from: to: cc: subject: filename:     a word or "phrase" in that field (from:/to:/cc: with a
//                                        whole address also match it exactly)
//   has:attachment  is:unread  is:read  is:starred  label:NAME  in:NAME (inbox, sent, …)
//   after: before: (2026/10/01, 2026-10-01, 10/01/2026)  older_than: newer_than: (7d, 2m, 1y)

import { addressToken } from './search-index.ts';

/** messages_fts columns the field operators search. */
const COLUMNS: Record<string, string> = { from: 'sender', to: 'recipients', cc: 'recipients', subject: 'subject', filename: 'attachments' };
const HAS_WORD = /[\p{L}\p{N}]/u;
const DAY_MS = 86_400_000;

export type SearchFilter =
  | { kind: 'has_attachment'; negate: boolean }
  | { kind: 'unread'; value: boolean; negate: boolean }
  | { kind: 'starred'; negate: boolean }
  | { kind: 'label'; name: string; negate: boolean }
  /** The whole address, lower-cased, in that role (from, or to/cc/bcc). */
  | { kind: 'address'; role: 'from' | 'to' | 'cc'; address: string; negate: boolean };

export interface ParsedSearch {
  /** The FTS5 MATCH for the words, or null when the query has none (filters only). */
  match: string | null;
  /** Words the rep excluded when nothing else was asked of the index (`-newsletter is:unread`). */
  exclude: string | null;
  filters: SearchFilter[];
  /** Receive-time bounds, ms: after ≤ date < before. */
  after: number | null;
  before: number | null;
  /** The words and phrases sought (lower-case, for highlighting matches). */
  terms: string[];
  /** What the rep should know about how the query was read. */
  hints: string[];
}

type Node = { kind: 'term'; fts: string } | { kind: 'and'; items: Array<{ node: Node; negate: boolean }> } | { kind: 'or'; items: Node[] };

interface Token {
  negate: boolean;
  field: string | null;
  text: string;
  quoted: boolean;
  prefix: boolean;
  /** An "(", ")" or "OR" outside quotes. */
  syntax?: '(' | ')' | 'OR';
}

/** Reads `input` as Gmail would; `now` (ms) anchors older_than / newer_than. */
export function parseSearch(input: string, now = Date.now()): ParsedSearch {
  const result: ParsedSearch = { match: null, exclude: null, filters: [], after: null, before: null, terms: [], hints: [] };
  const tokens = tokenize(input);
  const hasOr = tokens.some((t) => t.syntax === 'OR');
  let position = 0;
  const peek = () => tokens[position];

  // `negated`: inside -( … ), where a filter means its opposite.
  const parseOr = (depth: number, negated: boolean): Node | null => {
    const items: Node[] = [];
    for (;;) {
      const and = parseAnd(depth, negated);
      if (and) items.push(and);
      if (peek()?.syntax !== 'OR') break;
      position += 1;
    }
    return items.length === 0 ? null : items.length === 1 ? items[0]! : { kind: 'or', items };
  };

  const parseAnd = (depth: number, negated: boolean): Node | null => {
    const items: Array<{ node: Node; negate: boolean }> = [];
    for (let token = peek(); token && token.syntax !== 'OR' && !(token.syntax === ')' && depth > 0); token = peek()) {
      position += 1;
      if (token.syntax === ')') continue; // a stray ")" at the top level
      if (token.syntax === '(') {
        const inner = parseOr(depth + 1, negated !== token.negate);
        if (peek()?.syntax === ')') position += 1;
        if (inner) items.push({ node: inner, negate: token.negate });
        continue;
      }
      const node = termOrFilter({ ...token, negate: token.negate !== negated }, result, now, depth > 0 || hasOr);
      if (node) items.push({ node, negate: token.negate });
    }
    return items.length === 0 ? null : { kind: 'and', items };
  };

  const tree = parseOr(0, false);
  if (tree) {
    const top = tree.kind === 'and' ? tree.items : [{ node: tree, negate: false }];
    const fts = (items: typeof top) => items.map((i) => toFts(i.node)).filter((f): f is string => f !== null).map((f) => `(${f})`);
    const [positive, negative] = [fts(top.filter((i) => !i.negate)), fts(top.filter((i) => i.negate))];
    if (positive.length) result.match = [positive.join(' AND '), ...negative].join(' NOT ');
    else if (negative.length) result.exclude = negative.join(' OR ');
  }
  return result;
}

/** The node as FTS5 syntax; null for a group of only exclusions (FTS5's NOT is binary: nothing to subtract from). */
function toFts(node: Node): string | null {
  if (node.kind === 'term') return node.fts;
  const parts = (nodes: Node[]) => nodes.map(toFts).filter((f): f is string => f !== null).map((f) => `(${f})`);
  if (node.kind === 'or') {
    const items = parts(node.items);
    return items.length ? items.join(' OR ') : null;
  }
  const positive = parts(node.items.filter((i) => !i.negate).map((i) => i.node));
  const negative = parts(node.items.filter((i) => i.negate).map((i) => i.node));
  return positive.length ? [positive.join(' AND '), ...negative].join(' NOT ') : null;
}

/** A word or phrase for the index, or null once it became a filter (or a hint). */
function termOrFilter(token: Token, result: ParsedSearch, now: number, nested: boolean): Node | null {
  const field = token.field;
  const value = token.text;
  const filter = (f: SearchFilter) => {
    if (nested) result.hints.push(`${field}:${value} applies to the whole search, not only its part in ( … ) or OR`);
    result.filters.push(f);
    return null;
  };
  if (field !== null && !(field in COLUMNS)) {
    const lower = value.toLowerCase();
    switch (field) {
      case 'has':
        if (lower === 'attachment' || lower === 'attachments') return filter({ kind: 'has_attachment', negate: token.negate });
        break;
      case 'is':
        if (lower === 'unread' || lower === 'read') return filter({ kind: 'unread', value: lower === 'unread', negate: token.negate });
        if (lower === 'starred') return filter({ kind: 'starred', negate: token.negate });
        break;
      case 'label':
      case 'in':
        if (value) return filter({ kind: 'label', name: lower, negate: token.negate });
        break;
      case 'after':
      case 'before':
      case 'older_than':
      case 'newer_than': {
        const bound = dateBound(field, value, now);
        if (bound === null) break;
        if (token.negate) result.hints.push(`-${field}: is read as ${field}:`);
        if (field === 'after' || field === 'newer_than') result.after = Math.max(result.after ?? bound, bound);
        else result.before = Math.min(result.before ?? bound, bound);
        return null;
      }
    }
    result.hints.push(`“${field}:${value}” is not an operator Mailbridge knows: searched as words`);
    return phrase(`${field} ${value}`, null, false, result);
  }
  const wholeAddress = field !== null && ['from', 'to', 'cc'].includes(field) && /^[^\s@]+@[^\s@]+$/.test(value) && !token.prefix;
  if (wholeAddress && !nested) {
    result.filters.push({ kind: 'address', role: field as 'from' | 'to' | 'cc', address: value.toLowerCase(), negate: token.negate });
  }
  // A whole address is one token in the index (search-index.ts addressToken): one short doclist.
  if (wholeAddress) {
    result.terms.push(value.toLowerCase());
    return { kind: 'term', fts: `${COLUMNS[field]!} : "${addressToken(value)}"` };
  }
  return phrase(value, field ? COLUMNS[field]! : null, token.prefix, result);
}

function phrase(text: string, column: string | null, prefix: boolean, result: ParsedSearch): Node | null {
  if (!HAS_WORD.test(text)) return null;
  result.terms.push(text.toLowerCase());
  const quoted = `"${text.replaceAll('"', '""')}"${prefix ? '*' : ''}`;
  return { kind: 'term', fts: column ? `${column} : ${quoted}` : quoted };
}

/** Splits at white space outside quotes; `-`, `field:`, `(`, `)` and `OR` are read off each piece. */
function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    if (/\s/.test(input[i]!)) {
      i += 1;
      continue;
    }
    if (input[i] === '(' || input[i] === ')') {
      tokens.push({ negate: false, field: null, text: '', quoted: false, prefix: false, syntax: input[i] as '(' | ')' });
      i += 1;
      continue;
    }
    let negate = false;
    if (input[i] === '-' && i + 1 < input.length && !/\s/.test(input[i + 1]!)) {
      negate = true;
      i += 1;
      if (input[i] === '(') {
        tokens.push({ negate: true, field: null, text: '', quoted: false, prefix: false, syntax: '(' });
        i += 1;
        continue;
      }
    }
    const field = /^([a-z_]+):(?=\S)/i.exec(input.slice(i, i + 20));
    if (field) i += field[0].length;
    let text: string;
    let quoted = false;
    if (input[i] === '"') {
      const end = input.indexOf('"', i + 1);
      text = input.slice(i + 1, end === -1 ? input.length : end);
      i = end === -1 ? input.length : end + 1;
      quoted = true;
    } else {
      const start = i;
      while (i < input.length && !/[\s()]/.test(input[i]!)) i += 1;
      text = input.slice(start, i);
    }
    if (!field && !quoted && !negate && text === 'OR') {
      tokens.push({ negate: false, field: null, text, quoted, prefix: false, syntax: 'OR' });
      continue;
    }
    const prefix = !quoted && text.endsWith('*');
    tokens.push({ negate, field: field ? field[1]!.toLowerCase() : null, text: prefix ? text.replace(/\*+$/, '') : text, quoted, prefix });
  }
  return tokens;
}

/**
 * The bound a date operator sets, ms (UTC days), or null when the value is not a date Gmail
 * takes: YYYY/MM/DD, YYYY-MM-DD, MM/DD/YYYY; older_than / newer_than take Nd, Nm, Ny.
 */
function dateBound(field: string, value: string, now: number): number | null {
  if (field === 'older_than' || field === 'newer_than') {
    const relative = /^(\d{1,4})([dmy])$/i.exec(value);
    if (!relative) return null;
    const n = Number(relative[1]);
    const unit = relative[2]!.toLowerCase();
    const date = new Date(now);
    if (unit === 'd') return now - n * DAY_MS;
    if (unit === 'm') date.setUTCMonth(date.getUTCMonth() - n);
    else date.setUTCFullYear(date.getUTCFullYear() - n);
    return date.getTime();
  }
  const ymd = /^(\d{4})[/-](\d{1,2})[/-](\d{1,2})$/.exec(value);
  const mdy = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(value);
  const [year, month, day] = ymd ? [ymd[1], ymd[2], ymd[3]] : mdy ? [mdy[3], mdy[1], mdy[2]] : [];
  if (!year) return null;
  const ms = Date.UTC(Number(year), Number(month) - 1, Number(day));
  // before:2026/10/01 is "received before that day begins"; after: is "on or after it begins".
  return Number.isNaN(ms) ? null : ms;
}
