// IMAP synchronisation: folders (LIST, SPECIAL-USE RFC 6154) become labels; each folder is
// walked by UID (RFC 3501 §2.3.1.1). Where the server has QRESYNC (RFC 7162 §3.2) and the
// folder's UIDVALIDITY and HIGHESTMODSEQ are known from the last sync, only what changed is
// asked for: expunged UIDs from VANISHED (EARLIER), changed flags from CHANGEDSINCE, new mail
// from the UIDs at and above the last UIDNEXT. Otherwise every UID is listed: UIDs the store
// lacks are fetched newest first, UIDs the server no longer lists are expunged locally, and
// flags are compared — only those changed since the last HIGHESTMODSEQ where the server has
// CONDSTORE, all of them otherwise. A new UIDVALIDITY makes the folder's old UIDs meaningless:
// the folder is fetched again and each message matched with what was stored by its content
// hash (or by Message-ID and Date, where the source is not kept offline or was rewritten), so
// a message is renamed, not stored twice, and keeps its thread, CRM activities, outbox items
// and the rep's undelivered actions. The same parse and store path as Gmail and Graph.
// Gmail's IMAP (X-GM-EXT-1) lists a message in one folder per label: there only All Mail is
// synced, each message once, its labels from X-GM-LABELS (imap-folder-layout.ts).
import type { ParsedMessage } from './types.ts';
import type { SyncProgress, SyncResult } from './gmail-sync.ts';
import { SyncBatch } from './sync-batch.ts';
import type { GraphSyncStore, SyncScope } from './graph-sync.ts';
import { createLogger } from '../platform/logger.ts';
import type { MessageIdentity } from '../store/message-reads.ts';
import { sourceDigest } from '../store/raw-encoding.ts';
import { StaleMessages } from './imap-stale-messages.ts';
import { FolderLayout } from './imap-folder-layout.ts';

const log = createLogger('mail.imap-sync');

export interface ImapFolderInfo {
  path: string;
  /** RFC 6154 attribute: \Sent, \Archive, \Trash, \Junk, \Drafts, \All, or null (INBOX is "\Inbox" here). */
  specialUse: string | null;
}

/** A folder as SELECT (or EXAMINE) reports it. */
export interface ImapFolderState {
  uidValidity: string;
  uidNext: number;
  /** CONDSTORE's HIGHESTMODSEQ, or null where the server has none. */
  highestModseq: string | null;
  /** QRESYNC is enabled on the connection and the folder keeps mod-sequences: changesSince() answers. */
  qresync: boolean;
}

/** What changed in the open folder since a mod-sequence (RFC 7162 §3.2.6). */
export interface ImapChanges {
  /** UIDs expunged since (VANISHED (EARLIER)); may name UIDs this client never had. */
  vanished: number[];
  /** Current flags of every message changed since, new messages included. */
  flags: ImapFlagState[];
}

/** A message's flags and, on a server with Gmail's extensions, its X-GM-LABELS. */
export interface ImapFlagState {
  uid: number;
  flags: string[];
  /** X-GM-LABELS ("\\Inbox", "Clients/Acme"); only where ImapSource.gmailExtensions. */
  labels?: string[];
}

export interface ImapFetched extends ImapFlagState {
  /** INTERNALDATE, ms. */
  internalDate: number | null;
  raw: Uint8Array;
}

/** What the engine needs of an IMAP connection (ImapProvider implements it over imapflow; tests fake it). */
export interface ImapSource {
  /** The server has Gmail's extensions (X-GM-EXT-1): fetches carry X-GM-LABELS. */
  readonly gmailExtensions: boolean;
  listFolders(): Promise<ImapFolderInfo[]>;
  /** Opens `path` read-only (EXAMINE) for the calls below. */
  open(path: string): Promise<ImapFolderState>;
  /** UID SEARCH ALL of the open folder; with `from`, UID SEARCH UID from:* and only the UIDs ≥ `from`. */
  uids(from?: number): Promise<number[]>;
  /** The sources of these UIDs (BODY.PEEK[], so \Seen is not set), in any order. */
  fetchSources(uids: readonly number[]): AsyncIterable<ImapFetched>;
  /** Flags of every message, or only of those changed since `modseq` (CHANGEDSINCE). */
  fetchFlags(changedSince: string | null): AsyncIterable<ImapFlagState>;
  /**
   * UID FETCH 1:* (FLAGS) (CHANGEDSINCE modseq VANISHED) of the open folder (RFC 7162 §3.2.6):
   * one command for the flag changes and the expunges since `modseq`. Null where open() said
   * `qresync: false`: the caller lists every UID instead.
   */
  changesSince(modseq: string): Promise<ImapChanges | null>;
}

interface FolderCursor {
  uidValidity: string;
  uidNext: number;
  highestModseq: string | null;
}

/** What a folder sync applies: UIDs expunged, UIDs to fetch (newest first), and flags to compare (read after the fetch). */
interface FolderDelta {
  gone: ReadonlySet<number>;
  missing: number[];
  flags: () => Iterable<ImapFlagState> | AsyncIterable<ImapFlagState>;
}

interface ImapCursor {
  v: 1;
  folders: Record<string, FolderCursor>;
}

/** Graph's sync store and what re-identifies a folder's messages across a new UIDVALIDITY. */
export interface ImapSyncStore extends GraphSyncStore {
  /** The identities of these stored messages (MessageRepository.identities). */
  messageIdentities(accountId: number, providerMessageIds: readonly string[]): MessageIdentity[];
  /** New provider ids for stored messages, [from, to] pairs, the rows kept (MessageRepository.renameMessages). */
  renameMessages(accountId: number, renames: ReadonlyArray<readonly [from: string, to: string]>): void;
}

export interface ImapSyncOptions {
  accountId: number;
  source: ImapSource;
  store: ImapSyncStore;
  parse: (raw: Uint8Array) => Promise<ParsedMessage>;
  onProgress?: (progress: SyncProgress) => void;
  batchSize?: number;
  signal?: AbortSignal;
}

/** UIDs fetched per command: bounded memory, and a commit (and inbox refresh) per batch. */
const FETCH_CHUNK = 100;

/** The store's provider id of a message: folder, UIDVALIDITY and UID (unique per RFC 3501 §2.3.1.1). */
export const imapMessageId = (path: string, uidValidity: string, uid: number) => `${path}\n${uidValidity}\n${uid}`;

/** The labels to add and remove to go from `have` to `want`. */
function labelChange(have: readonly string[], want: readonly string[]): { add: string[]; remove: string[] } {
  return { add: want.filter((l) => !have.includes(l)), remove: have.filter((l) => !want.includes(l)) };
}

export class ImapSync {
  readonly #o: ImapSyncOptions & { batchSize: number };
  /** The server's folders as this round found them. */
  #layout: FolderLayout | null = null;

  constructor(options: ImapSyncOptions) {
    this.#o = { batchSize: 100, ...options };
  }

  /** One round over every folder (`all`) or the Inbox and Sent (`new-mail`); the result's kind is 'full' on a first sync. */
  async sync(scope: SyncScope = 'all'): Promise<SyncResult> {
    const { store, accountId, source } = this.#o;
    const raw = store.getCursor(accountId);
    const cursor: ImapCursor = raw ? (JSON.parse(raw) as ImapCursor) : { v: 1, folders: {} };
    const first = !raw;
    const layout = new FolderLayout(await source.listFolders(), source.gmailExtensions);
    this.#layout = layout;
    if (scope === 'all' || first) {
      store.saveLabels(accountId, layout.labels());
      store.setFolderRoles(accountId, layout.roles());
    }
    const walked = layout.walked(scope === 'all' || first);
    const labels = store.labelsByMessage(accountId);
    const totals = { added: 0, deleted: 0, labelChanges: 0 };
    const progress: SyncProgress = { phase: first ? 'full' : 'incremental', done: 0, total: 0 };
    for (const folder of walked) {
      this.#o.signal?.throwIfAborted();
      const result = await this.#syncFolder(folder.path, cursor.folders[folder.path] ?? null, labels, progress);
      cursor.folders[folder.path] = result.cursor;
      totals.added += result.added;
      totals.deleted += result.deleted;
      totals.labelChanges += result.labelChanges;
      // Each folder's cursor is kept as soon as it is done: a stopped sync resumes at the next folder.
      store.setCursor(accountId, JSON.stringify(cursor), first ? 'full' : 'incremental');
    }
    if (scope === 'all') {
      // A folder deleted on the server takes its messages with it.
      const gone = [...labels.keys()].filter((id) => !layout.synced.some((f) => id.startsWith(`${f.path}\n`)));
      if (gone.length) store.deleteMessages(accountId, gone);
      totals.deleted += gone.length;
      for (const path of Object.keys(cursor.folders)) if (!layout.synced.some((f) => f.path === path)) delete cursor.folders[path];
      store.setCursor(accountId, JSON.stringify(cursor), first ? 'full' : 'incremental');
    }
    log.info('imap sync done', { accountId, folders: walked.length, ...totals });
    return { kind: first ? 'full' : 'incremental', ...totals, historyId: '' };
  }

  async #syncFolder(path: string, previous: FolderCursor | null, labels: Map<string, string[]>, progress: SyncProgress) {
    const { source, store, accountId } = this.#o;
    const layout = this.#layout!;
    const state = await source.open(path);
    const prefix = `${path}\n`;
    const current = `${prefix}${state.uidValidity}\n`;
    // Synced from All Mail alone, every stored message is this folder's, even one stored from another folder before.
    const storedHere = [...labels.keys()].filter((id) => layout.single || id.startsWith(prefix));
    // UIDVALIDITY changed (RFC 3501 §2.3.1.1): the old UIDs name nothing any more. Until the
    // folder is fetched again its old messages stay, each to be matched with its new UID.
    const stale = storedHere.filter((id) => !id.startsWith(current));
    const reclaim = stale.length ? new StaleMessages(store.messageIdentities(accountId, stale)) : null;
    if (stale.length) log.warn('UIDVALIDITY changed; the folder is fetched again and matched with what is stored', { accountId, folder: path, stored: stale.length });
    const known = new Map(storedHere.filter((id) => id.startsWith(current)).map((id) => [Number(id.slice(current.length)), id]));
    // Stale messages are matched only by a full listing: a resync would fetch just the UIDs above UIDNEXT.
    const delta = (stale.length ? null : await this.#resync(previous, state, known)) ?? (await this.#compare(previous, state, known));
    const expunged = [...delta.gone].map((uid) => known.get(uid)!);
    if (expunged.length) store.deleteMessages(accountId, expunged);
    progress.total += delta.missing.length;
    const fetched = await this.#fetch(path, state.uidValidity, delta.missing, progress, labels, reclaim);
    const added = fetched.added;
    const dropped = reclaim?.unclaimed() ?? [];
    if (dropped.length) store.deleteMessages(accountId, dropped);

    let labelChanges = fetched.labelChanges;
    for await (const m of delta.flags()) {
      const id = known.get(m.uid);
      if (!id || delta.gone.has(m.uid)) continue;
      const { add, remove } = labelChange(layout.serverOwned(path, labels.get(id) ?? []), layout.labelsOf(path, m));
      if (!add.length && !remove.length) continue;
      store.applyLabelChanges(accountId, id, add, remove);
      labelChanges += 1;
    }
    for (const id of [...stale, ...expunged]) labels.delete(id);
    return { cursor: { uidValidity: state.uidValidity, uidNext: state.uidNext, highestModseq: state.highestModseq }, added, deleted: dropped.length + expunged.length, labelChanges };
  }

  /**
   * The QRESYNC way (RFC 7162 §3.2.6), for a folder synced before under the same UIDVALIDITY
   * with a HIGHESTMODSEQ: no UID listing. An expunge takes a mod-sequence of its own there
   * (VANISHED (EARLIER) names the UIDs expunged since one), so an unchanged HIGHESTMODSEQ
   * means nothing was expunged or changed; a message added since has a UID at or above the
   * last UIDNEXT. Null when this does not apply.
   */
  async #resync(previous: FolderCursor | null, state: ImapFolderState, known: ReadonlyMap<number, string>): Promise<FolderDelta | null> {
    const { source } = this.#o;
    if (!state.qresync || !previous?.highestModseq || !state.highestModseq || previous.uidValidity !== state.uidValidity) return null;
    let changes: ImapChanges = { vanished: [], flags: [] };
    if (state.highestModseq !== previous.highestModseq) {
      const answer = await source.changesSince(previous.highestModseq);
      if (!answer) return null;
      changes = answer;
    }
    const noneAdded = state.uidNext > 0 && state.uidNext === previous.uidNext;
    const missing = noneAdded ? [] : (await source.uids(previous.uidNext || 1)).filter((uid) => !known.has(uid)).sort((a, b) => b - a);
    return { gone: new Set(changes.vanished.filter((uid) => known.has(uid))), missing, flags: () => changes.flags };
  }

  /** Every UID listed and compared with the store; flags changed since the last HIGHESTMODSEQ (CONDSTORE), or all of them. */
  async #compare(previous: FolderCursor | null, state: ImapFolderState, known: ReadonlyMap<number, string>): Promise<FolderDelta> {
    const { source } = this.#o;
    const onServer = new Set(await source.uids());
    const gone = new Set([...known.keys()].filter((uid) => !onServer.has(uid)));
    const missing = [...onServer].filter((uid) => !known.has(uid)).sort((a, b) => b - a);
    const sameValidity = previous?.uidValidity === state.uidValidity;
    const since = sameValidity && previous?.highestModseq && state.highestModseq ? previous.highestModseq : null;
    const unchanged = sameValidity && since !== null && since === state.highestModseq;
    return { gone, missing, flags: () => (unchanged ? [] : source.fetchFlags(since)) };
  }

  /**
   * Fetches `uids` newest first and stores them in batches; with `reclaim` (a new UIDVALIDITY),
   * a message that is one already stored is renamed to its new UID and its flags compared
   * instead. Returns the messages stored and the flag changes made to renamed ones.
   */
  async #fetch(path: string, uidValidity: string, uids: readonly number[], progress: SyncProgress, labels: Map<string, string[]>, reclaim: StaleMessages | null) {
    const { source, store, accountId, parse, batchSize } = this.#o;
    const batch = new SyncBatch({ store, accountId, batchSize, progress, onProgress: this.#o.onProgress });
    let labelChanges = 0;
    for (let start = 0; start < uids.length; start += FETCH_CHUNK) {
      this.#o.signal?.throwIfAborted();
      const renames: Array<[from: string, to: string]> = [];
      const relabels: Array<{ id: string; add: string[]; remove: string[] }> = [];
      for await (const m of source.fetchSources(uids.slice(start, start + FETCH_CHUNK))) {
        const providerMessageId = imapMessageId(path, uidValidity, m.uid);
        const wanted = this.#layout!.labelsOf(path, m);
        let parsed: ParsedMessage | null = null;
        if (reclaim) {
          const was = await reclaim.claim(sourceDigest(m.raw), async () => (parsed ??= await parse(m.raw)));
          if (was !== null) {
            // The folder (or Gmail's labels) and the flags are the server's to say; other labels are the rep's pending actions'.
            const have = this.#layout!.serverOwned(path, labels.get(was) ?? []);
            renames.push([was, providerMessageId]);
            const { add, remove } = labelChange(have, wanted);
            if (add.length || remove.length) relabels.push({ id: providerMessageId, add, remove });
            labels.delete(was);
            labels.set(providerMessageId, wanted);
            continue;
          }
        }
        parsed ??= await parse(m.raw);
        batch.push({
          incoming: { providerMessageId, providerThreadId: null, labels: wanted, internalDate: m.internalDate, raw: m.raw },
          parsed,
        });
      }
      batch.flush();
      if (renames.length) {
        store.renameMessages(accountId, renames);
        for (const { id, add, remove } of relabels) store.applyLabelChanges(accountId, id, add, remove);
        labelChanges += relabels.length;
        progress.done += renames.length;
        this.#o.onProgress?.({ ...progress });
      }
    }
    return { added: batch.stored, labelChanges };
  }
}
