// Microsoft Graph v1.0 mail adapter: the calls a sync needs (folders, per-folder message
// delta, raw MIME), kept inside Outlook's per-mailbox limits — 4 concurrent requests,
// 10,000 requests per 10 minutes, 429 with Retry-After — through the shared RequestPacer.
// References: https://learn.microsoft.com/graph/delta-query-messages
//             https://learn.microsoft.com/graph/outlook-get-mime-message
//             https://learn.microsoft.com/graph/throttling-limits#outlook-service-limits
import { AuthenticationHandler, Client, HTTPMessageHandler, ResponseType, type AuthenticationProvider } from '@microsoft/microsoft-graph-client';
import { createLogger } from '../../platform/logger.ts';
import { TimeoutHandler } from './graph-timeout.ts';
import { REQUEST_TIMEOUT_MS, RequestPacer, statusOf, type PacingStats } from './request-pacing.ts';
import { DeltaExpiredError, EXCLUDED_WELL_KNOWN_FOLDERS, type DeltaChange, type DeltaPage, type GraphFolderInfo, type RawDeltaItem, type RawFolder } from './graph-types.ts';

export { DeltaExpiredError, EXCLUDED_WELL_KNOWN_FOLDERS, type DeltaChange, type DeltaPage, type GraphFolderInfo } from './graph-types.ts';

const log = createLogger('mail.graph');

export const GRAPH_URL = 'https://graph.microsoft.com/v1.0';
/** Outlook's limits per app per mailbox. */
export const OUTLOOK_CONCURRENT_REQUESTS = 4;
export const OUTLOOK_REQUESTS_PER_10_MINUTES = 10_000;
export const OUTLOOK_WINDOW_MS = 600_000;

/**
 * Ids that survive moves between folders (https://learn.microsoft.com/graph/outlook-immutable-id):
 * a move then shows up as @removed in one folder and the same id in another, so the message is
 * re-filed instead of fetched again.
 */
export const IMMUTABLE_IDS = 'IdType="ImmutableId"';

/** The fields a sync reads from each delta item. */
const DELTA_SELECT = 'id,conversationId,parentFolderId,receivedDateTime,isRead,flag';

export interface GraphProviderOptions {
  /** A bearer token for Graph; called before each request (cache it: MicrosoftTokenSource does). */
  getAccessToken(): Promise<string>;
  /** Graph answered 401: drop the cached token so the next getAccessToken refreshes (the request is retried once). */
  onUnauthorized?(): void;
  /** Graph base including the version: https://graph.microsoft.com/v1.0 (default) or an emulator's. */
  graphUrl?: string;
  /** Requests in flight at once (default 4, Outlook's limit). */
  concurrency?: number;
  /** Requests per window to pace at (default 10,000); null turns pacing off. */
  requestsPerWindow?: number | null;
  /** The budget's window, ms (default 600,000). Shrink it together with the server's in benchmarks. */
  windowMs?: number;
  /** Delta page size asked for with Prefer: odata.maxpagesize (default 200). */
  pageSize?: number;
  /** Attempts per request for 5xx/transport failures (default 6); 429s are retried separately. */
  attempts?: number;
  /** How long one request may take, body included, before it is abandoned and retried, ms (default REQUEST_TIMEOUT_MS). */
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** Splits "https://host/v1.0" into the client's baseUrl and defaultVersion. */
function splitGraphUrl(graphUrl: string): { baseUrl: string; version: string; host: string } {
  const url = new URL(graphUrl.replace(/\/+$/, ''));
  const parts = url.pathname.split('/').filter(Boolean);
  const version = parts.pop() ?? 'v1.0';
  const prefix = parts.length ? `/${parts.join('/')}` : '';
  return { baseUrl: `${url.origin}${prefix}/`, version, host: url.hostname };
}

/**
 * A Graph client for `graphUrl` that sends the bearer token only to that host (https) and
 * times requests out; no RetryHandler in the chain, as the callers pace and retry themselves.
 */
export function graphClient(options: { graphUrl?: string | undefined; getAccessToken(): Promise<string>; timeoutMs?: number | undefined }): Client {
  const { baseUrl, version, host } = splitGraphUrl(options.graphUrl ?? GRAPH_URL);
  const authProvider: AuthenticationProvider = { getAccessToken: () => options.getAccessToken() };
  return Client.initWithMiddleware({
    baseUrl,
    defaultVersion: version,
    customHosts: new Set([host]),
    middleware: [new AuthenticationHandler(authProvider), new TimeoutHandler(options.timeoutMs ?? REQUEST_TIMEOUT_MS), new HTTPMessageHandler()],
  });
}

export class GraphProvider {
  readonly #client: Client;
  readonly #pacer: RequestPacer;
  readonly #pageSize: number;
  readonly #getAccessToken: () => Promise<string>;
  readonly #onUnauthorized: (() => void) | undefined;

  constructor(options: GraphProviderOptions) {
    this.#getAccessToken = options.getAccessToken;
    this.#onUnauthorized = options.onUnauthorized;
    // The pacer retries, so a 429 pauses the whole mailbox.
    this.#client = graphClient(options);
    this.#pageSize = options.pageSize ?? 200;
    const perWindow = options.requestsPerWindow === undefined ? OUTLOOK_REQUESTS_PER_10_MINUTES : options.requestsPerWindow;
    this.#pacer = new RequestPacer({
      concurrency: options.concurrency ?? OUTLOOK_CONCURRENT_REQUESTS,
      budget: perWindow ? { limit: perWindow, intervalMs: options.windowMs ?? OUTLOOK_WINDOW_MS } : null,
      ...(options.attempts ? { attempts: options.attempts } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      service: 'Microsoft Graph',
      log,
    });
  }

  /** Counters for benchmarks and diagnostics (requests, retries, 429s, requests given up). */
  get stats(): PacingStats {
    return this.#pacer.stats;
  }

  /** GET /me: who owns the mailbox (https://learn.microsoft.com/graph/api/user-get). */
  async getMe(): Promise<{ id: string; mail: string; displayName: string }> {
    const me = await this.#request('me', () =>
      this.#client.api('/me').select('id,displayName,mail,userPrincipalName').get() as Promise<Record<string, string | null>>,
    );
    return { id: me.id ?? '', mail: (me.mail ?? me.userPrincipalName ?? '').toLowerCase(), displayName: me.displayName ?? '' };
  }

  /**
   * Every mail folder, top-level and nested, with display paths, Deleted Items and Junk Email marked excluded
   * (https://learn.microsoft.com/graph/api/user-list-mailfolders, mailfolder-list-childfolders).
   */
  async listFolders(): Promise<GraphFolderInfo[]> {
    const out: GraphFolderInfo[] = [];
    const walk = async (path: string, parent: RawFolder | null): Promise<void> => {
      const link = parent ? `/me/mailFolders/${encodeURIComponent(parent.id)}/childFolders` : '/me/mailFolders';
      const folders = await this.#collect<RawFolder>(`${link}?$top=100&$select=id,displayName,parentFolderId,childFolderCount,totalItemCount`);
      await Promise.all(
        folders.map(async (f) => {
          const name = f.displayName ?? f.id;
          const folderPath = path ? `${path}/${name}` : name;
          out.push({
            id: f.id,
            displayName: name,
            path: folderPath,
            parentFolderId: f.parentFolderId ?? null,
            totalItemCount: f.totalItemCount ?? 0,
            topLevel: parent === null,
            excluded: false,
          });
          if ((f.childFolderCount ?? 0) > 0) await walk(folderPath, f);
        }),
      );
    };
    await walk('', null);
    const excludedIds = new Set<string>();
    await Promise.all(
      EXCLUDED_WELL_KNOWN_FOLDERS.map(async (name) => {
        try {
          const folder = await this.#request('list', () => this.#client.api(`/me/mailFolders/${name}`).select('id').get() as Promise<{ id?: string }>);
          if (folder.id) excludedIds.add(folder.id);
        } catch (error) {
          if (statusOf(error) !== 404) throw error; // a mailbox without that folder
        }
      }),
    );
    const excludedPaths = out.filter((f) => excludedIds.has(f.id)).map((f) => f.path);
    for (const f of out) f.excluded = excludedPaths.some((p) => f.path === p || f.path.startsWith(`${p}/`));
    return out.sort((a, b) => a.path.localeCompare(b.path));
  }

  /** A top-level folder by its well-known name (inbox, sentitems, archive), as listFolders describes it (user-get-mailfolder). */
  async wellKnownFolder(name: string): Promise<GraphFolderInfo> {
    const f = await this.#request('folder', () => this.#client.api(`/me/mailFolders/${name}`).select('id,displayName,parentFolderId,totalItemCount').get() as Promise<RawFolder>);
    const displayName = f.displayName ?? f.id;
    return { id: f.id, displayName, path: displayName, parentFolderId: f.parentFolderId ?? null, totalItemCount: f.totalItemCount ?? 0, topLevel: true, excluded: false };
  }

  /**
   * One folder's message delta round: the first page from `deltaLink` (or from scratch when
   * null), then each @odata.nextLink until the page that carries @odata.deltaLink. Throws
   * DeltaExpiredError on 410 (syncStateNotFound) at any page.
   */
  async *delta(folderId: string, deltaLink: string | null): AsyncGenerator<DeltaPage> {
    let link: string | undefined = deltaLink ?? `/me/mailFolders/${encodeURIComponent(folderId)}/messages/delta?$select=${DELTA_SELECT}`;
    while (link) {
      const current: string = link;
      let page: { value?: RawDeltaItem[]; '@odata.nextLink'?: string; '@odata.deltaLink'?: string };
      try {
        page = await this.#request('delta', () =>
          this.#client.api(current).header('Prefer', `odata.maxpagesize=${this.#pageSize}, ${IMMUTABLE_IDS}`).get() as Promise<typeof page>,
        );
      } catch (error) {
        if (statusOf(error) === 410 || (error as { code?: unknown }).code === 'syncStateNotFound') throw new DeltaExpiredError(folderId);
        throw error;
      }
      const changes: DeltaChange[] = [];
      for (const item of page.value ?? []) {
        if (!item.id) continue;
        if (item['@removed']) {
          changes.push({ kind: 'removed', id: item.id });
          continue;
        }
        const received = item.receivedDateTime ? Date.parse(item.receivedDateTime) : Number.NaN;
        changes.push({
          kind: 'upsert',
          id: item.id,
          conversationId: item.conversationId ?? null,
          folderId: item.parentFolderId ?? folderId,
          receivedAt: Number.isNaN(received) ? null : received,
          isRead: typeof item.isRead === 'boolean' ? item.isRead : null,
          flagged: item.flag?.flagStatus ? item.flag.flagStatus === 'flagged' : null,
        });
      }
      link = page['@odata.nextLink'];
      yield link ? { changes } : { changes, ...(page['@odata.deltaLink'] ? { deltaLink: page['@odata.deltaLink'] } : {}) };
    }
  }

  /** GET /me/messages/{id}/$value: the RFC 5322 source. Null when the message is gone (404). */
  async getMime(id: string): Promise<Uint8Array | null> {
    try {
      const body = await this.#request('mime', () =>
        this.#client.api(`/me/messages/${encodeURIComponent(id)}/$value`).header('Prefer', IMMUTABLE_IDS).responseType(ResponseType.ARRAYBUFFER).get() as Promise<ArrayBuffer>,
      );
      return new Uint8Array(body);
    } catch (error) {
      if (statusOf(error) === 404) return null;
      throw error;
    }
  }

  /** Drops requests not yet started (a cancelled sync); requests in flight finish. */
  close(): void {
    this.#pacer.clear();
  }

  /**
   * A request through the pacer. The token is asked for first, outside the Graph client,
   * which would otherwise wrap a ReconnectRequiredError into a GraphError and lose it.
   */
  #request<T>(what: string, send: () => Promise<T>): Promise<T> {
    let refreshed = false;
    return this.#pacer.run(async () => {
      await this.#getAccessToken();
      try {
        return await send();
      } catch (error) {
        // A token revoked or expired early: refresh once; a dead grant then throws ReconnectRequiredError.
        if (statusOf(error) !== 401 || refreshed || !this.#onUnauthorized) throw error;
        refreshed = true;
        log.warn('graph answered 401; refreshing the access token', { what });
        this.#onUnauthorized();
        await this.#getAccessToken();
        return send();
      }
    }, { what });
  }

  /** Every item of a collection, following @odata.nextLink. */
  async #collect<T>(first: string): Promise<T[]> {
    const items: T[] = [];
    let link: string | undefined = first;
    while (link) {
      const current: string = link;
      const page = await this.#request('list', () => this.#client.api(current).get() as Promise<{ value?: T[]; '@odata.nextLink'?: string }>);
      items.push(...(page.value ?? []));
      link = page['@odata.nextLink'];
    }
    return items;
  }
}
