// The emulated Exchange mailbox behind the Graph emulator: folders (well-known and custom),
// messages with opaque base64url ids, conversations, and a per-folder change log that
// delta queries read with a binary search, so a delta page costs O(log n + page).
import { createHash, randomBytes } from 'node:crypto';
import { Threader, addresses, messageIds } from '../gmail/threading.ts';
import { graphDateTime, readMessage } from './message-resource.ts';
import type { ChangeEvent, ExtendedProperty, FlagStatus, GraphFolder, GraphMessage } from './mailbox-items.ts';
import { WELL_KNOWN_FOLDERS, extendedPropertyKey } from './mailbox-items.ts';

export type { ChangeEvent, ExtendedProperty, FlagStatus, GraphFolder, GraphMessage } from './mailbox-items.ts';
export { DEFERRED_SEND_TIME, FLAG_STATUSES, ID_PATTERN, WELL_KNOWN_FOLDERS, deferredSendMs, extendedPropertyKey } from './mailbox-items.ts';

const MESSAGE_PREFIX = Buffer.from([0x00, 0x03, 0x24, 0x00]); // base64url "AAMkA…", like Exchange item ids
const FOLDER_PREFIX = Buffer.from([0x01, 0x03, 0x24, 0x00]); // "AQMkA…", like Exchange folder ids
const CONVERSATION_PREFIX = Buffer.from([0x00, 0x04, 0x24, 0x00]); // "AAQkA…"
const IMMUTABLE_PREFIX = Buffer.from([0x00, 0x09, 0x00, 0x2e]); // "AAkAL…", like Exchange immutable ids

export class GraphMailbox {
  readonly root: GraphFolder;
  readonly owner: string;
  readonly #folders = new Map<string, GraphFolder>();
  readonly #messages = new Map<string, GraphMessage>();
  /** immutableId → current id. */
  readonly #immutable = new Map<string, string>();
  readonly #threads = new Map<string, number>();
  /** internetMessageId → immutable ids (stable across moves), for $filter=internetMessageId eq '…'. */
  readonly #byInternetId = new Map<string, Set<string>>();
  readonly #threader: Threader;
  readonly #key = randomBytes(16);
  #counter = 0;
  #seq = 0;

  /** `owner`: the mailbox address; it never makes two conversations one. */
  constructor(owner: string) {
    this.owner = owner;
    this.#threader = new Threader(owner);
    this.root = this.#newFolder('Top of Information Store', '', 'msgfolderroot');
    for (const [name, displayName] of Object.entries(WELL_KNOWN_FOLDERS)) this.createFolder(displayName, this.root.id, name);
  }

  get size(): number {
    return this.#messages.size;
  }

  /** The newest change sequence number; delta rounds are bounded by it. */
  get seq(): number {
    return this.#seq;
  }

  /** A folder by id, well-known name (case-insensitive) or display path ("Inbox/Projects"). */
  folder(ref: string): GraphFolder | undefined {
    const direct = this.#folders.get(ref) ?? this.#folders.get(ref.toLowerCase());
    if (direct) return direct;
    let current: GraphFolder | undefined = this.root;
    for (const part of ref.split('/').filter(Boolean)) {
      current = this.#child(current, part);
      if (!current) return undefined;
    }
    return current === this.root ? undefined : current;
  }

  children(folder: GraphFolder): GraphFolder[] {
    return folder.childIds.map((id) => this.#folders.get(id)!);
  }

  /** Creates a folder under `parentId` (returns the existing one when the name is taken). */
  createFolder(displayName: string, parentId: string, wellKnownName: string | null = null): GraphFolder {
    const parent = this.#folders.get(parentId);
    if (!parent) throw new Error(`no folder ${parentId}`);
    const existing = this.children(parent).find((f) => f.displayName.toLowerCase() === displayName.toLowerCase());
    if (existing) return existing;
    const folder = this.#newFolder(displayName, parent.id, wellKnownName);
    parent.childIds.push(folder.id);
    parent.childIds.sort((a, b) => this.#folders.get(a)!.displayName.localeCompare(this.#folders.get(b)!.displayName));
    return folder;
  }

  /** Creates every missing folder of a display path such as "Inbox/Projects/2001". */
  ensurePath(path: string): GraphFolder {
    let folder = this.root;
    for (const part of path.split('/').filter(Boolean)) folder = this.#child(folder, part) ?? this.createFolder(part, folder.id);
    return folder;
  }

  #child(parent: GraphFolder, name: string): GraphFolder | undefined {
    const lower = name.toLowerCase();
    return this.children(parent).find((f) => f.displayName.toLowerCase() === lower || f.wellKnownName === lower);
  }

  /** A message by its current id or its immutable id. */
  get(id: string): GraphMessage | undefined {
    return this.#messages.get(id) ?? this.#messages.get(this.#immutable.get(id) ?? '');
  }

  /**
   * Delivers `raw` into `folder` (isRead as given) and logs the change for delta.
   * `referencesOnly`: the conversation is that of a message In-Reply-To/References names,
   * else a new one (sendMail), rather than also matching subject and correspondents.
   * `isDraft`: a draft (POST /messages), until submit() sends it.
   */
  add(raw: Buffer, folder: GraphFolder, options: { isRead?: boolean; receivedMs?: number; referencesOnly?: boolean; isDraft?: boolean } = {}): GraphMessage {
    const now = Date.now();
    const { fixed, threading, receivedMs } = readMessage(raw, options.receivedMs ?? now);
    if (options.receivedMs !== undefined) fixed.receivedDateTime = graphDateTime(options.receivedMs);
    const id = this.#newId(MESSAGE_PREFIX);
    const immutableId = this.#newId(IMMUTABLE_PREFIX);
    this.#immutable.set(immutableId, id);
    const threadId = this.#threader.assign(
      {
        id,
        messageId: messageIds(threading.messageId)[0] ?? null,
        parents: [...messageIds(threading.inReplyTo), ...messageIds(threading.references).reverse()],
        subject: threading.subject,
        participants: addresses(threading.from, threading.to, threading.cc),
      },
      (t) => (this.#threads.get(t) ?? 0) > 0,
      undefined,
      !options.referencesOnly,
    );
    this.#threads.set(threadId, (this.#threads.get(threadId) ?? 0) + 1);
    const created = graphDateTime(options.receivedMs ?? receivedMs);
    const message: GraphMessage = {
      id, immutableId, folderId: folder.id, raw, isRead: options.isRead ?? false, isDraft: options.isDraft ?? false,
      flagStatus: 'notFlagged', extendedProperties: new Map(), version: 1,
      receivedMs: options.receivedMs ?? receivedMs,
      createdDateTime: created, lastModifiedDateTime: created, fixed,
      conversationId: Buffer.concat([CONVERSATION_PREFIX, createHash('sha256').update(threadId).digest().subarray(0, 16)]).toString('base64url'),
    };
    this.#messages.set(id, message);
    if (fixed.internetMessageId) {
      this.#byInternetId.set(fixed.internetMessageId, (this.#byInternetId.get(fixed.internetMessageId) ?? new Set()).add(immutableId));
    }
    this.#enter(folder, message);
    return message;
  }

  /** Messages whose internetMessageId is exactly `internetMessageId` (angle brackets included, as Graph stores it). */
  withInternetMessageId(internetMessageId: string): GraphMessage[] {
    return [...(this.#byInternetId.get(internetMessageId) ?? [])].map((immutableId) => this.get(immutableId)!);
  }

  /** Deletes for good (the folder's delta reports it @removed). `id` may be the immutable id. False when unknown. */
  delete(id: string): boolean {
    const message = this.get(id);
    if (!message) return false;
    this.#leave(message);
    this.#messages.delete(message.id);
    this.#immutable.delete(message.immutableId);
    const internetId = message.fixed.internetMessageId;
    const same = internetId === null ? undefined : this.#byInternetId.get(internetId);
    if (same?.delete(message.immutableId) && !same.size) this.#byInternetId.delete(internetId!);
    return true;
  }

  /**
   * Moves a message. As in Exchange (without ImmutableId), the moved item gets a new id:
   * the source folder's delta reports the old id @removed, the target's a new message.
   * Returns the message under its new id; undefined when unknown.
   */
  move(id: string, target: GraphFolder): GraphMessage | undefined {
    const message = this.get(id);
    if (!message) return undefined;
    if (message.folderId === target.id) return message;
    this.#leave(message);
    this.#messages.delete(message.id);
    const moved: GraphMessage = { ...message, id: this.#newId(MESSAGE_PREFIX), folderId: target.id, version: message.version + 1,
      lastModifiedDateTime: graphDateTime(Date.now()) };
    delete moved.json;
    this.#messages.set(moved.id, moved);
    this.#immutable.set(moved.immutableId, moved.id);
    this.#enter(target, moved);
    return moved;
  }

  /** Sets isRead; a real change is logged (delta reports the message as updated). */
  setRead(id: string, isRead: boolean): GraphMessage | undefined {
    return this.update(id, { isRead });
  }

  /**
   * Sets isRead, the follow-up flag and/or extended properties (each stored under its id, a
   * later value replacing an earlier one) in one change: when anything differs, the version
   * is bumped once and the folder's delta reports the message as updated. Undefined when unknown.
   */
  update(id: string, change: { isRead?: boolean; flagStatus?: FlagStatus; extendedProperties?: ExtendedProperty[] }): GraphMessage | undefined {
    const message = this.get(id);
    if (!message) return undefined;
    const read = change.isRead !== undefined && change.isRead !== message.isRead;
    const flag = change.flagStatus !== undefined && change.flagStatus !== message.flagStatus;
    const properties = (change.extendedProperties ?? []).filter((p) => message.extendedProperties.get(extendedPropertyKey(p.id))?.value !== p.value);
    if (!read && !flag && !properties.length) return message;
    const folder = this.#folders.get(message.folderId)!;
    if (read) {
      message.isRead = change.isRead!;
      folder.unread += message.isRead ? -1 : 1;
    }
    if (flag) message.flagStatus = change.flagStatus!;
    for (const p of properties) message.extendedProperties.set(extendedPropertyKey(p.id), { id: p.id, value: p.value });
    this.#touch(message);
    this.#log(folder, message, false);
    return message;
  }

  /**
   * Hands a draft to transport: isDraft becomes false and it moves to `target` (the Outbox
   * while its deferred send time is ahead, else Sent Items); both folders' deltas report it.
   * Undefined when unknown.
   */
  submit(id: string, target: GraphFolder): GraphMessage | undefined {
    const message = this.get(id);
    if (!message) return undefined;
    message.isDraft = false;
    if (message.folderId !== target.id) return this.move(message.id, target);
    this.#touch(message);
    this.#log(target, message, false);
    return message;
  }

  /**
   * Changes logged in `folder` with afterSeq < seq ≤ upperSeq, oldest first, one per
   * message (its newest). Removals are left out when `includeRemoved` is false (a first
   * sync lists only what is there). `done` is false when more than `max` remain.
   */
  changes(folder: GraphFolder, afterSeq: number, upperSeq: number, includeRemoved: boolean, max: number): { events: ChangeEvent[]; done: boolean } {
    const events = folder.events;
    let lo = 0;
    let hi = events.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (events[mid]!.seq <= afterSeq) lo = mid + 1;
      else hi = mid;
    }
    const out: ChangeEvent[] = [];
    for (let i = lo; i < events.length && events[i]!.seq <= upperSeq; i += 1) {
      const event = events[i]!;
      if (folder.latest.get(event.id) !== event.seq) continue;
      if (event.removed && !includeRemoved) continue;
      if (out.length === max) return { events: out, done: false };
      out.push(event);
    }
    return { events: out, done: true };
  }

  /** The folder's message ids, newest first. */
  listByDate(folder: GraphFolder): string[] {
    return (folder.byDate ??= [...folder.messages].sort((a, b) =>
      this.#messages.get(b)!.receivedMs - this.#messages.get(a)!.receivedMs || (a < b ? -1 : 1)));
  }

  changeKey(message: GraphMessage): string {
    const bytes = Buffer.alloc(20);
    bytes.writeUInt32BE(message.version, 0);
    createHash('sha1').update(message.id).digest().copy(bytes, 4, 0, 16);
    return bytes.toString('base64');
  }

  #enter(folder: GraphFolder, message: GraphMessage): void {
    folder.messages.add(message.id);
    if (!message.isRead) folder.unread += 1;
    folder.byDate = undefined;
    this.#log(folder, message, false);
  }

  #leave(message: GraphMessage): void {
    const folder = this.#folders.get(message.folderId)!;
    folder.messages.delete(message.id);
    if (!message.isRead) folder.unread -= 1;
    folder.byDate = undefined;
    this.#log(folder, message, true);
  }

  #touch(message: GraphMessage): void {
    message.version += 1;
    message.lastModifiedDateTime = graphDateTime(Date.now());
    delete message.json;
  }

  #log(folder: GraphFolder, message: GraphMessage, removed: boolean): void {
    this.#seq += 1;
    folder.events.push({ seq: this.#seq, id: message.id, immutableId: message.immutableId, removed });
    folder.latest.set(message.id, this.#seq);
  }

  #newFolder(displayName: string, parentFolderId: string, wellKnownName: string | null): GraphFolder {
    const folder: GraphFolder = {
      id: this.#newId(FOLDER_PREFIX), displayName, parentFolderId, wellKnownName, childIds: [],
      messages: new Set(), unread: 0, events: [], latest: new Map(),
    };
    this.#folders.set(folder.id, folder);
    if (wellKnownName) this.#folders.set(wellKnownName, folder);
    return folder;
  }

  /** Opaque ids: a type prefix, this mailbox's random key, a counter and random bytes, base64url. */
  #newId(prefix: Buffer): string {
    const counter = Buffer.alloc(4);
    counter.writeUInt32BE(this.#counter++);
    return Buffer.concat([prefix, this.#key, counter, randomBytes(6)]).toString('base64url');
  }
}
