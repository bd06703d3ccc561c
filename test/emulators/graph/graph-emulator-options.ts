// The Graph emulator's options, run-time settings and stats, and the shapes its exactly-once
// helpers (sentMessages, messageState; GET /__admin/sent, /__admin/messages/{id}) answer.
import type { GraphUser } from './api-common.ts';
import type { FlagStatus } from './mailbox.ts';

/** Knobs a test may change at any time (also POST /__admin/settings). */
export interface GraphEmulatorSettings {
  /** Enforce Outlook's concurrent-request limit per mailbox (429 MailboxConcurrency). */
  concurrencyLimit: boolean;
  /** Concurrent requests allowed per mailbox; Outlook allows 4. */
  maxConcurrentRequests: number;
  /** Enforce the per-mailbox request rate (429 MailboxRequests + Retry-After). */
  rateLimit: boolean;
  /** Requests per window; Outlook allows 10,000 per 10 minutes. */
  requestsPer10Minutes: number;
  /** The rate window, ms (600,000 in Outlook; shrink it to test recovery quickly). */
  rateWindowMs: number;
  /** Retry-After (s) sent with a MailboxConcurrency 429. */
  concurrencyRetryAfterSeconds: number;
  /** Fixed delay before every API answer, ms (requests count as in flight meanwhile). */
  latencyMs: number;
  /** Fraction (0..1) of API requests answered with `errorStatus`, from a seeded PRNG. */
  errorRate: number;
  errorStatus: number;
  /** Delta page size when the client sends no Prefer: odata.maxpagesize (nor $top). */
  deltaPageSize: number;
  /** Cap on any page size ($top, odata.maxpagesize). */
  maxPageSize: number;
}

/** A folder to create, optionally filled from a maildir/mbox folder through readMailbox. */
export interface GraphFolderLoad {
  /** Well-known name (inbox, sentitems, …), or a display path such as "Inbox/Projects" (created when missing). */
  folder: string;
  /** maildir / mbox / .eml folder to deliver into it at start(). */
  mailbox?: string;
  /** isRead for loaded mail without maildir flags (a maildir "S" flag always means read). Default false. */
  isRead?: boolean;
}

export interface GraphEmulatorOptions {
  /** Shorthand for folders: [{folder: 'inbox', mailbox}]. */
  mailbox?: string;
  /** Folders to create and load, in order (after `mailbox`). */
  folders?: GraphFolderLoad[];
  /** The signed-in user (GET /me). Default derives from `verifyAccessToken`'s email, else me@mailbridge.test. */
  user?: Partial<GraphUser>;
  /** Checks a bearer token; null = 401 InvalidAuthenticationToken. Default accepts any non-empty token. */
  verifyAccessToken?: (token: string) => Promise<{ email: string; name?: string } | null>;
  /** Port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  settings?: Partial<GraphEmulatorSettings>;
  /** Seed of the error-rate PRNG. */
  seed?: number;
  /** TLS certificate and key; default the run's test CA loopback certificate. */
  cert?: string;
  key?: string;
}

export interface GraphEmulatorStats {
  /** Requests received per route name (e.g. messages.delta, messages.value), all outcomes. */
  requests: Record<string, number>;
  /** 429s sent (concurrency, rate and injected). */
  throttled: number;
  /** 429s for the concurrency limit alone. */
  concurrencyThrottled: number;
  serverErrors: number;
  /** Most requests in flight at once for the mailbox since start / resetStats. */
  concurrentPeak: number;
  /** Messages returned by delta and list pages. */
  messagesServed: number;
  /** TLS connections accepted since start. */
  connections: number;
}

export const DEFAULT_SETTINGS: GraphEmulatorSettings = {
  concurrencyLimit: false, maxConcurrentRequests: 4,
  rateLimit: false, requestsPer10Minutes: 10_000, rateWindowMs: 600_000, concurrencyRetryAfterSeconds: 1,
  latencyMs: 0, errorRate: 0, errorStatus: 503,
  deltaPageSize: 10, maxPageSize: 1000,
};

/** One accepted send (sendMail, a draft's send, a held message's delivery), as sentMessages() and GET /__admin/sent report it. */
export interface GraphSentMessage {
  /** The Sent Items copy's current REST id; null when not saved (saveToSentItems false) or deleted since. */
  id: string | null;
  /** Its immutable id (stable across moves); null when not saved. */
  immutableId: string | null;
  /** The MIME's Message-ID with angle brackets, as Graph's internetMessageId shows it; null when absent. */
  internetMessageId: string | null;
  conversationId: string | null;
  parentFolderId: string | null;
  /** The folder's well-known name (sentitems, …) or display name. */
  folder: string | null;
  raw: Buffer;
  /** ms since the epoch. */
  sentAt: number;
  /** True when the commit-then-drop fault swallowed this call's answer (for a held message: its send call's). */
  answerDropped: boolean;
}

/** A message's state for exactly-once assertions (GET /__admin/messages/{id}). */
export interface GraphMessageState {
  id: string;
  immutableId: string;
  parentFolderId: string;
  /** The folder's well-known name (inbox, archive, …) or display name. */
  folder: string;
  isRead: boolean;
  /** True for a draft (POST /messages, not yet sent); false once sent, held in the Outbox or not. */
  isDraft: boolean;
  flag: { flagStatus: FlagStatus };
  conversationId: string;
  internetMessageId: string | null;
  /** PR_DEFERRED_SEND_TIME in ms since the epoch; null when unset. */
  deferredUntil: number | null;
}
