// Which Pipedrive persons own a set of email addresses, in few requests. Pipedrive searches one
// term per request, so 5,000 addresses are 5,000 searches (~18 minutes under the Search API's
// 10 per 2 s); the v2 person list gives 500 persons per request with all their emails, so a
// CRM of a few thousand persons is matched locally in a handful of pages. Which is cheaper
// depends on the size of the CRM, which Pipedrive does not say, so the rule decides as it pages.
// Sources: openapi/upstream/v2.yaml in github.com/juhokoskela/pipedrive-go — GET /persons
// (getPersons: cursor, limit "a maximum value of 500", x-token-cost 10) and GET /persons/search
// (searchPersons: term, fields=email, exact_match, x-token-cost 20); the Search API's own burst
// limit: pipedrive.readme.io/docs/core-api-concepts-rate-limiting.
import type { PipedriveHttp } from './pipedrive-http.ts';
import type { Cursor, Person, SearchItem } from './pipedrive-records.ts';

/** Persons per list page: the most v2 GET /persons gives. */
export const PERSON_PAGE = 500;
/**
 * Fewer addresses than this are always searched: they all go out in one burst of the Search API
 * window (10 per 2 s), so they answer in about one round trip, and a list page would carry up to
 * 500 persons to save a few requests.
 */
export const LIST_FROM_ADDRESSES = 10;

export interface PersonMatches {
  /** Address → the first person, by id, with that address among its emails (from the list). */
  listed: Map<string, Person>;
  /** Address → the first exact search hit (its full person record still to be read by id). */
  searched: Map<string, SearchItem>;
}

export class PersonMatcher {
  readonly #http: PipedriveHttp;
  readonly #listFrom: number;
  /**
   * How many pages the person list is known to have: exact after a listing that reached the
   * end, else one more than a stopped listing read. Kept per connector, so the contact
   * matcher's batches do not each pay to learn again that the CRM is too large to list.
   */
  #knownPages = 0;

  constructor(http: PipedriveHttp, listFrom = LIST_FROM_ADDRESSES) {
    this.#http = http;
    this.#listFrom = listFrom;
  }

  /**
   * The persons behind `emails` (lower-cased, unique, each with "@"); addresses of no person are
   * in neither map. The rule, with U addresses and P the pages read so far:
   * - U < listFrom, or the list is known to have at least U pages: one search per address.
   * - Otherwise GET /api/v2/persons?limit=500&sort_by=id (cursor pages), matching every email of
   *   every person case-insensitively and keeping only matched persons; the next page is read
   *   only while P is below the addresses still unmatched, the searches it could save. A list
   *   that ends leaves no address to search; one that stops leaves at most P, then searched.
   * So the list never costs more requests than the searches it replaces: at worst (a CRM far
   * larger than the batch, none of it matching) P + (searches) ≤ 2U requests and ≤ 1.5× the
   * search tokens (10 per page, 20 per search); and a CRM of N persons costs ⌈N/500⌉ pages and
   * no search whenever the addresses it does not hold outnumber those pages. Where two persons
   * share an address the lower id wins on the list, the first hit in the search. Throws the
   * CrmErrors of PipedriveHttp.request.
   */
  async match(emails: readonly string[]): Promise<PersonMatches> {
    const listed = new Map<string, Person>();
    const list = emails.length >= this.#listFrom && this.#knownPages < emails.length;
    const rest = list ? await this.#list(emails, listed) : emails;
    const hits = await Promise.all(rest.map((email) => this.#search(email)));
    const searched = new Map(rest.flatMap((email, i) => (hits[i] ? [[email, hits[i]] as const] : [])));
    return { listed, searched };
  }

  /** Pages through the person list under the rule above; resolves to the addresses left to search. */
  async #list(emails: readonly string[], listed: Map<string, Person>): Promise<string[]> {
    const unmatched = new Set(emails);
    let pages = 0;
    let cursor: string | null | undefined;
    do {
      const query = new URLSearchParams({ limit: String(PERSON_PAGE), sort_by: 'id', sort_direction: 'asc', ...(cursor ? { cursor } : {}) });
      const { data, additional_data: extra } = await this.#http.request<Person[]>({ method: 'GET', path: `/api/v2/persons?${query}`, idempotent: true });
      pages += 1;
      for (const person of data ?? []) {
        for (const item of person.emails ?? []) {
          const email = item.value?.trim().toLowerCase();
          if (email && unmatched.delete(email)) listed.set(email, person);
        }
      }
      cursor = (extra as Cursor)?.next_cursor;
    } while (cursor && unmatched.size > pages);
    this.#knownPages = cursor ? pages + 1 : pages;
    return cursor ? [...unmatched] : [];
  }

  /** GET /api/v2/persons/search?term=…&fields=email&exact_match=true: the first item holding exactly `email`. */
  async #search(email: string): Promise<SearchItem | null> {
    const query = new URLSearchParams({ term: email, fields: 'email', exact_match: 'true', limit: '10' });
    const { data } = await this.#http.request<{ items?: Array<{ item: SearchItem }> }>({
      method: 'GET', path: `/api/v2/persons/search?${query}`, search: true, idempotent: true,
    });
    const items = (data?.items ?? []).map((i) => i.item);
    return items.find((item) => item.emails?.some((e) => e.trim().toLowerCase() === email)) ?? null;
  }
}
