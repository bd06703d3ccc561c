// The REST resources under /services/data/vXX.X/ the emulator answers, as pure functions
// over the store: Query (with nextRecordsUrl pages), sObject create and get, Composite
// (references, allOrNone rollback, 25 subrequests of which 5 queries or collections) and
// sObject Collections create, and Limits. Answers use the documented shapes.
// Sources (developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/…):
//   resources_query.htm, dome_sobject_create.htm, resources_composite_composite_post.htm,
//   responses_composite.htm, resources_composite_sobjects_collections_create.htm, resources_limits.htm.
import { randomBytes } from 'node:crypto';
import {
  invalidType, jsonParserError, methodNotAllowed, notFound, processingHalted, SalesforceApiError,
} from './salesforce-errors.ts';
import { canonicalType, SOBJECTS } from './sobject-schema.ts';
import type { SalesforceStore } from './salesforce-store.ts';
import { runSoql } from './soql.ts';

export interface RestRequest {
  method: string;
  /** e.g. v62.0 */
  version: string;
  /** Path segments after /services/data/vXX.X/, URI-decoded. */
  segments: string[];
  query: URLSearchParams;
  /** The parsed JSON body (undefined when none). */
  body: unknown;
}

export interface RestResult {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export interface RestContext {
  store: SalesforceStore;
  /** Records per query page (Salesforce: up to 2,000). */
  pageSize: () => number;
  /** The org's daily allocation: {max, remaining}. */
  apiUsage: () => { max: number; remaining: number };
  /** Set when the request created records (for "commit then drop the answer"). */
  wrote: { value: boolean };
  /** Called once per SOQL statement run. */
  onQuery?: () => void;
}

/** Query cursors by locator (the part after /query/ in nextRecordsUrl). */
const cursors = new Map<string, { type: string; records: Record<string, unknown>[]; offset: number }>();

const MAX_SUBREQUESTS = 25;
const MAX_QUERY_OR_COLLECTION_SUBREQUESTS = 5;
const MAX_COLLECTION_RECORDS = 200;

export function routeName(req: Pick<RestRequest, 'method' | 'segments'>): string {
  const [first, second] = req.segments;
  if (first === 'query') return req.segments.length > 1 ? 'query.more' : 'query';
  if (first === 'sobjects') return `sobjects.${req.method === 'POST' ? 'create' : 'get'}.${second ?? ''}`;
  if (first === 'composite') return second === 'sobjects' ? 'collections.create' : 'composite';
  return first ?? 'root';
}

/** Runs one REST request (top level or composite subrequest). Throws SalesforceApiError for error answers. */
export async function handleRest(ctx: RestContext, req: RestRequest): Promise<RestResult> {
  const [first, second, third] = req.segments;
  if (first === 'query') {
    if (req.method !== 'GET') throw methodNotAllowed(req.method);
    return req.segments.length === 1 ? query(ctx, req) : queryMore(ctx, req, second ?? '');
  }
  if (first === 'sobjects' && second) {
    if (req.method === 'POST' && req.segments.length === 2) return createOne(ctx, req, second);
    if (req.method === 'GET' && req.segments.length === 3) return getOne(ctx, req, second, third!);
    throw methodNotAllowed(req.method);
  }
  if (first === 'composite' && req.segments.length === 1) {
    if (req.method !== 'POST') throw methodNotAllowed(req.method);
    return composite(ctx, req);
  }
  if (first === 'composite' && second === 'sobjects' && req.segments.length === 2) {
    if (req.method !== 'POST') throw methodNotAllowed(req.method);
    return collectionsCreate(ctx, req);
  }
  if (first === 'limits' && req.segments.length === 1) {
    const { max, remaining } = ctx.apiUsage();
    return { status: 200, body: { DailyApiRequests: { Max: max, Remaining: remaining } } };
  }
  throw notFound();
}

function query(ctx: RestContext, req: RestRequest): RestResult {
  const q = req.query.get('q');
  if (!q) throw new SalesforceApiError(400, [{ message: 'A query string has to be specified', errorCode: 'MALFORMED_QUERY' }]);
  ctx.onQuery?.();
  const { type, records } = runSoql(ctx.store, q, req.version);
  return page(ctx, req.version, { type, records, offset: 0 });
}

function queryMore(ctx: RestContext, req: RestRequest, locator: string): RestResult {
  const cursor = cursors.get(locator);
  if (!cursor) throw new SalesforceApiError(400, [{ message: 'invalid query locator', errorCode: 'INVALID_QUERY_LOCATOR' }]);
  cursors.delete(locator);
  return page(ctx, req.version, cursor);
}

function page(ctx: RestContext, version: string, cursor: { type: string; records: Record<string, unknown>[]; offset: number }): RestResult {
  const size = ctx.pageSize();
  const slice = cursor.records.slice(cursor.offset, cursor.offset + size);
  const next = cursor.offset + size;
  const body: Record<string, unknown> = { totalSize: cursor.records.length, done: next >= cursor.records.length, records: slice };
  if (next < cursor.records.length) {
    const locator = `01g${randomBytes(6).toString('hex').toUpperCase().slice(0, 15)}-${next}`;
    cursors.set(locator, { ...cursor, offset: next });
    body.nextRecordsUrl = `/services/data/${version}/query/${locator}`;
  }
  return { status: 200, body };
}

function createOne(ctx: RestContext, req: RestRequest, typeName: string): RestResult {
  const id = ctx.store.create(typeName, req.body);
  ctx.wrote.value = true;
  const type = canonicalType(typeName)!;
  return {
    status: 201,
    body: { id, success: true, errors: [] },
    headers: { Location: `/services/data/${req.version}/sobjects/${type}/${id}` },
  };
}

function getOne(ctx: RestContext, req: RestRequest, typeName: string, id: string): RestResult {
  const type = canonicalType(typeName);
  if (!type) throw invalidType(typeName);
  const record = ctx.store.get(type, id);
  if (!record) throw notFound();
  const wanted = req.query.get('fields');
  const names = wanted ? wanted.split(',').map((f) => f.trim()).filter(Boolean) : Object.keys(SOBJECTS[type]!.fields);
  const out: Record<string, unknown> = { attributes: { type, url: `/services/data/${req.version}/sobjects/${type}/${record.Id}` } };
  for (const name of names) {
    const field = ctx.store.field(type, name);
    if (!field) throw new SalesforceApiError(400, [{ message: `No such column '${name}' on sobject of type ${type}`, errorCode: 'INVALID_FIELD' }]);
    out[field.name] = record[field.name] ?? null;
  }
  return { status: 200, body: out };
}

interface Subrequest {
  method: string;
  url: string;
  referenceId: string;
  body?: unknown;
}

/** Replaces @{ref.path} in a string (url or body value) from earlier subrequest results. */
function substitute(value: string, results: Map<string, { ok: boolean; body: unknown }>): string {
  return value.replace(/@\{([\w]+)((?:\.[\w]+|\[\d+\])+)\}/g, (_match, ref: string, path: string) => {
    const result = results.get(ref);
    if (!result?.ok) throw processingHalted(`Invalid reference specified. No value for ${ref}${path} found in ${ref}. Provided referenceId ('${ref}') must match a referenceId of a previous successful subrequest.`);
    let current: unknown = result.body;
    for (const part of path.match(/\.[\w]+|\[\d+\]/g) ?? []) {
      const key = part.startsWith('.') ? part.slice(1) : Number(part.slice(1, -1));
      current = (current as Record<string | number, unknown> | null)?.[key];
    }
    if (current === undefined || current === null) throw processingHalted(`Invalid reference specified. No value for ${ref}${path} found in ${ref}.`);
    return String(current);
  });
}

function substituteBody(body: unknown, results: Map<string, { ok: boolean; body: unknown }>): unknown {
  if (typeof body === 'string') return substitute(body, results);
  if (Array.isArray(body)) return body.map((b) => substituteBody(b, results));
  if (body && typeof body === 'object') return Object.fromEntries(Object.entries(body).map(([k, v]) => [k, substituteBody(v, results)]));
  return body;
}

function parseSubrequestUrl(url: string): { version: string; segments: string[]; query: URLSearchParams } {
  const parsed = new URL(url, 'https://emulator.invalid');
  const m = /^\/services\/data\/(v\d+\.\d)\/(.*)$/.exec(parsed.pathname);
  if (!m) throw new SalesforceApiError(400, [{ message: `The URL ${url} is not supported in a composite request`, errorCode: 'INVALID_INPUT' }]);
  return { version: m[1]!, segments: m[2]!.split('/').filter(Boolean).map(decodeURIComponent), query: parsed.searchParams };
}

/**
 * POST /composite {allOrNone?, collateSubrequests?, compositeRequest: [{method, url, referenceId, body?}]}
 * → 200 {compositeResponse: [{body, httpHeaders, httpStatusCode, referenceId}]}. With
 * allOrNone, one failure rolls every subrequest back and the others answer 400 PROCESSING_HALTED.
 */
async function composite(ctx: RestContext, req: RestRequest): Promise<RestResult> {
  const input = req.body as { allOrNone?: unknown; collateSubrequests?: unknown; compositeRequest?: unknown } | undefined;
  const subrequests = input?.compositeRequest;
  if (!Array.isArray(subrequests) || !subrequests.length) throw jsonParserError('compositeRequest is required and must be a non-empty array');
  if (subrequests.length > MAX_SUBREQUESTS) {
    throw new SalesforceApiError(400, [{ message: `Exceeded max limit of subrequests. Max subrequests allowed: ${MAX_SUBREQUESTS}`, errorCode: 'INVALID_INPUT' }]);
  }
  const heavy = (subrequests as Subrequest[]).filter((s) => /\/(query|queryAll)\/?(\?|$)|\/composite\/sobjects/.test(String(s?.url ?? ''))).length;
  if (heavy > MAX_QUERY_OR_COLLECTION_SUBREQUESTS) {
    throw new SalesforceApiError(400, [{ message: `Exceeded max limit of ${MAX_QUERY_OR_COLLECTION_SUBREQUESTS} query or sObject Collections subrequests`, errorCode: 'INVALID_INPUT' }]);
  }
  const seen = new Set<string>();
  for (const s of subrequests as Subrequest[]) {
    if (!s || typeof s.method !== 'string' || typeof s.url !== 'string' || typeof s.referenceId !== 'string' || !/^[A-Za-z0-9_]+$/.test(s.referenceId) || seen.has(s.referenceId)) {
      throw jsonParserError('each subrequest needs method, url and a unique alphanumeric referenceId');
    }
    seen.add(s.referenceId);
  }
  const allOrNone = input?.allOrNone === true;
  const results = new Map<string, { ok: boolean; body: unknown }>();
  const answers: Array<{ body: unknown; httpHeaders: Record<string, string>; httpStatusCode: number; referenceId: string }> = [];
  ctx.store.begin();
  let failed = false;
  for (const s of subrequests as Subrequest[]) {
    if (failed && allOrNone) {
      answers.push({ body: processingHalted().items, httpHeaders: {}, httpStatusCode: 400, referenceId: s.referenceId });
      continue;
    }
    try {
      const target = parseSubrequestUrl(substitute(s.url, results));
      if (target.segments[0] === 'composite' && target.segments.length === 1) throw methodNotAllowed('POST');
      const result = await handleRest(ctx, { method: s.method.toUpperCase(), ...target, body: substituteBody(s.body, results) });
      results.set(s.referenceId, { ok: true, body: result.body });
      answers.push({ body: result.body, httpHeaders: result.headers ?? {}, httpStatusCode: result.status, referenceId: s.referenceId });
    } catch (error) {
      if (!(error instanceof SalesforceApiError)) throw error;
      failed = true;
      results.set(s.referenceId, { ok: false, body: error.items });
      answers.push({ body: error.items, httpHeaders: {}, httpStatusCode: error.status, referenceId: s.referenceId });
    }
  }
  const rollback = failed && allOrNone;
  ctx.store.end(rollback);
  if (rollback) {
    ctx.wrote.value = false;
    for (const a of answers) {
      if (a.httpStatusCode < 400) Object.assign(a, { body: processingHalted().items, httpHeaders: {}, httpStatusCode: 400 });
    }
  }
  return { status: 200, body: { compositeResponse: answers } };
}

/**
 * POST /composite/sobjects {allOrNone?, records: [{attributes: {type}, …}]} (up to 200)
 * → 200 [{id, success, errors: [{statusCode, message, fields}]}], in input order.
 */
function collectionsCreate(ctx: RestContext, req: RestRequest): RestResult {
  const input = req.body as { allOrNone?: unknown; records?: unknown } | undefined;
  const records = input?.records;
  if (!Array.isArray(records) || !records.length) throw jsonParserError('records is required and must be a non-empty array');
  if (records.length > MAX_COLLECTION_RECORDS) {
    throw new SalesforceApiError(400, [{ message: `You can only create up to ${MAX_COLLECTION_RECORDS} records at a time`, errorCode: 'TOO_MANY_RECORDS' }]);
  }
  const allOrNone = input?.allOrNone === true;
  ctx.store.begin();
  const out = records.map((record: unknown) => {
    const type = (record as { attributes?: { type?: unknown } } | null)?.attributes?.type;
    try {
      if (typeof type !== 'string') throw new SalesforceApiError(400, [{ message: 'Each record needs attributes.type', errorCode: 'INVALID_TYPE' }]);
      const id = ctx.store.create(type, record);
      return { id, success: true, errors: [] as unknown[] };
    } catch (error) {
      if (!(error instanceof SalesforceApiError)) throw error;
      return { success: false, errors: error.items.map((e) => ({ statusCode: e.errorCode, message: e.message, fields: e.fields ?? [] })) };
    }
  });
  const rollback = allOrNone && out.some((r) => !r.success);
  ctx.store.end(rollback);
  if (rollback) {
    for (const r of out) {
      if (!r.success) continue;
      delete (r as { id?: string }).id;
      Object.assign(r, {
        success: false,
        errors: [{ statusCode: 'ALL_OR_NONE_OPERATION_ROLLED_BACK', message: 'Record rolled back because not all records were valid and the request was using AllOrNone header', fields: [] }],
      });
    }
  } else if (out.some((r) => r.success)) {
    ctx.wrote.value = true;
  }
  return { status: 200, body: out };
}
