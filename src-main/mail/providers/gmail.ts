// Gmail API v1 adapter: the calls a sync needs, paced to stay inside Gmail's per-user
// quota and retried the way Google asks (honour Retry-After on 429, back off on 5xx).
// Reference: https://developers.google.com/gmail/api/reference/rest
//            https://developers.google.com/gmail/api/reference/quota
import { gmail, type gmail_v1 } from '@googleapis/gmail';
import type { OAuth2Client } from 'google-auth-library';
import type { IncomingMessage } from '../types.ts';
import { createLogger } from '../../platform/logger.ts';
import { REQUEST_TIMEOUT_MS, RequestPacer, statusOf, type PacingStats } from './request-pacing.ts';

const log = createLogger('mail.gmail');

/** Quota units per call (developers.google.com/gmail/api/reference/quota). */
export const GMAIL_QUOTA_UNITS = {
  getProfile: 1,
  labelsList: 1,
  messagesList: 5,
  messagesGet: 5,
  historyList: 2,
} as const;

/** Gmail's per-user limit: 15,000 units per minute, i.e. 250 units per second. */
export const GMAIL_UNITS_PER_SECOND = 250;

export interface GmailProviderOptions {
  auth: OAuth2Client;
  /** API root, e.g. "https://gmail.googleapis.com/" or an emulator's URL (with trailing slash). */
  rootUrl?: string;
  /** Quota units per second to stay under; null disables pacing (emulator without quota). */
  unitsPerSecond?: number | null;
  /** Requests in flight at once. */
  concurrency?: number;
  /** Attempts per request on 5xx, timeouts and dropped connections, counting the first (default 6); 429s have their own allowance (RequestPacer). */
  attempts?: number;
  /**
   * How long one request may take, body included, before it is abandoned and retried like a
   * dropped connection, ms (default REQUEST_TIMEOUT_MS). Gmail's client sets none, so without
   * it a server that stops answering would hold the sync forever.
   */
  timeoutMs?: number;
  /**
   * Aborting rejects every request not yet sent (waiting for a slot or for quota) with the
   * signal's reason; requests already sent finish, so what they fetched can still be stored.
   */
  signal?: AbortSignal;
}

/** startHistoryId is older than Gmail keeps (HTTP 404): the caller must run a full sync. */
export class HistoryExpiredError extends Error {
  constructor(startHistoryId: string) {
    super(`history from ${startHistoryId} is no longer available`);
    this.name = 'HistoryExpiredError';
  }
}

/** Ids of one messages.list page. */
export interface MessageRef {
  id: string;
  threadId: string;
}

/** The changes one history.list walk found, already folded per message. */
export interface HistoryChanges {
  added: MessageRef[];
  deleted: string[];
  labelChanges: Array<{ id: string; added: string[]; removed: string[] }>;
  /** The mailbox's historyId at the end of the walk: the next cursor. */
  historyId: string;
}

export class GmailProvider {
  readonly #api: gmail_v1.Gmail;
  readonly #pacer: RequestPacer;
  readonly #timeoutMs: number;

  constructor(options: GmailProviderOptions) {
    this.#api = gmail({ version: 'v1', auth: options.auth, rootUrl: options.rootUrl ?? 'https://gmail.googleapis.com/' });
    this.#timeoutMs = options.timeoutMs ?? REQUEST_TIMEOUT_MS;
    const ups = options.unitsPerSecond === undefined ? GMAIL_UNITS_PER_SECOND : options.unitsPerSecond;
    // Concurrency and quota are separate limits; the pacer spreads the quota in 100 ms slices
    // so requests flow evenly instead of bursting at each second's start. (Bottleneck was
    // tried first: its scheduler serialised jobs at ~4 ms each, capping sync at ~250/s.)
    // A 429 pauses the whole mailbox: the quota is per user, not per request.
    this.#pacer = new RequestPacer({
      concurrency: options.concurrency ?? 16,
      budget: ups ? { limit: Math.max(GMAIL_QUOTA_UNITS.messagesGet, ups), intervalMs: 1_000 } : null,
      ...(options.attempts ? { attempts: options.attempts } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      service: 'Gmail',
      log,
    });
  }

  /** Counters for benchmarks and diagnostics (requests, retries, 429s, quota units spent). */
  get stats(): PacingStats {
    return this.#pacer.stats;
  }

  /** users.getProfile: the address and the current historyId. */
  async getProfile(): Promise<{ emailAddress: string; historyId: string; messagesTotal: number }> {
    const data = await this.#call(GMAIL_QUOTA_UNITS.getProfile, (o) => this.#api.users.getProfile({ userId: 'me' }, o));
    return { emailAddress: data.emailAddress ?? '', historyId: String(data.historyId ?? ''), messagesTotal: data.messagesTotal ?? 0 };
  }

  /** labels.list: id → name of every label. */
  async listLabels(): Promise<Array<{ id: string; name: string; type: string }>> {
    const data = await this.#call(GMAIL_QUOTA_UNITS.labelsList, (o) => this.#api.users.labels.list({ userId: 'me' }, o));
    return (data.labels ?? []).map((l) => ({ id: l.id ?? '', name: l.name ?? l.id ?? '', type: l.type ?? 'user' }));
  }

  /** messages.list, every page (500 ids each), spam and trash excluded as Gmail's UI does. */
  async *listMessageRefs(): AsyncGenerator<{ refs: MessageRef[]; resultSizeEstimate: number }> {
    let pageToken: string | undefined;
    do {
      const data = await this.#call(GMAIL_QUOTA_UNITS.messagesList, (o) =>
        this.#api.users.messages.list({ userId: 'me', maxResults: 500, ...(pageToken ? { pageToken } : {}) }, o),
      );
      const refs = (data.messages ?? []).map((m) => ({ id: m.id ?? '', threadId: m.threadId ?? '' }));
      yield { refs, resultSizeEstimate: data.resultSizeEstimate ?? refs.length };
      pageToken = data.nextPageToken ?? undefined;
    } while (pageToken);
  }

  /** messages.get format=raw. Returns null when the message was deleted meanwhile (404). */
  async getMessage(id: string): Promise<IncomingMessage | null> {
    try {
      const data = await this.#call(GMAIL_QUOTA_UNITS.messagesGet, (o) =>
        this.#api.users.messages.get({ userId: 'me', id, format: 'raw' }, o),
      );
      return {
        providerMessageId: data.id ?? id,
        providerThreadId: data.threadId ?? null,
        labels: data.labelIds ?? [],
        internalDate: data.internalDate ? Number(data.internalDate) : null,
        raw: Buffer.from(data.raw ?? '', 'base64url'),
      };
    } catch (error) {
      if (statusOf(error) === 404) return null;
      throw error;
    }
  }

  /**
   * history.list from `startHistoryId` through every page, folded per message.
   * Throws HistoryExpiredError on 404 (developers.google.com/gmail/api/guides/sync#partial).
   */
  async listHistory(startHistoryId: string): Promise<HistoryChanges> {
    const added = new Map<string, MessageRef>();
    const deleted = new Set<string>();
    const labels = new Map<string, { added: Set<string>; removed: Set<string> }>();
    const labelEntry = (id: string) => {
      let entry = labels.get(id);
      if (!entry) labels.set(id, (entry = { added: new Set(), removed: new Set() }));
      return entry;
    };
    let pageToken: string | undefined;
    let historyId = startHistoryId;
    do {
      let data: gmail_v1.Schema$ListHistoryResponse;
      try {
        data = await this.#call(GMAIL_QUOTA_UNITS.historyList, (o) =>
          this.#api.users.history.list(
            { userId: 'me', startHistoryId, maxResults: 500, ...(pageToken ? { pageToken } : {}) },
            o,
          ),
        );
      } catch (error) {
        if (statusOf(error) === 404) throw new HistoryExpiredError(startHistoryId);
        throw error;
      }
      for (const record of data.history ?? []) {
        for (const { message } of record.messagesAdded ?? []) {
          if (!message?.id) continue;
          deleted.delete(message.id);
          added.set(message.id, { id: message.id, threadId: message.threadId ?? '' });
        }
        for (const { message } of record.messagesDeleted ?? []) {
          if (!message?.id) continue;
          added.delete(message.id);
          labels.delete(message.id);
          deleted.add(message.id);
        }
        for (const change of record.labelsAdded ?? []) {
          if (!change.message?.id) continue;
          const entry = labelEntry(change.message.id);
          for (const l of change.labelIds ?? []) {
            entry.added.add(l);
            entry.removed.delete(l);
          }
        }
        for (const change of record.labelsRemoved ?? []) {
          if (!change.message?.id) continue;
          const entry = labelEntry(change.message.id);
          for (const l of change.labelIds ?? []) {
            entry.removed.add(l);
            entry.added.delete(l);
          }
        }
      }
      if (data.historyId) historyId = String(data.historyId);
      pageToken = data.nextPageToken ?? undefined;
    } while (pageToken);
    return {
      added: [...added.values()],
      deleted: [...deleted],
      labelChanges: [...labels]
        .filter(([id]) => !deleted.has(id))
        .map(([id, c]) => ({ id, added: [...c.added], removed: [...c.removed] })),
      historyId,
    };
  }

  /** Drops requests not yet started (a cancelled sync); requests in flight finish. */
  async close(): Promise<void> {
    this.#pacer.clear();
  }

  /**
   * One API call through the pacer: retried on 429 (after Retry-After, pausing the mailbox),
   * 5xx, timeouts and network errors with exponential backoff and jitter; other errors fail
   * at once, and one still failing after the last attempt is ProviderUnavailableError.
   */
  #call<T>(units: number, request: (options: { retry: false; timeout: number }) => Promise<{ data: T }>): Promise<T> {
    return this.#pacer.run(async () => (await request({ retry: false, timeout: this.#timeoutMs })).data, { units });
  }
}
