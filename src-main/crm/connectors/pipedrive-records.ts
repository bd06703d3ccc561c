// The Pipedrive records the connector reads (only the fields it uses) and the small value
// conversions between them and Mailbridge's: ids, times, links, website domains. Shapes from
// openapi/upstream/v1.yaml and v2.yaml in github.com/juhokoskela/pipedrive-go.
import { CrmAuthError, CrmError } from '../types.ts';

export interface SearchItem {
  id: number;
  name?: string;
  emails?: string[];
  phones?: string[];
  owner?: { id?: number } | null;
  organization?: { id?: number; name?: string } | null;
}

export interface ValueItem {
  value?: string;
  primary?: boolean;
}

export interface Person {
  id: number;
  name?: string;
  owner_id?: number | null;
  org_id?: number | null;
  emails?: ValueItem[];
  phones?: ValueItem[];
  label_ids?: number[] | null;
  job_title?: string | null;
}

export interface Organization {
  id: number;
  name?: string;
  website?: string | null;
}

export interface Deal {
  id: number;
  title?: string;
  stage_id?: number;
  value?: number | null;
  currency?: string | null;
  add_time?: string;
  expected_close_date?: string | null;
}

export interface Note {
  id: number;
  content?: string;
  add_time?: string;
  active_flag?: boolean;
}

export interface Account {
  /** The company's subdomain (`<domain>.pipedrive.com`), or null when Pipedrive gave none. */
  domain: string | null;
  companyId: number | null;
}

export type Cursor = { next_cursor?: string | null } | null | undefined;

/** A lazily read value shared by concurrent callers; a failed read is not kept. */
export function cached<T>(read: () => Promise<T>): () => Promise<T> {
  let value: Promise<T> | null = null;
  return () => {
    value ??= read().catch((error: unknown) => {
      value = null;
      throw error;
    });
    return value;
  };
}

/** A decoration that may fail without failing the lookup; a refused token still throws. */
export async function soft<T>(value: Promise<T>, fallback: T): Promise<T> {
  try {
    return await value;
  } catch (error) {
    if (error instanceof CrmAuthError || !(error instanceof CrmError)) throw error;
    return fallback;
  }
}

export function link(account: Account, kind: 'person' | 'deal', id: number): { url?: string } {
  return account.domain ? { url: `https://${account.domain}.pipedrive.com/${kind}/${id}` } : {};
}

export function firstValue(items: readonly ValueItem[] | null | undefined): string | undefined {
  const list = (items ?? []).filter((i) => i.value);
  return (list.find((i) => i.primary) ?? list[0])?.value;
}

/** Pipedrive ids are positive integers; anything else cannot name a Pipedrive record. */
export function pipedriveId(id: string | number): number {
  const n = Number(id);
  if (!Number.isSafeInteger(n) || n <= 0) throw new CrmError(`not a Pipedrive id: ${id}`, { retryable: false });
  return n;
}

/**
 * Pipedrive times as ms since the epoch: v2's RFC 3339, v1's "YYYY-MM-DD HH:MM:SS" (UTC) and
 * bare dates "YYYY-MM-DD" (00:00 UTC). 0 when unreadable.
 */
export function readTime(value: string | null | undefined): number {
  if (!value) return 0;
  const v1 = /^(\d{4}-\d{2}-\d{2})(?: (\d{2}:\d{2}:\d{2}))?$/.exec(value.trim());
  const ms = v1 ? Date.parse(`${v1[1]}T${v1[2] ?? '00:00:00'}Z`) : Date.parse(value);
  return Number.isFinite(ms) ? ms : 0;
}

export function websiteDomain(website: string | null | undefined): string | null {
  const raw = website?.trim();
  if (!raw) return null;
  try {
    return new URL(/^[a-z]+:\/\//i.test(raw) ? raw : `https://${raw}`).hostname.toLowerCase().replace(/^www\./, '') || null;
  } catch {
    return null;
  }
}
