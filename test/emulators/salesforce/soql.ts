// The subset of SOQL the emulator answers: SELECT fields (parent paths like Account.Name)
// FROM one object, WHERE with AND/OR/NOT, =, !=, <, >, LIKE, IN (values) and semi-join
// IN (SELECT …), ORDER BY, LIMIT, OFFSET — with the limits and errors a real org applies:
// 100,000 characters per statement, no semi-join under OR, long text areas not filterable,
// MALFORMED_QUERY / INVALID_FIELD / INVALID_TYPE wording.
// Sources: developer.salesforce.com/docs/atlas.en-us.soql_sosl.meta/soql_sosl/ (SELECT,
// WHERE, semi-joins), …/salesforce_app_limits_cheatsheet.meta/…/salesforce_app_limits_platform_soslsoql.htm.
import { SOBJECTS, canonicalType, type FieldDef } from './sobject-schema.ts';
import { invalidQueryField, invalidType, malformedQuery, notFilterable } from './salesforce-errors.ts';
import { Parser, tokenize, type Cond, type Query } from './soql-parser.ts';
import { to18, type SalesforceStore, type SfRecord, type SfValue } from './salesforce-store.ts';

/** Maximum SOQL statement length (characters), the org default. */
export const MAX_SOQL_CHARS = 100_000;

/** A resolved field path: relationship hops, then the field on the last object. */
interface Path {
  canonical: string[];
  def: FieldDef;
}

function resolvePath(store: SalesforceStore, type: string, path: string): Path {
  const parts = path.split('.');
  const canonical: string[] = [];
  let types = [type];
  for (let i = 0; i < parts.length - 1; i += 1) {
    const rel = parts[i]!.toLowerCase();
    const hop = types
      .flatMap((t) => Object.entries(SOBJECTS[t]!.fields).map(([name, def]) => ({ t, name, def })))
      .find(({ t, name, def }) => def.relationship?.toLowerCase() === rel && store.field(t, name));
    if (!hop) throw invalidQueryField(parts[i]!, types[0]!);
    canonical.push(hop.def.relationship!);
    types = [...(hop.def.to ?? [])].filter((t) => SOBJECTS[t]);
    if (!types.length) throw invalidQueryField(parts[i + 1]!, hop.def.relationship!);
  }
  const last = parts.at(-1)!;
  for (const t of types) {
    const found = store.field(t, last);
    if (found) return { canonical: [...canonical, found.name], def: found.def };
  }
  throw invalidQueryField(last, types[0]!);
}

/** The value at a path: {record, type} for relationship hops, the value for the last part. */
function valueAt(store: SalesforceStore, record: SfRecord, type: string, path: Path): SfValue {
  let current: SfRecord = record;
  let currentType = type;
  for (let i = 0; i < path.canonical.length - 1; i += 1) {
    const rel = path.canonical[i]!;
    const refField = Object.entries(SOBJECTS[currentType]!.fields).find(([, def]) => def.relationship === rel)?.[0];
    const refId: SfValue = refField ? current[refField] ?? null : null;
    const target: { type: string; record: SfRecord } | undefined = typeof refId === 'string' ? store.byId(refId) : undefined;
    if (!target) return null;
    current = target.record;
    currentType = target.type;
  }
  return current[path.canonical.at(-1)!] ?? null;
}

function likeToRegExp(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i += 1) {
    const c = pattern[i]!;
    if (c === '\\' && (pattern[i + 1] === '%' || pattern[i + 1] === '_')) {
      source += pattern[i + 1];
      i += 1;
    } else if (c === '%') source += '.*';
    else if (c === '_') source += '.';
    else source += c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`, 'is');
}

/** Text compares case-insensitively in SOQL; ids compare in their 18-character form. */
function norm(value: SfValue, def: FieldDef): SfValue {
  if (typeof value !== 'string') return value;
  if (def.type === 'id' || def.type === 'reference') return to18(value) ?? value;
  return value.toLowerCase();
}

function compare(a: SfValue, b: SfValue): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  return a < b ? -1 : 1;
}

interface Compiled {
  type: string;
  query: Query;
  paths: Map<string, Path>;
}

function compile(store: SalesforceStore, query: Query, underOr = false): Compiled {
  const type = canonicalType(query.from);
  if (!type) throw invalidType(query.from);
  const paths = new Map<string, Path>();
  const path = (p: string, filtered: boolean) => {
    let resolved = paths.get(p);
    if (!resolved) {
      resolved = resolvePath(store, type, p);
      paths.set(p, resolved);
    }
    if (filtered && !resolved.def.filter) throw notFilterable(resolved.canonical.at(-1)!);
    return resolved;
  };
  for (const f of query.fields) path(f, false);
  for (const o of query.orderBy) path(o.field, false);
  const visit = (c: Cond, inOr: boolean): void => {
    if (c.kind === 'and' || c.kind === 'or') c.items.forEach((i) => visit(i, inOr || c.kind === 'or'));
    else if (c.kind === 'not') visit(c.item, inOr);
    else if (c.kind === 'semi') {
      if (inOr) throw malformedQuery("Semi join sub-selects are not allowed with the 'OR' operator");
      const outer = path(c.field, true);
      if (outer.def.type !== 'id' && outer.def.type !== 'reference') throw malformedQuery('The left operand of a semi join must be an Id or reference field');
      const inner = compile(store, c.query);
      const innerPath = c.query.fields.length === 1 ? inner.paths.get(c.query.fields[0]!) : undefined;
      if (!innerPath || (innerPath.def.type !== 'id' && innerPath.def.type !== 'reference')) {
        throw malformedQuery('The selected field in a semi join subquery must be a single Id or reference field');
      }
    } else {
      const p = path(c.field, true);
      const literals = c.kind === 'in' ? c.values : [c.value];
      if (p.def.type === 'boolean' && literals.some((l) => typeof l.value !== 'boolean' && l.value !== null)) {
        throw malformedQuery(`value of filter criterion for field '${p.canonical.at(-1)}' must be of type boolean and should not be enclosed in quotes`);
      }
    }
  };
  if (query.where) visit(query.where, underOr);
  return { type, query, paths };
}

/** A semi-join's values, computed once per statement (conditions are parsed fresh for each). */
const semiResults = new WeakMap<Cond, Set<SfValue>>();

function matches(store: SalesforceStore, c: Compiled, record: SfRecord, cond: Cond): boolean {
  switch (cond.kind) {
    case 'and':
      return cond.items.every((i) => matches(store, c, record, i));
    case 'or':
      return cond.items.some((i) => matches(store, c, record, i));
    case 'not':
      return !matches(store, c, record, cond.item);
    case 'in': {
      const p = c.paths.get(cond.field)!;
      const v = norm(valueAt(store, record, c.type, p), p.def);
      const hit = cond.values.some((l) => norm(l.value, p.def) === v);
      return cond.negate ? !hit : hit;
    }
    case 'semi': {
      const p = c.paths.get(cond.field)!;
      const v = norm(valueAt(store, record, c.type, p), p.def);
      let set = semiResults.get(cond);
      if (!set) {
        const inner = compile(store, cond.query);
        const innerPath = inner.paths.get(cond.query.fields[0]!)!;
        set = new Set(select(store, inner).map((r) => norm(valueAt(store, r, inner.type, innerPath), innerPath.def)));
        semiResults.set(cond, set);
      }
      const hit = v !== null && set.has(v);
      return cond.negate ? !hit : hit;
    }
    case 'cmp': {
      const p = c.paths.get(cond.field)!;
      const v = norm(valueAt(store, record, c.type, p), p.def);
      const w = norm(cond.value.value, p.def);
      switch (cond.op) {
        case '=':
          return v === w;
        case '!=':
          return v !== w;
        case 'LIKE':
          return typeof v === 'string' && typeof w === 'string' && likeToRegExp(w).test(v);
        default:
          if (v === null || w === null) return false;
          return cond.op === '<' ? v < w : cond.op === '>' ? v > w : cond.op === '<=' ? v <= w : v >= w;
      }
    }
  }
}

function select(store: SalesforceStore, c: Compiled): SfRecord[] {
  let rows = store.all(c.type).filter((r) => !c.query.where || matches(store, c, r, c.query.where));
  if (c.query.orderBy.length) {
    rows = rows.sort((a, b) => {
      for (const o of c.query.orderBy) {
        const p = c.paths.get(o.field)!;
        const x = norm(valueAt(store, a, c.type, p), p.def);
        const y = norm(valueAt(store, b, c.type, p), p.def);
        if (x === y) continue;
        if (x === null || y === null) return (x === null) === o.nullsLast ? 1 : -1;
        return o.desc ? -compare(x, y) : compare(x, y);
      }
      return 0;
    });
  }
  const offset = c.query.offset ?? 0;
  return rows.slice(offset, c.query.limit === null ? undefined : offset + c.query.limit);
}

/** The REST API's record shape: attributes {type, url}, the selected fields, parents as nested records (or null). */
function shape(store: SalesforceStore, c: Compiled, record: SfRecord, version: string): Record<string, unknown> {
  const attributes = (type: string, id: unknown) => ({ type, url: `/services/data/${version}/sobjects/${type}/${String(id)}` });
  const out: Record<string, unknown> = { attributes: attributes(c.type, record.Id) };
  for (const f of c.query.fields) {
    const p = c.paths.get(f)!;
    let target: Record<string, unknown> = out;
    let current: SfRecord | undefined = record;
    let currentType = c.type;
    for (let i = 0; i < p.canonical.length - 1 && current; i += 1) {
      const rel = p.canonical[i]!;
      const refField = Object.entries(SOBJECTS[currentType]!.fields).find(([, def]) => def.relationship === rel)?.[0];
      const refId: SfValue = refField ? current[refField] ?? null : null;
      const parent: { type: string; record: SfRecord } | undefined = typeof refId === 'string' ? store.byId(refId) : undefined;
      if (!parent) {
        target[rel] = null;
        current = undefined;
        break;
      }
      const nested = (target[rel] as Record<string, unknown> | null | undefined) ?? { attributes: attributes(parent.type, parent.record.Id) };
      target[rel] = nested;
      target = nested;
      current = parent.record;
      currentType = parent.type;
    }
    if (current) target[p.canonical.at(-1)!] = current[p.canonical.at(-1)!] ?? null;
  }
  return out;
}

/**
 * Parses and runs one SOQL statement. Resolves the matching records in the REST shape.
 * Throws SalesforceApiError: MALFORMED_QUERY (syntax, over MAX_SOQL_CHARS, semi-join under
 * OR), INVALID_TYPE (unknown object), INVALID_FIELD (unknown or unfilterable field).
 */
export function runSoql(store: SalesforceStore, text: string, version: string): { type: string; records: Record<string, unknown>[] } {
  if (text.length > MAX_SOQL_CHARS) throw malformedQuery(`SOQL statements cannot be longer than ${MAX_SOQL_CHARS} characters.`);
  const tokens = tokenize(text);
  if (!tokens.length) throw malformedQuery('the query is empty');
  const query = new Parser(tokens).query(false);
  const compiled = compile(store, query);
  return { type: compiled.type, records: select(store, compiled).map((r) => shape(store, compiled, r, version)) };
}
