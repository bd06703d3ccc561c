// Reading Pipedrive request input as Pipedrive documents it: v2 cursor paging (limit up to 500,
// default 100, an opaque cursor), v1 start/limit paging, `ids` lists of up to 100, integer and
// boolean query parameters, and JSON bodies whose keys the reference lists — 400 otherwise.
import { badRequest } from './pipedrive-errors.ts';

export function intParam(query: URLSearchParams, name: string): number | null {
  const raw = query.get(name);
  if (raw === null || raw === '') return null;
  const n = Number(raw);
  if (!Number.isSafeInteger(n)) throw badRequest(`Invalid parameter ${name}: expected an integer`);
  return n;
}

export function boolParam(query: URLSearchParams, name: string): boolean {
  const raw = query.get(name);
  if (raw === null || raw === '') return false;
  if (['true', '1'].includes(raw)) return true;
  if (['false', '0'].includes(raw)) return false;
  throw badRequest(`Invalid parameter ${name}: expected a boolean`);
}

/** A comma-separated `ids` list: up to 100 integers; null when absent. */
export function idsParam(query: URLSearchParams): number[] | null {
  const raw = query.get('ids');
  if (raw === null || raw === '') return null;
  const ids = raw.split(',').map((s) => Number(s.trim()));
  if (ids.some((n) => !Number.isSafeInteger(n))) throw badRequest('Invalid parameter ids: expected a comma separated list of integers');
  if (ids.length > 100) throw badRequest('Invalid parameter ids: at most 100 ids are allowed');
  return ids;
}

/** v2 list paging: the page of `all` and the envelope's additional_data {next_cursor}. */
export function cursorPage<T>(all: readonly T[], query: URLSearchParams): { page: T[]; additional_data: { next_cursor: string | null } } {
  const limit = query.has('limit') ? Number(query.get('limit')) : 100;
  if (!Number.isInteger(limit) || limit < 1 || limit > 500) throw badRequest('Invalid parameter limit: must be between 1 and 500');
  let offset = 0;
  const cursor = query.get('cursor');
  if (cursor) {
    try {
      offset = Number((JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { offset?: unknown }).offset);
    } catch {
      offset = Number.NaN;
    }
    if (!Number.isInteger(offset) || offset < 0) throw badRequest('Invalid parameter cursor');
  }
  const next = offset + limit < all.length ? Buffer.from(JSON.stringify({ offset: offset + limit })).toString('base64url') : null;
  return { page: all.slice(offset, offset + limit), additional_data: { next_cursor: next } };
}

/** v1 list paging: the page of `all` and additional_data.pagination. */
export function startPage<T>(all: readonly T[], query: URLSearchParams): { page: T[]; pagination: Record<string, unknown> } {
  const start = query.has('start') ? Number(query.get('start')) : 0;
  const limit = query.has('limit') ? Number(query.get('limit')) : 100;
  if (!Number.isInteger(start) || start < 0) throw badRequest('Invalid parameter start');
  if (!Number.isInteger(limit) || limit < 1 || limit > 500) throw badRequest('Invalid parameter limit: must be between 1 and 500');
  const more = start + limit < all.length;
  return { page: all.slice(start, start + limit), pagination: { start, limit, more_items_in_collection: more, ...(more ? { next_start: start + limit } : {}) } };
}

/** The JSON body as an object whose keys are all in `allowed`. */
export function requireBody(body: unknown, allowed: readonly string[]): Record<string, unknown> {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw badRequest('Invalid request body: expected a JSON object');
  const unknown = Object.keys(body).filter((k) => !allowed.includes(k));
  if (unknown.length) throw badRequest(`Invalid request body: unknown field${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}`);
  return body as Record<string, unknown>;
}

export function optionalInt(body: Record<string, unknown>, name: string): number | null {
  const value = body[name];
  if (value === undefined || value === null) return null;
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw badRequest(`Invalid field ${name}: expected an integer`);
  return value;
}

export function optionalString(body: Record<string, unknown>, name: string): string | null {
  const value = body[name];
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw badRequest(`Invalid field ${name}: expected a string`);
  return value;
}
