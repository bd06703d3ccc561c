// The reads the Pipedrive connector repeats: v2 cursor lists (all pages, or by `ids=` in
// batches) and the company's reference data read once per connector — the token's company
// domain (for links), users (owner names), person labels and deal stages.
// Sources: openapi/upstream/v2.yaml (GET /persons, /organizations "ids … up to 100 entity ids",
// limit "a maximum value of 500", /personFields, /stages) and openapi/upstream/v1.yaml
// (GET /users, /users/me) in github.com/juhokoskela/pipedrive-go.
import type { PipedriveHttp } from './pipedrive-http.ts';
import { cached, type Account, type Cursor } from './pipedrive-records.ts';

/** Ids per `ids=` list read (v2 GET /persons, /organizations: "up to 100 entity ids"). */
export const IDS_BATCH = 100;
/** Records per v2 cursor list page (at most 500). */
const PAGE = 500;

export class PipedriveReads {
  readonly #http: PipedriveHttp;
  /** GET /api/v1/users/me: the company domain (`<domain>.pipedrive.com`) and id; read once, a failure not kept. */
  readonly account = cached(() => this.#readAccount());
  /** GET /api/v1/users: user id → name (else email); read once. */
  readonly users = cached(() => this.#readUsers());
  /** GET /api/v2/personFields: person label id → name; read once. */
  readonly labels = cached(() => this.#readLabels());
  /** GET /api/v2/stages: deal stage id → name; read once. */
  readonly stages = cached(() => this.#readStages());

  constructor(http: PipedriveHttp) {
    this.#http = http;
  }

  /** v2 list read by `ids=` in batches of IDS_BATCH; ids Pipedrive does not return are absent. */
  async byIds<T extends { id: number }>(path: string, ids: readonly number[]): Promise<Map<number, T>> {
    const unique = [...new Set(ids)];
    const batches: number[][] = [];
    for (let i = 0; i < unique.length; i += IDS_BATCH) batches.push(unique.slice(i, i + IDS_BATCH));
    const pages = await Promise.all(batches.map((batch) => this.all<T>(path, { ids: batch.join(','), limit: String(IDS_BATCH) })));
    return new Map(pages.flat().map((record) => [record.id, record]));
  }

  /** Every page of a v2 cursor list (additional_data.next_cursor until null). */
  async all<T>(path: string, params: Record<string, string>): Promise<T[]> {
    const records: T[] = [];
    let cursor: string | null | undefined;
    do {
      const query = new URLSearchParams({ limit: String(PAGE), ...params, ...(cursor ? { cursor } : {}) });
      const { data, additional_data: extra } = await this.#http.request<T[]>({ method: 'GET', path: `${path}?${query}`, idempotent: true });
      records.push(...(data ?? []));
      cursor = (extra as Cursor)?.next_cursor;
    } while (cursor);
    return records;
  }

  async #readAccount(): Promise<Account> {
    const { data } = await this.#http.request<{ company_domain?: string | null; company_id?: number | null }>({
      method: 'GET', path: '/api/v1/users/me', idempotent: true,
    });
    const domain = data?.company_domain?.trim().toLowerCase();
    return { domain: domain && /^[a-z0-9-]+$/.test(domain) ? domain : null, companyId: data?.company_id ?? null };
  }

  async #readUsers(): Promise<Map<number, string>> {
    const { data } = await this.#http.request<Array<{ id: number; name?: string; email?: string }>>({ method: 'GET', path: '/api/v1/users', idempotent: true });
    return new Map((data ?? []).map((u) => [u.id, u.name?.trim() || u.email || String(u.id)]));
  }

  /** Person label ids → names: the options of the person field whose code is label_ids (or the older label). */
  async #readLabels(): Promise<Map<number, string>> {
    const fields = await this.all<{ field_code: string; options?: Array<{ id: number | string; label: string }> | null }>('/api/v2/personFields', {});
    const field = fields.find((f) => f.field_code === 'label_ids') ?? fields.find((f) => f.field_code === 'label');
    return new Map((field?.options ?? []).map((o) => [Number(o.id), o.label]));
  }

  async #readStages(): Promise<Map<number, string>> {
    const stages = await this.all<{ id: number; name: string }>('/api/v2/stages', {});
    return new Map(stages.map((s) => [s.id, s.name]));
  }
}
