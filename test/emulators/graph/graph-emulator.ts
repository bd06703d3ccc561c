// An in-process Microsoft Graph v1.0 mail server over HTTPS for tests and benchmarks: the real
// @microsoft/microsoft-graph-client talks to it unchanged. It adds what a test needs and Graph
// cannot give: Outlook throttling on demand, faults, expired delta tokens and mailbox mutations.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { readMailbox } from '../../../src-main/mail/import/mailbox-reader.ts';
import { createLogger } from '../../../src-main/platform/logger.ts';
import { seededRandom } from '../../../scripts/seeded-random.ts';
import { TransportFaults } from '../transport-faults.ts';
import { SendLedger } from '../send-ledger.ts';
import { readBody, sendJson, sendTruncated, startHttpsServer, type StartedServer } from '../http-server.ts';
import { handleAdmin } from './admin.ts';
import { pathSegments, route, type ApiContext } from './api.ts';
import { DeferredDelivery, type GraphDeferredMessage } from './deferred-delivery.ts';
import { DeltaTokens } from './delta.ts';
import { GraphApiError, injected, newRequestId, throttled, unauthenticated, unknownSegment } from './graph-errors.ts';
import { GraphMailbox, deferredSendMs, type FlagStatus, type GraphFolder, type GraphMessage } from './mailbox.ts';
import {
  DEFAULT_SETTINGS, type GraphEmulatorOptions, type GraphEmulatorSettings, type GraphEmulatorStats, type GraphMessageState, type GraphSentMessage,
} from './graph-emulator-options.ts';
import { MailboxThrottle } from './throttle.ts';

const log = createLogger('emulator.graph');

export type { GraphDeferredMessage } from './deferred-delivery.ts';
export type {
  GraphEmulatorOptions, GraphEmulatorSettings, GraphEmulatorStats, GraphFolderLoad, GraphMessageState, GraphSentMessage,
} from './graph-emulator-options.ts';

export class GraphEmulator {
  readonly mailbox: GraphMailbox;
  readonly settings: GraphEmulatorSettings;
  readonly #options: GraphEmulatorOptions;
  readonly #tokens = new DeltaTokens();
  readonly #throttle = new MailboxThrottle();
  #server: StartedServer | null = null;
  /** The port the first start bound; a restart listens there again, so a test's "offline" keeps its address. */
  #boundPort = 0;
  #loaded = false;
  #failNext = { count: 0, status: 503, retryAfterSeconds: 1 };
  /** Answers cut off mid-body, requests stalled past the client's timeout. */
  readonly faults = new TransportFaults();
  readonly #sent = new SendLedger();
  readonly #deferred: DeferredDelivery;
  #stats = { requests: {} as Record<string, number>, throttled: 0, concurrencyThrottled: 0, serverErrors: 0, messagesServed: 0 };
  #random: () => number;

  constructor(options: GraphEmulatorOptions = {}) {
    this.#options = options;
    this.mailbox = new GraphMailbox(options.user?.mail ?? 'me@mailbridge.test');
    this.#deferred = new DeferredDelivery(this.mailbox, this.#sent);
    this.settings = { ...DEFAULT_SETTINGS, ...options.settings };
    this.#random = seededRandom(options.seed ?? 0x6a09e667);
  }

  /** Loads the folders (if given) and listens. Returns the root URL (no trailing slash; the API is under /v1.0). */
  async start(): Promise<{ url: string }> {
    if (!this.#loaded) {
      this.#loaded = true;
      const loads = [...(this.#options.mailbox ? [{ folder: 'inbox', mailbox: this.#options.mailbox }] : []), ...(this.#options.folders ?? [])];
      for (const load of loads) {
        const folder = this.mailbox.folder(load.folder) ?? this.mailbox.ensurePath(load.folder);
        if (!load.mailbox) continue;
        for await (const { key, raw } of readMailbox(load.mailbox)) {
          const flags = /:2,([A-Za-z]*)$/.exec(key)?.[1];
          this.mailbox.add(raw, folder, { isRead: flags !== undefined ? flags.includes('S') : load.isRead ?? false });
        }
        log.info('folder loaded', { folder: load.folder, messages: folder.messages.size });
      }
    }
    this.#server = await startHttpsServer((req, res) => this.#handle(req, res), {
      port: this.#options.port || this.#boundPort,
      ...(this.#options.cert && this.#options.key ? { cert: this.#options.cert, key: this.#options.key } : {}),
    });
    this.#boundPort = this.#server.port;
    return { url: this.#server.url };
  }

  async stop(): Promise<void> {
    this.#deferred.stop();
    await this.#server?.close();
    this.#server = null;
  }

  /** https://127.0.0.1:<port> (no /v1.0). Throws when not started. */
  get url(): string {
    if (!this.#server) throw new Error('GraphEmulator is not started');
    return this.#server.url;
  }

  /** A folder by id, well-known name or display path ("Inbox/Projects"); undefined when absent. */
  folder(ref: string): GraphFolder | undefined {
    return this.mailbox.folder(ref);
  }

  /** Creates (or returns) the folder at a display path such as "Inbox/Projects". */
  createFolder(path: string): GraphFolder {
    return this.mailbox.ensurePath(path);
  }

  /** A message arrives in `folder` (default inbox, unread); its folder's delta reports it. Throws for an unknown folder. */
  addMessage(raw: Buffer | string, folder = 'inbox', options: { isRead?: boolean; receivedMs?: number } = {}): GraphMessage {
    return this.mailbox.add(Buffer.from(raw), this.#folderOrThrow(folder), options);
  }

  /** Deletes for good (the folder's delta reports {"id", "@removed"}). False when the id is unknown. */
  deleteMessage(id: string): boolean {
    return this.mailbox.delete(id);
  }

  /** Moves to `folder`; the message gets a new id, as in Exchange. Undefined when the id is unknown. */
  moveMessage(id: string, folder: string): GraphMessage | undefined {
    return this.mailbox.move(id, this.#folderOrThrow(folder));
  }

  /** Sets isRead (an update in delta). Undefined when the id is unknown. */
  markRead(id: string, isRead = true): GraphMessage | undefined {
    return this.mailbox.setRead(id, isRead);
  }

  /** Sets the follow-up flag (an update in delta). Undefined when the id is unknown. */
  setFlag(id: string, flagStatus: FlagStatus): GraphMessage | undefined {
    return this.mailbox.update(id, { flagStatus });
  }

  /** Folder, isRead, isDraft, flag, deferred send time and conversation of a message by REST or immutable id; undefined when unknown. */
  messageState(id: string): GraphMessageState | undefined {
    this.#deferred.deliverDue();
    const m = this.mailbox.get(id);
    if (!m) return undefined;
    return {
      id: m.id, immutableId: m.immutableId, parentFolderId: m.folderId, folder: this.#folderName(m.folderId),
      isRead: m.isRead, isDraft: m.isDraft, flag: { flagStatus: m.flagStatus }, conversationId: m.conversationId,
      internetMessageId: m.fixed.internetMessageId, deferredUntil: deferredSendMs(m),
    };
  }

  /** Drafts with a deferred send time (folder "drafts") and sent messages held in the Outbox ("outbox"), soonest first. */
  deferredMessages(): GraphDeferredMessage[] {
    this.#deferred.deliverDue();
    return this.#deferred.list();
  }

  /**
   * Delivers now every Outbox message whose deferred send time is ≤ `now` (ms, default the
   * clock): each moves to Sent Items and counts as sent. Returns them (their new ids).
   */
  deliverDue(now = Date.now()): GraphMessage[] {
    return this.#deferred.deliverDue(now);
  }

  /** Every accepted send (sendMail, a draft's send, a held message's delivery), oldest first (a retried send shows twice). */
  sentMessages(): GraphSentMessage[] {
    this.#deferred.deliverDue();
    return this.#sent.list().map((r) => {
      const m = r.id === null ? undefined : this.mailbox.get(r.id);
      return {
        id: m?.id ?? null, immutableId: r.id, internetMessageId: r.messageId === null ? null : `<${r.messageId}>`,
        conversationId: m?.conversationId ?? null, parentFolderId: m?.folderId ?? null, folder: m ? this.#folderName(m.folderId) : null,
        raw: r.raw, sentAt: r.at, answerDropped: r.answerDropped,
      };
    });
  }

  /**
   * Sends whose MIME carried `internetMessageId` (angle brackets optional): sendMail calls, drafts
   * sent at once, held messages once delivered. A draft never sent, or still in the Outbox, is not counted.
   */
  sendCount(internetMessageId: string): number {
    this.#deferred.deliverDue();
    return this.#sent.count(internetMessageId);
  }

  /** sendCount per internetMessageId (without angle brackets). */
  sendCounts(): Record<string, number> {
    this.#deferred.deliverDue();
    return this.#sent.counts();
  }

  /** Forgets the accepted sends (the Sent Items copies stay). */
  clearSent(): void {
    this.#sent.clear();
  }

  #folderName(folderId: string): string {
    const folder = this.mailbox.folder(folderId)!;
    return folder.wellKnownName ?? folder.displayName;
  }

  /** Every delta/skip token issued so far (for one folder, or all) now answers 410 syncStateNotFound. */
  expireDeltaTokens(folder?: string): void {
    this.#tokens.expire(folder === undefined ? undefined : this.#folderOrThrow(folder).id);
  }

  /** The next `count` API requests answer `status` (default 503); 429 and 503 carry Retry-After: `retryAfterSeconds`. */
  failNext(count: number, status = 503, retryAfterSeconds = 1): void {
    this.#failNext = { count, status, retryAfterSeconds };
  }

  /** A 429 storm: the next `count` requests answer 429 ApplicationThrottled with Retry-After. */
  throttleNext(count: number, retryAfterSeconds = 1): void {
    this.failNext(count, 429, retryAfterSeconds);
  }

  stats(): GraphEmulatorStats {
    return {
      requests: { ...this.#stats.requests },
      throttled: this.#stats.throttled,
      concurrencyThrottled: this.#stats.concurrencyThrottled,
      serverErrors: this.#stats.serverErrors,
      concurrentPeak: this.#throttle.peak,
      messagesServed: this.#stats.messagesServed,
      connections: this.#server?.connections() ?? 0,
    };
  }

  resetStats(): void {
    this.#stats = { requests: {}, throttled: 0, concurrencyThrottled: 0, serverErrors: 0, messagesServed: 0 };
    this.#throttle.reset();
  }

  #folderOrThrow(ref: string): GraphFolder {
    const folder = this.mailbox.folder(ref);
    if (!folder) throw new Error(`no folder ${ref}`);
    return folder;
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'https://emulator.invalid');
    this.#deferred.deliverDue();
    if (url.pathname.startsWith('/__admin/')) return handleAdmin(this, req, res, url);
    const requestId = newRequestId();
    const clientRequestId = String(req.headers['client-request-id'] ?? requestId);
    const segments = url.pathname.startsWith('/v1.0/') ? safeSegments(url.pathname.slice('/v1.0/'.length)) : null;
    const found = segments ? route({ httpMethod: req.method ?? 'GET', segments, query: url.searchParams, headers: req.headers, body: () => readBody(req) }) : null;
    const name = found?.name ?? 'unknown';
    this.#stats.requests[name] = (this.#stats.requests[name] ?? 0) + 1;
    let entered: string | null = null;
    try {
      const identity = await this.#authenticate(req);
      const mailboxKey = identity.email.toLowerCase();
      if (!this.#throttle.enter(mailboxKey, this.settings.concurrencyLimit ? this.settings.maxConcurrentRequests : null)) {
        this.#stats.concurrencyThrottled += 1;
        throw throttled('MailboxConcurrency', this.settings.concurrencyRetryAfterSeconds);
      }
      entered = mailboxKey;
      if (this.settings.latencyMs > 0) await sleep(this.settings.latencyMs);
      if (!(await this.faults.stall(req))) return; // the client gave up waiting
      if (!found) throw unknownSegment(segments?.at(-1) ?? url.pathname);
      this.#injectFault();
      if (this.settings.rateLimit) {
        const wait = this.#throttle.admit(mailboxKey, this.settings.requestsPer10Minutes, this.settings.rateWindowMs);
        if (wait > 0) throw throttled('MailboxRequests', wait);
      }
      const result = await found.run(this.#context(identity));
      if (result.sent || result.held) {
        const dropped = this.faults.takeCommitThenDrop();
        if (result.sent) this.#sent.record(result.sent.raw, result.sent.id, dropped);
        if (result.held) this.#deferred.hold(result.held.id, dropped);
        if (dropped) return void res.socket?.destroy(); // committed; the client never learns it
      }
      this.#stats.messagesServed += result.items ?? 0;
      const headers = { 'request-id': requestId, 'client-request-id': clientRequestId, ...result.headers };
      if (result.status < 300 && (result.bytes || result.json !== undefined) && this.faults.takeTruncation()) {
        sendTruncated(res, result.status, result.bytes ?? result.json!, { ...headers, ...(result.bytes ? { 'content-type': result.contentType ?? 'application/octet-stream' } : {}) });
      } else if (result.bytes) {
        res.writeHead(result.status, { ...headers, 'content-type': result.contentType ?? 'application/octet-stream', 'content-length': result.bytes.length });
        res.end(result.bytes);
      } else if (result.json === undefined) {
        res.writeHead(result.status, headers).end();
      } else {
        res.writeHead(result.status, {
          ...headers,
          'content-type': 'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8',
          'content-length': Buffer.byteLength(result.json),
        });
        res.end(result.json);
      }
    } catch (error) {
      const apiError = error instanceof GraphApiError ? error
        : (error as { status?: number }).status === 413 ? new GraphApiError(413, 'RequestEntityTooLarge', 'The request is too large.')
          : injected(500);
      if (!(error instanceof GraphApiError)) log.error('handler failed', { route: name, error });
      if (apiError.status === 429) this.#stats.throttled += 1;
      if (apiError.status >= 500) this.#stats.serverErrors += 1;
      sendJson(res, apiError.status, apiError.body(requestId, clientRequestId), {
        'request-id': requestId, 'client-request-id': clientRequestId, ...apiError.headers,
      });
    } finally {
      if (entered) this.#throttle.leave(entered);
      this.#deferred.deliverDue(); // a PATCH may have moved a held message's deferred send time
    }
  }

  #context(identity: { email: string; name?: string }): ApiContext {
    const mail = this.#options.user?.mail ?? identity.email;
    return {
      mailbox: this.mailbox,
      tokens: this.#tokens,
      user: {
        id: this.#options.user?.id ?? userId(mail),
        displayName: this.#options.user?.displayName ?? identity.name ?? mail.split('@')[0]!,
        mail,
        userPrincipalName: this.#options.user?.userPrincipalName ?? mail,
      },
      base: `${this.url}/v1.0`,
      deltaPageSize: this.settings.deltaPageSize,
      maxPageSize: this.settings.maxPageSize,
    };
  }

  async #authenticate(req: IncomingMessage): Promise<{ email: string; name?: string }> {
    const token = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    if (!token) throw unauthenticated();
    const verify = this.#options.verifyAccessToken;
    const identity = verify ? await verify(token) : { email: this.#options.user?.mail ?? 'me@mailbridge.test' };
    if (!identity) throw unauthenticated('Access token validation failure. Invalid audience.');
    return identity;
  }

  #injectFault(): void {
    if (this.#failNext.count > 0) {
      this.#failNext.count -= 1;
      throw injected(this.#failNext.status, this.#failNext.retryAfterSeconds);
    }
    if (this.settings.errorRate > 0 && this.#random() < this.settings.errorRate) throw injected(this.settings.errorStatus);
  }
}

/** A stable GUID-shaped user id derived from the address (Entra object ids are GUIDs). */
function userId(mail: string): string {
  const h = createHash('sha256').update(mail.toLowerCase()).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

function safeSegments(path: string): string[] | null {
  try {
    return pathSegments(path);
  } catch {
    return null;
  }
}
