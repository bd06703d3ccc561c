// Reading HubSpot request input the way HubSpot does: JSON objects, string property values,
// comma-separated `properties` and `limit`/`after` paging, with 400 VALIDATION_ERROR otherwise.
import { validationError } from './hubspot-errors.ts';

export function requireObject(body: unknown, what: string): Record<string, unknown> {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw validationError(`Invalid input JSON: expected ${what} object`);
  return body as Record<string, unknown>;
}

/** Property values arrive as strings or numbers; HubSpot stores strings. null/'' clear a value. */
export function readProperties(input: unknown): Record<string, string> {
  if (input === undefined) return {};
  if (!input || typeof input !== 'object' || Array.isArray(input)) throw validationError('Invalid input JSON: properties must be an object');
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(input)) {
    if (value === null || value === undefined) continue;
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
      throw validationError(`Invalid input JSON: property ${name} must be a string`);
    }
    out[name] = String(value);
  }
  return out;
}

export function propertiesParam(query: URLSearchParams): string[] | null {
  const values = query.getAll('properties').flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
  return values.length ? values : null;
}

export function pageParams(query: URLSearchParams, max: number, fallback: number): { limit: number; offset: number } {
  const limit = query.has('limit') ? Number(query.get('limit')) : fallback;
  if (!Number.isInteger(limit) || limit < 1 || limit > max) throw validationError(`limit must be between 1 and ${max}`);
  const offset = query.has('after') ? Number(query.get('after')) : 0;
  if (!Number.isInteger(offset) || offset < 0) throw validationError('after must be a paging cursor from a previous page');
  return { limit, offset };
}

