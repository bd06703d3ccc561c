// The emulated Gmail mailbox: messages indexed by id, a sorted id list for newest-first
// paging, threads, labels and the history log. Everything a request needs is O(log n) or
// O(page); per-message encodings (base64url raw, part tree, snippet) are built once, lazily.
import { HistoryLog, type MessageRef } from './history.ts';
import { LabelCatalog } from './labels.ts';
import { headerValue, parseHeaders, parseTree, snippetOf, splitHeaderBody, type ParsedTree } from './mime.ts';
import { Threader, addresses, messageIds } from './threading.ts';

export interface StoredMessage {
  id: string;
  threadId: string;
  labelIds: Set<string>;
  raw: Buffer;
  /** The Message-ID header without angle brackets, null when absent. */
  messageId: string | null;
  /** ms since the epoch. */
  internalDate: number;
  historyId: number;
  rawBase64url?: string;
  tree?: ParsedTree;
  snippet?: string;
}

export interface MailboxOptions {
  /** First historyId (Gmail's are large integers). Default 1,000,000. */
  startHistoryId?: number;
  /** Records kept for history.list; older startHistoryIds answer 404. Default 100,000. */
  historyRecords?: number;
  /** The mailbox owner's address: being on every message, it never makes two threads one. */
  owner?: string;
}

const SPAM_TRASH = ['SPAM', 'TRASH'];

export class GmailMailbox {
  readonly labels = new LabelCatalog();
  readonly history: HistoryLog;
  readonly #messages = new Map<string, StoredMessage>();
  /** Message ids, newest first. Ids embed internalDate in their top bits, so this is date order. */
  readonly #sorted: string[] = [];
  readonly #threads = new Map<string, string[]>();
  /** Message-ID header (without angle brackets) → message ids, for q=rfc822msgid:. */
  readonly #byMessageId = new Map<string, Set<string>>();
  readonly #threader: Threader;
  #seq = 0;

  constructor(options: MailboxOptions = {}) {
    this.history = new HistoryLog(options.startHistoryId ?? 1_000_000, options.historyRecords ?? 100_000);
    this.#threader = new Threader(options.owner);
  }

  get size(): number {
    return this.#messages.size;
  }

  get threadCount(): number {
    return this.#threads.size;
  }

  get(id: string): StoredMessage | undefined {
    return this.#messages.get(id);
  }

  /** Message ids of a thread, oldest first; undefined when the thread does not exist. */
  thread(threadId: string): string[] | undefined {
    return this.#threads.get(threadId);
  }

  /**
   * Stores a message. `labelIds` are ids or names (unknown names become user labels);
   * `internalDate` defaults to the Date header (then the last Received date, then now).
   * `record` false (initial load) bumps no historyId; otherwise a messagesAdded record is kept.
   */
  add(raw: Buffer, labelIds: string[], options: { internalDate?: number; threadId?: string; record?: boolean } = {}): StoredMessage {
    const headers = parseHeaders(splitHeaderBody(raw).head);
    const internalDate = options.internalDate ?? dateOf(headerValue(headers, 'date'))
      ?? dateOf(headers.filter((h) => h.name.toLowerCase() === 'received').at(0)?.value.split(';').at(-1) ?? null)
      ?? Date.now();
    const id = this.#newId(internalDate);
    const messageId = messageIds(headerValue(headers, 'message-id'))[0] ?? null;
    const threadId = this.#threader.assign(
      {
        id,
        messageId,
        parents: [...messageIds(headerValue(headers, 'in-reply-to')), ...messageIds(headerValue(headers, 'references')).reverse()],
        subject: headerValue(headers, 'subject') ?? '',
        participants: addresses(headerValue(headers, 'from'), headerValue(headers, 'to'), headerValue(headers, 'cc')),
      },
      (t) => this.#threads.has(t),
      options.threadId,
    );
    const labels = new Set(labelIds.map((l) => this.labels.resolve(l)));
    const message: StoredMessage = { id, threadId, labelIds: labels, raw, messageId, internalDate, historyId: this.history.current };
    this.#messages.set(id, message);
    this.#sorted.splice(this.#insertAt(id), 0, id);
    const thread = this.#threads.get(threadId) ?? [];
    thread.push(id);
    thread.sort((a, b) => this.#messages.get(a)!.internalDate - this.#messages.get(b)!.internalDate || (a < b ? -1 : 1));
    this.#threads.set(threadId, thread);
    if (messageId) this.#byMessageId.set(messageId, (this.#byMessageId.get(messageId) ?? new Set()).add(id));
    this.labels.adjust(labels, 1);
    if (options.record !== false) {
      const ref = refOf(message);
      message.historyId = this.history.append({ messages: [ref], messagesAdded: [{ message: ref }] });
    }
    return message;
  }

  /** Removes a message for good (messages.delete); records messagesDeleted. False when unknown. */
  delete(id: string): boolean {
    const message = this.#messages.get(id);
    if (!message) return false;
    this.#messages.delete(id);
    this.#sorted.splice(this.#insertAt(id), 1);
    const thread = this.#threads.get(message.threadId)!.filter((m) => m !== id);
    if (thread.length) this.#threads.set(message.threadId, thread);
    else this.#threads.delete(message.threadId);
    const sameId = message.messageId === null ? undefined : this.#byMessageId.get(message.messageId);
    if (sameId?.delete(id) && !sameId.size) this.#byMessageId.delete(message.messageId!);
    this.labels.adjust(message.labelIds, -1);
    const ref = refOf(message);
    this.history.append({ messages: [ref], messagesDeleted: [{ message: ref }] });
    return true;
  }

  /**
   * Adds then removes label ids (names resolve as in add); records labelsAdded/labelsRemoved
   * for the labels that actually changed, in one history record. Undefined when unknown.
   */
  modify(id: string, add: string[], remove: string[]): StoredMessage | undefined {
    const message = this.#messages.get(id);
    if (!message) return undefined;
    const added = [...new Set(add.map((l) => this.labels.resolve(l)))].filter((l) => !message.labelIds.has(l));
    const removed = [...new Set(remove)].filter((l) => message.labelIds.has(l) && !added.includes(l));
    if (!added.length && !removed.length) return message;
    for (const l of added) message.labelIds.add(l);
    for (const l of removed) message.labelIds.delete(l);
    this.labels.adjust(added, 1);
    this.labels.adjust(removed, -1);
    const ref = refOf(message);
    message.historyId = this.history.append({
      messages: [ref],
      ...(added.length ? { labelsAdded: [{ message: ref, labelIds: added }] } : {}),
      ...(removed.length ? { labelsRemoved: [{ message: ref, labelIds: removed }] } : {}),
    });
    return message;
  }

  /** Ids of the messages whose Message-ID header is `messageId` (without angle brackets), newest first. */
  withMessageId(messageId: string): string[] {
    return [...(this.#byMessageId.get(messageId) ?? [])].sort().reverse();
  }

  /**
   * One page of message ids, newest first, after the id `after` (exclusive; null = start).
   * Messages must carry every label in `labelIds`; SPAM/TRASH are left out unless included.
   * `among` (ids newest first, e.g. withMessageId's) narrows the listing to those messages.
   */
  list(after: string | null, max: number, labelIds: string[], includeSpamTrash: boolean, among?: string[]): { ids: string[]; more: boolean } {
    const source = among ?? this.#sorted;
    let i = after === null ? 0 : this.#insertAt(after, source);
    if (after !== null && source[i] === after) i += 1;
    const excluded = includeSpamTrash ? [] : SPAM_TRASH.filter((l) => !labelIds.includes(l));
    const ids: string[] = [];
    for (; i < source.length; i += 1) {
      const message = this.#messages.get(source[i]!)!;
      if (labelIds.some((l) => !message.labelIds.has(l))) continue;
      if (excluded.some((l) => message.labelIds.has(l))) continue;
      if (ids.length === max) return { ids, more: true };
      ids.push(message.id);
    }
    return { ids, more: false };
  }

  /** resultSizeEstimate: exact for no label or one label (ignoring SPAM/TRASH overlap), else the smallest label count. */
  estimate(labelIds: string[], includeSpamTrash: boolean): number {
    if (!labelIds.length) {
      const hidden = includeSpamTrash ? 0 : this.labels.count('SPAM') + this.labels.count('TRASH');
      return Math.max(0, this.#messages.size - hidden);
    }
    return Math.min(...labelIds.map((l) => this.labels.count(l)));
  }

  base64url(message: StoredMessage): string {
    return (message.rawBase64url ??= message.raw.toString('base64url'));
  }

  tree(message: StoredMessage): ParsedTree {
    return (message.tree ??= parseTree(message.raw, (partId) => attachmentId(message.id, partId)));
  }

  /** Computed from a throw-away part tree unless one is cached, so warming snippets costs no memory. */
  snippet(message: StoredMessage): string {
    return (message.snippet ??= snippetOf(message.tree ?? parseTree(message.raw, (p) => attachmentId(message.id, p))));
  }

  /** Gmail ids: 16 hex digits, internalDate (ms) in the top bits, a sequence number below. */
  #newId(internalDate: number): string {
    const ms = BigInt(Math.max(0, Math.min(internalDate, 2 ** 43 - 1)));
    for (;;) {
      const id = ((ms << 20n) | BigInt(this.#seq++ & 0xfffff)).toString(16).padStart(16, '0');
      if (!this.#messages.has(id)) return id;
    }
  }

  /** Index in a newest-first id list (default: every message) where `id` is or would be inserted. */
  #insertAt(id: string, sorted: string[] = this.#sorted): number {
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (sorted[mid]! > id) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

export function refOf(message: StoredMessage): MessageRef {
  return { id: message.id, threadId: message.threadId, labelIds: [...message.labelIds] };
}

/** Opaque attachment id naming message and part, so attachments.get needs no table. */
export function attachmentId(messageId: string, partId: string): string {
  return Buffer.from(`${messageId}/${partId}`).toString('base64url');
}

function dateOf(value: string | null | undefined): number | null {
  if (!value) return null;
  const ms = Date.parse(value.trim());
  return Number.isNaN(ms) ? null : ms;
}
