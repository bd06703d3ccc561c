// SOQL text to a syntax tree for the emulator: tokens (quoted strings with their escapes,
// numbers, date literals, operators), then SELECT … FROM … [WHERE …] [ORDER BY …] [LIMIT n]
// [OFFSET n] with AND/OR/NOT, comparisons, LIKE, IN (values) and semi-join IN (SELECT …).
// Source: developer.salesforce.com/docs/atlas.en-us.soql_sosl.meta/soql_sosl/sforce_api_calls_soql_select.htm.
import { malformedQuery } from './salesforce-errors.ts';
import type { SfValue } from './salesforce-store.ts';

type Token = { kind: 'word' | 'string' | 'number' | 'date' | 'op' | 'punct'; value: string };

export type Literal = { kind: 'literal'; value: SfValue; quoted: boolean };
export type Cond =
  | { kind: 'and'; items: Cond[] }
  | { kind: 'or'; items: Cond[] }
  | { kind: 'not'; item: Cond }
  | { kind: 'cmp'; field: string; op: string; value: Literal }
  | { kind: 'in'; field: string; negate: boolean; values: Literal[] }
  | { kind: 'semi'; field: string; negate: boolean; query: Query };

export interface Query {
  fields: string[];
  from: string;
  where: Cond | null;
  orderBy: Array<{ field: string; desc: boolean; nullsLast: boolean }>;
  limit: number | null;
  offset: number | null;
}

export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i += 1;
    } else if (c === "'") {
      let value = '';
      i += 1;
      for (;;) {
        if (i >= text.length) throw malformedQuery('unterminated string literal');
        const d = text[i]!;
        if (d === '\\') {
          const e = text[i + 1];
          const map: Record<string, string> = { n: '\n', r: '\r', t: '\t', b: '\b', f: '\f', '"': '"', "'": "'", '\\': '\\', _: '\\_', '%': '\\%' };
          if (e === undefined || map[e] === undefined) throw malformedQuery(`Invalid string literal: illegal escape sequence \\${e ?? ''}`);
          value += map[e];
          i += 2;
        } else if (d === "'") {
          i += 1;
          break;
        } else {
          value += d;
          i += 1;
        }
      }
      tokens.push({ kind: 'string', value });
    } else if (/\d/.test(c) && /^\d{4}-\d{2}-\d{2}/.test(text.slice(i))) {
      const m = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2}))?/.exec(text.slice(i))!;
      tokens.push({ kind: 'date', value: m[0] });
      i += m[0].length;
    } else if (/[\d.-]/.test(c) && /^-?\d+(?:\.\d+)?/.test(text.slice(i))) {
      const m = /^-?\d+(?:\.\d+)?/.exec(text.slice(i))!;
      tokens.push({ kind: 'number', value: m[0] });
      i += m[0].length;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][\w.]*/.exec(text.slice(i))!;
      tokens.push({ kind: 'word', value: m[0] });
      i += m[0].length;
    } else if (/[=<>!]/.test(c)) {
      const m = /^(?:!=|<>|<=|>=|=|<|>)/.exec(text.slice(i));
      if (!m) throw malformedQuery(`unexpected token: '${c}'`);
      tokens.push({ kind: 'op', value: m[0] === '<>' ? '!=' : m[0] });
      i += m[0].length;
    } else if ('(),'.includes(c)) {
      tokens.push({ kind: 'punct', value: c });
      i += 1;
    } else {
      throw malformedQuery(`unexpected token: '${c}'`);
    }
  }
  return tokens;
}

export class Parser {
  #t: Token[];
  #i = 0;
  constructor(tokens: Token[]) {
    this.#t = tokens;
  }

  #peek(): Token | undefined {
    return this.#t[this.#i];
  }

  #isWord(word: string, offset = 0): boolean {
    const t = this.#t[this.#i + offset];
    return t?.kind === 'word' && t.value.toUpperCase() === word;
  }

  #expectWord(word: string): void {
    if (!this.#isWord(word)) throw malformedQuery(`unexpected token: '${this.#peek()?.value ?? '<EOF>'}' (expected ${word})`);
    this.#i += 1;
  }

  #expectPunct(p: string): void {
    const t = this.#peek();
    if (t?.kind !== 'punct' || t.value !== p) throw malformedQuery(`unexpected token: '${t?.value ?? '<EOF>'}' (expected ${p})`);
    this.#i += 1;
  }

  #ident(): string {
    const t = this.#peek();
    if (t?.kind !== 'word') throw malformedQuery(`unexpected token: '${t?.value ?? '<EOF>'}'`);
    this.#i += 1;
    return t.value;
  }

  query(nested: boolean): Query {
    this.#expectWord('SELECT');
    const fields = [this.#ident()];
    while (this.#peek()?.value === ',') {
      this.#i += 1;
      if (this.#peek()?.value === '(') throw malformedQuery('relationship subqueries are not supported by the emulator');
      fields.push(this.#ident());
    }
    this.#expectWord('FROM');
    const from = this.#ident();
    let where: Cond | null = null;
    if (this.#isWord('WHERE')) {
      this.#i += 1;
      where = this.#or();
    }
    const orderBy: Query['orderBy'] = [];
    if (this.#isWord('ORDER')) {
      this.#i += 1;
      this.#expectWord('BY');
      do {
        if (orderBy.length) this.#i += 1;
        const field = this.#ident();
        let desc = false;
        if (this.#isWord('ASC')) this.#i += 1;
        else if (this.#isWord('DESC')) {
          this.#i += 1;
          desc = true;
        }
        let nullsLast = desc;
        if (this.#isWord('NULLS')) {
          this.#i += 1;
          if (this.#isWord('FIRST')) nullsLast = false;
          else if (this.#isWord('LAST')) nullsLast = true;
          else throw malformedQuery(`unexpected token: '${this.#peek()?.value ?? '<EOF>'}'`);
          this.#i += 1;
        }
        orderBy.push({ field, desc, nullsLast });
      } while (this.#peek()?.value === ',');
    }
    let limit: number | null = null;
    let offset: number | null = null;
    if (this.#isWord('LIMIT')) {
      this.#i += 1;
      limit = this.#integer();
    }
    if (this.#isWord('OFFSET')) {
      this.#i += 1;
      offset = this.#integer();
    }
    if (!nested && this.#peek()) throw malformedQuery(`unexpected token: '${this.#peek()!.value}'`);
    return { fields, from, where, orderBy, limit, offset };
  }

  #integer(): number {
    const t = this.#peek();
    if (t?.kind !== 'number' || !/^\d+$/.test(t.value)) throw malformedQuery(`unexpected token: '${t?.value ?? '<EOF>'}'`);
    this.#i += 1;
    return Number(t.value);
  }

  #or(): Cond {
    const items = [this.#and()];
    while (this.#isWord('OR')) {
      this.#i += 1;
      items.push(this.#and());
    }
    return items.length === 1 ? items[0]! : { kind: 'or', items };
  }

  #and(): Cond {
    const items = [this.#not()];
    while (this.#isWord('AND')) {
      this.#i += 1;
      items.push(this.#not());
    }
    return items.length === 1 ? items[0]! : { kind: 'and', items };
  }

  #not(): Cond {
    if (this.#isWord('NOT')) {
      this.#i += 1;
      return { kind: 'not', item: this.#not() };
    }
    if (this.#peek()?.value === '(') {
      this.#i += 1;
      const inner = this.#or();
      this.#expectPunct(')');
      return inner;
    }
    return this.#comparison();
  }

  #comparison(): Cond {
    const field = this.#ident();
    let negate = false;
    if (this.#isWord('NOT') && this.#isWord('IN', 1)) {
      negate = true;
      this.#i += 1;
    }
    if (this.#isWord('IN')) {
      this.#i += 1;
      this.#expectPunct('(');
      if (this.#isWord('SELECT')) {
        const query = this.query(true);
        this.#expectPunct(')');
        return { kind: 'semi', field, negate, query };
      }
      const values = [this.#literal()];
      while (this.#peek()?.value === ',') {
        this.#i += 1;
        values.push(this.#literal());
      }
      this.#expectPunct(')');
      return { kind: 'in', field, negate, values };
    }
    if (this.#isWord('LIKE')) {
      this.#i += 1;
      return { kind: 'cmp', field, op: 'LIKE', value: this.#literal() };
    }
    const op = this.#peek();
    if (op?.kind !== 'op') throw malformedQuery(`unexpected token: '${op?.value ?? '<EOF>'}'`);
    this.#i += 1;
    return { kind: 'cmp', field, op: op.value, value: this.#literal() };
  }

  #literal(): Literal {
    const t = this.#peek();
    if (!t) throw malformedQuery("unexpected token: '<EOF>'");
    this.#i += 1;
    if (t.kind === 'string') return { kind: 'literal', value: t.value, quoted: true };
    if (t.kind === 'number') return { kind: 'literal', value: Number(t.value), quoted: false };
    if (t.kind === 'date') return { kind: 'literal', value: t.value, quoted: false };
    if (t.kind === 'word') {
      const w = t.value.toUpperCase();
      if (w === 'TRUE' || w === 'FALSE') return { kind: 'literal', value: w === 'TRUE', quoted: false };
      if (w === 'NULL') return { kind: 'literal', value: null, quoted: false };
    }
    throw malformedQuery(`unexpected token: '${t.value}'`);
  }
}

