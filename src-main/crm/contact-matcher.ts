// Finds which of the rep's correspondents are CRM contacts: every stored address that is
// neither the rep's own, already cached, nor recently looked up in vain is asked of the CRM
// in batches; hits are cached (timelines work offline), misses remembered with checked_at.
import { createLogger } from '../platform/logger.ts';
import type { ProfileStore } from '../store/profile-store.ts';
import type { CrmConnection } from './crm-connection.ts';
import type { CrmConnector } from './types.ts';

const log = createLogger('crm.contacts');

export interface ContactMatchOptions {
  /** Addresses per findContactsByEmail call. Default the connector's matchBatchSize, else 100. */
  batchSize?: number;
  /** A miss is trusted this long (ms) before the address is asked again. Default 24 h. */
  missTtlMs?: number;
  /** Stop after this many addresses (a first run over a big mailbox continues next time). Default 5,000. */
  maxAddresses?: number;
  now?: () => number;
  signal?: AbortSignal;
}

export interface ContactMatchResult {
  /** Addresses asked of the CRM. */
  checked: number;
  /** Contacts found and cached. */
  found: number;
  /** Whether addresses remain for a later run. */
  more: boolean;
}

export const DEFAULT_MISS_TTL_MS = 24 * 60 * 60_000;
/** Address ids per scan window (bounded main-thread time per statement). */
const SCAN_WINDOW = 5_000;

/**
 * One matching pass. When nothing is new it costs index probes only, in windows of 5,000
 * addresses (~5 ms each) with a yield between. Rejects with the
 * connector's error (CrmAuthError, CrmUnreachableError, …); batches done before the failure stay cached.
 */
export async function matchContacts(store: ProfileStore, connector: CrmConnector, options: ContactMatchOptions = {}): Promise<ContactMatchResult> {
  const now = options.now ?? Date.now;
  const batchSize = options.batchSize ?? connector.matchBatchSize ?? 100;
  const max = options.maxAddresses ?? 5_000;
  const own = store.accounts.list().map((a) => a.email);
  const since = now() - (options.missTtlMs ?? DEFAULT_MISS_TTL_MS);
  const last = store.contacts.lastAddressId();
  let after = 0;
  let checked = 0;
  let found = 0;
  while (after < last) {
    options.signal?.throwIfAborted();
    // Address ids are scanned in windows (~1 ms per 1,000 rows) with a yield between them,
    // so a pass over 100,000 correspondents never holds the main thread for long.
    const until = after + SCAN_WINDOW;
    const batch = store.contacts.unmatchedAddresses(connector.crm, { own, since, after, until, limit: Math.min(batchSize, max - checked) });
    if (batch.length === 0) {
      after = until;
      await new Promise((resolve) => setImmediate(resolve));
      continue;
    }
    after = batch.at(-1)!.id;
    const emails = batch.map((b) => b.address);
    const contacts = await findContacts(connector, emails);
    store.contacts.upsert(connector.crm, contacts);
    const hits = new Set(contacts.map((c) => c.email.toLowerCase()));
    store.contacts.recordMisses(connector.crm, emails.filter((e) => !hits.has(e)));
    checked += emails.length;
    found += contacts.length;
    if (checked >= max) {
      log.info('contact matching paused after its batch budget', { checked, found });
      return { checked, found, more: true };
    }
  }
  return { checked, found, more: false };
}

/** Looks `emails` up now and caches what is found (misses too). Resolves to the contacts found. */
export async function lookUpContacts(store: ProfileStore, connector: CrmConnector, emails: readonly string[]) {
  const unique = [...new Set(emails.map((e) => e.toLowerCase()))];
  if (!unique.length) return [];
  const contacts = await findContacts(connector, unique);
  store.contacts.upsert(connector.crm, contacts);
  const hits = new Set(contacts.map((c) => c.email.toLowerCase()));
  store.contacts.recordMisses(connector.crm, unique.filter((e) => !hits.has(e)));
  return contacts;
}

async function findContacts(connector: CrmConnector, emails: readonly string[]) {
  const wanted = new Set(emails);
  // A connector may return a contact whose primary email differs in case; keep those asked for.
  return (await connector.findContactsByEmail(emails))
    .map((c) => ({ ...c, email: c.email.trim().toLowerCase() }))
    .filter((c) => wanted.has(c.email));
}

/**
 * Matching passes for the CRM service: one at a time, and a request during a pass runs one
 * more pass after it (new mail may have arrived since it began). Failures are noted on the
 * connection (refused token, unreachable) and logged; run() never rejects.
 */
export class ContactMatching {
  readonly #store: ProfileStore;
  readonly #connection: CrmConnection;
  readonly #options: Pick<ContactMatchOptions, 'now' | 'missTtlMs'> & { signal: AbortSignal };
  #matching: Promise<ContactMatchResult | null> | null = null;
  #rematch: Promise<ContactMatchResult | null> | null = null;

  constructor(store: ProfileStore, connection: CrmConnection, options: Pick<ContactMatchOptions, 'now' | 'missTtlMs'> & { signal: AbortSignal }) {
    this.#store = store;
    this.#connection = connection;
    this.#options = options;
  }

  /** Resolves to the pass's result, or null when not connected or the pass failed. */
  run(): Promise<ContactMatchResult | null> {
    if (this.#matching) {
      return (this.#rematch ??= this.#matching.then(() => {
        this.#rematch = null;
        return this.run();
      }));
    }
    const connector = this.#connection.usable();
    if (!connector) return Promise.resolve(null);
    this.#matching = matchContacts(this.#store, connector, this.#options)
      .then((result) => {
        this.#connection.markReachable();
        if (result.found) log.info('contacts matched', { found: result.found, checked: result.checked });
        return result;
      })
      .catch((error: unknown) => {
        const failure = this.#connection.noteFailure(error);
        if (failure.kind !== 'auth' && failure.kind !== 'unreachable' && !this.#options.signal.aborted) {
          log.warn('contact matching failed', { error });
        }
        return null;
      })
      .finally(() => {
        this.#matching = null;
      });
    return this.#matching;
  }

  /** Resolves once no pass is running or queued. */
  async settled(): Promise<void> {
    await this.#matching;
    await this.#rematch;
  }
}
