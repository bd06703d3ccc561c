// Records the store hands back to the rest of main: plain objects with the field's own
// words, times in ms since the Unix epoch, ids as the database's integer ids.
import type Database from 'better-sqlite3-multiple-ciphers';
import type { Address, AttachmentInfo } from '../mail/types.ts';

export type Db = Database.Database;

export type AccountProvider = 'gmail' | 'microsoft' | 'imap' | 'import';
export type AccountStatus = 'connected' | 'reconnect_required' | 'disconnected';

export interface Account {
  id: number;
  provider: AccountProvider;
  /** Lower-cased mailbox address. */
  email: string;
  displayName: string;
  status: AccountStatus;
  createdAt: number;
  updatedAt: number;
}

/** OAuth tokens as the auth module stores them (access/refresh token, expiry…): any JSON object. */
export type StoredTokens = Record<string, unknown>;

/** Which thread a message is filed under, decided by mail code (mail/thread-key.ts). */
export interface ThreadKey {
  /** Unique per account: 'p:' + provider thread id, or 'l:' + local key. */
  key: string;
  providerThreadId: string | null;
}

export type ParticipantRole = 'from' | 'to' | 'cc' | 'bcc' | 'reply_to';

export interface MessageRecord {
  id: number;
  accountId: number;
  providerMessageId: string;
  threadId: number;
  /** Message-ID header without angle brackets. */
  messageId: string | null;
  subject: string;
  from: Address | null;
  /** Date header (ms) or null. */
  date: number | null;
  /** Provider receive time (ms) or null. */
  internalDate: number | null;
  /** internalDate, else date, else 0: the sort key. */
  receivedAt: number;
  snippet: string;
  text: string;
  html: string | null;
  hasAttachments: boolean;
  /**
   * The source and bodies are not kept on this computer (older than the "keep full messages"
   * setting): text and html are '' / null and raw is empty until fetched from the provider;
   * snippet, attachments and the search index stay.
   */
  serverOnly: boolean;
  attachments: AttachmentInfo[];
  warnings: string[];
  unread: boolean;
  /** Provider label ids, sorted. */
  labels: string[];
  participants: Array<{ role: ParticipantRole; address: string; name: string }>;
  /** Raw RFC 5322 source. */
  raw: Uint8Array;
}

export interface ThreadSummary {
  id: number;
  accountId: number;
  providerThreadId: string | null;
  subject: string;
  lastMessageAt: number;
  messageCount: number;
  /** Snippet and sender of the newest message. */
  snippet: string;
  from: Address | null;
  unread: boolean;
}

/** Keyset cursor for listThreads: the last row of the previous page. */
export interface ThreadCursor {
  lastMessageAt: number;
  id: number;
}

export interface SearchHit {
  messageId: number;
  threadId: number;
  accountId: number;
  subject: string;
  from: Address | null;
  date: number;
  snippet: string;
}

export interface StoreStats {
  accounts: number;
  messages: number;
  threads: number;
  /** Messages with at least one parser warning. */
  warnings: number;
  /** Files imports did not read as mail (ProfileStore.importSkips lists them). */
  skippedFiles: number;
}
