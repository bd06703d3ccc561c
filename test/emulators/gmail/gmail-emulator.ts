// An in-process Gmail API v1 server over HTTPS for tests and benchmarks: the real
// @googleapis/gmail client talks to it unchanged. It adds what a test needs and Gmail
// cannot give: run-time faults (quota, latency, 5xx, expired history) and mailbox mutations.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { readMailbox } from '../../../src-main/mail/import/mailbox-reader.ts';
import { createLogger } from '../../../src-main/platform/logger.ts';
import { TransportFaults } from '../transport-faults.ts';
import { SendLedger } from '../send-ledger.ts';
import { readBody, sendJson, sendTruncated, startHttpsServer, type StartedServer } from '../http-server.ts';
import { route } from './api.ts';
import { handleAdmin } from './admin.ts';
import { GoogleApiError, notFound, rateLimited, serverError, unauthenticated } from './google-errors.ts';
import { GmailMailbox, type StoredMessage } from './mailbox.ts';
import { QUOTA_COST, QuotaBuckets } from './quota.ts';
import { seededRandom } from '../../../scripts/seeded-random.ts';

const log = createLogger('emulator.gmail');

/** Knobs a test may change at any time (also POST /__admin/settings). */
export interface GmailEmulatorSettings {
  /** Enforce the per-user token bucket (429 rateLimitExceeded + Retry-After). */
  quota: boolean;
  /** Bucket size and refill per second; Gmail's per-user limit is 250 units/s. */
  quotaUnitsPerSecond: number;
  /** Fixed delay before every API answer, ms. */
  latencyMs: number;
  /** Fraction (0..1) of API requests answered with `errorStatus`, from a seeded PRNG. */
  errorRate: number;
  errorStatus: number;
}

export interface GmailEmulatorOptions {
  /** maildir / mbox / .eml folder loaded at start() through readMailbox. */
  mailbox?: string;
  /** Labels given to loaded mail. Default ['INBOX', 'UNREAD']. */
  labelIds?: string[];
  /** users.getProfile emailAddress. Default: the verified identity's email, else "me@mailbridge.test". */
  emailAddress?: string;
  /** Checks a bearer token; null = 401. Default accepts any non-empty token. */
  verifyAccessToken?: (token: string) => Promise<{ email: string } | null>;
  /** Port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  settings?: Partial<GmailEmulatorSettings>;
  /** history.list retention in records (default 100,000). */
  historyRecords?: number;
  /** TLS certificate and key; default the run's test CA loopback certificate. */
  cert?: string;
  key?: string;
}

export interface GmailEmulatorStats {
  /** Requests received per googleapis method id (e.g. gmail.users.messages.get), all outcomes. */
  requests: Record<string, number>;
  rateLimited: number;
  serverErrors: number;
  /** TLS connections accepted since start. */
  connections: number;
}

/** One accepted messages.send call, as sentMessages() and GET /__admin/sent report it. */
export interface GmailSentMessage {
  id: string;
  threadId: string;
  /** The raw's Message-ID header without angle brackets; null when it had none. */
  messageId: string | null;
  /** The message's labels now; null once it was deleted. */
  labelIds: string[] | null;
  raw: Buffer;
  /** ms since the epoch. */
  internalDate: number;
  /** True when the commit-then-drop fault swallowed this call's answer. */
  answerDropped: boolean;
}

/** A message's state for exactly-once assertions (GET /__admin/messages/{id}). */
export interface GmailMessageState {
  id: string;
  threadId: string;
  labelIds: string[];
  historyId: string;
  messageId: string | null;
}

export class GmailEmulator {
  readonly mailbox: GmailMailbox;
  readonly settings: GmailEmulatorSettings;
  /** Answers cut off mid-body, requests stalled past the client's timeout. */
  readonly faults = new TransportFaults();
  readonly #sent = new SendLedger();
  readonly #options: GmailEmulatorOptions;
  readonly #quota = new QuotaBuckets();
  #server: StartedServer | null = null;
  /** The port the first start bound; a restart listens there again, so a test's "offline" keeps its address. */
  #boundPort = 0;
  #failNext: { count: number; status: number } = { count: 0, status: 503 };
  #stats: Omit<GmailEmulatorStats, 'connections'> = { requests: {}, rateLimited: 0, serverErrors: 0 };
  /** Reproducible error-rate draws across runs. */
  #random = seededRandom(0x2545f491);

  constructor(options: GmailEmulatorOptions = {}) {
    this.#options = options;
    this.mailbox = new GmailMailbox({
      historyRecords: options.historyRecords ?? 100_000,
      ...(options.emailAddress ? { owner: options.emailAddress } : {}),
    });
    this.settings = { quota: false, quotaUnitsPerSecond: 250, latencyMs: 0, errorRate: 0, errorStatus: 503, ...options.settings };
  }

  /** Loads the mailbox (if given) and listens. Returns the root URL (no trailing slash). */
  async start(): Promise<{ url: string }> {
    if (this.#options.mailbox && this.mailbox.size === 0) {
      const labels = this.#options.labelIds ?? ['INBOX', 'UNREAD'];
      for await (const { raw } of readMailbox(this.#options.mailbox)) {
        // Snippets now, not on the first messages.get: a full sync reads every message once.
        this.mailbox.snippet(this.mailbox.add(raw, labels, { record: false }));
      }
      log.info('mailbox loaded', { messages: this.mailbox.size, threads: this.mailbox.threadCount });
    }
    this.#server = await startHttpsServer((req, res) => this.#handle(req, res), {
      port: this.#options.port || this.#boundPort,
      ...(this.#options.cert && this.#options.key ? { cert: this.#options.cert, key: this.#options.key } : {}),
    });
    this.#boundPort = this.#server.port;
    return { url: this.#server.url };
  }

  async stop(): Promise<void> {
    await this.#server?.close();
    this.#server = null;
  }

  get url(): string {
    if (!this.#server) throw new Error('GmailEmulator is not started');
    return this.#server.url;
  }

  /** The mailbox's current historyId. */
  get historyId(): string {
    return String(this.mailbox.history.current);
  }

  /** A message arrives (messagesAdded in history). Labels: ids or names; default INBOX + UNREAD. */
  addMessage(raw: Buffer | string, labelIds: string[] = ['INBOX', 'UNREAD'], options: { internalDate?: number } = {}): StoredMessage {
    return this.mailbox.add(Buffer.from(raw), labelIds, options);
  }

  /** Deletes for good (messagesDeleted in history). False when the id is unknown. */
  deleteMessage(id: string): boolean {
    return this.mailbox.delete(id);
  }

  /** labelsAdded / labelsRemoved in one history record. Undefined when the id is unknown. */
  modifyLabels(id: string, add: string[], remove: string[]): StoredMessage | undefined {
    return this.mailbox.modify(id, add, remove);
  }

  /** Every startHistoryId before the current one now answers 404 (forces a full sync). */
  expireHistory(): void {
    this.mailbox.history.expire();
  }

  /** Every accepted messages.send call, oldest first (a retried send shows twice). */
  sentMessages(): GmailSentMessage[] {
    return this.#sent.list().map((r) => {
      const m = this.mailbox.get(r.id!);
      const threadId = m?.threadId ?? '';
      return { id: r.id!, threadId, messageId: r.messageId, labelIds: m ? [...m.labelIds] : null, raw: r.raw, internalDate: r.at, answerDropped: r.answerDropped };
    });
  }

  /** Accepted messages.send calls whose raw carried Message-ID `messageId` (angle brackets optional). */
  sendCount(messageId: string): number {
    return this.#sent.count(messageId);
  }

  /** Accepted messages.send calls per Message-ID (without angle brackets). */
  sendCounts(): Record<string, number> {
    return this.#sent.counts();
  }

  /** Forgets the accepted sends (the messages stay in the mailbox). */
  clearSent(): void {
    this.#sent.clear();
  }

  /** Labels, thread and historyId of a message; undefined when unknown. */
  messageState(id: string): GmailMessageState | undefined {
    const m = this.mailbox.get(id);
    return m && { id: m.id, threadId: m.threadId, labelIds: [...m.labelIds], historyId: String(m.historyId), messageId: m.messageId };
  }

  /** The next `count` API requests answer `status` (default 503). */
  failNext(count: number, status = 503): void {
    this.#failNext = { count, status };
  }

  stats(): GmailEmulatorStats {
    return {
      requests: { ...this.#stats.requests },
      rateLimited: this.#stats.rateLimited,
      serverErrors: this.#stats.serverErrors,
      connections: this.#server?.connections() ?? 0,
    };
  }

  resetStats(): void {
    this.#stats = { requests: {}, rateLimited: 0, serverErrors: 0 };
    this.#quota.reset();
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'https://emulator.invalid');
    if (url.pathname.startsWith('/__admin/')) return handleAdmin(this, req, res, url);
    const match = /^\/(upload\/)?gmail\/v1\/users\/([^/]+)\/(.+)$/.exec(url.pathname);
    const found = match
      ? route({
        httpMethod: req.method ?? 'GET',
        segments: match[3]!.split('/').map(decodeURIComponent),
        query: url.searchParams,
        upload: Boolean(match[1]),
        headers: req.headers,
        body: () => readBody(req),
      })
      : null;
    const method = found?.method ?? 'unknown';
    this.#stats.requests[method] = (this.#stats.requests[method] ?? 0) + 1;
    try {
      if (this.settings.latencyMs > 0) await sleep(this.settings.latencyMs);
      if (!(await this.faults.stall(req))) return; // the client gave up waiting
      const identity = await this.#authenticate(req);
      if (!found) throw notFound();
      const profileEmail = this.#options.emailAddress ?? identity.email;
      const userId = decodeURIComponent(match![2]!);
      if (userId !== 'me' && userId.toLowerCase() !== profileEmail.toLowerCase()) {
        throw new GoogleApiError(403, 'Delegation denied for ' + identity.email, 'forbidden');
      }
      this.#injectServerError();
      if (this.settings.quota) {
        const wait = this.#quota.take(identity.email, QUOTA_COST[method] ?? 5, this.settings.quotaUnitsPerSecond);
        if (wait > 0) throw rateLimited(wait);
      }
      const result = await found.run(this.mailbox, profileEmail);
      if (result.sent) {
        const dropped = this.faults.takeCommitThenDrop();
        this.#sent.record(result.sent.raw, result.sent.id, dropped);
        if (dropped) return void res.socket?.destroy(); // committed; the client never learns it
      }
      if (result.status < 300 && this.faults.takeTruncation()) {
        sendTruncated(res, result.status, JSON.stringify(result.body));
      } else if (result.status === 204) {
        res.writeHead(204).end();
      } else {
        sendJson(res, result.status, result.body);
      }
    } catch (error) {
      const apiError = error instanceof GoogleApiError ? error
        : (error as { status?: number }).status === 413 ? new GoogleApiError(413, 'Request too large', 'uploadTooLarge')
          : serverError(500);
      if (!(error instanceof GoogleApiError)) log.error('handler failed', { method, error });
      if (apiError.code === 429) this.#stats.rateLimited += 1;
      if (apiError.code >= 500) this.#stats.serverErrors += 1;
      sendJson(res, apiError.code, apiError.body(), apiError.headers);
    }
  }

  async #authenticate(req: IncomingMessage): Promise<{ email: string }> {
    const header = req.headers.authorization ?? '';
    const token = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
    if (!token) throw unauthenticated();
    const verify = this.#options.verifyAccessToken;
    const identity = verify ? await verify(token) : { email: this.#options.emailAddress ?? 'me@mailbridge.test' };
    if (!identity) throw unauthenticated();
    return identity;
  }

  #injectServerError(): void {
    if (this.#failNext.count > 0) {
      this.#failNext.count -= 1;
      throw serverError(this.#failNext.status);
    }
    if (this.settings.errorRate > 0 && this.#random() < this.settings.errorRate) throw serverError(this.settings.errorStatus);
  }
}
