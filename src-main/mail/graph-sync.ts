// Outlook synchronisation as Microsoft Graph describes it: per-folder message delta rounds
// (nextLink pages until a deltaLink, kept per folder as the next cursor), raw MIME fetched for
// messages the store lacks so Gmail and Outlook share one parser and one store path, and an
// expired delta token (410) resyncing only that folder without duplicates.
// Reference: https://learn.microsoft.com/graph/delta-query-messages
import type { ParsedMessage } from './types.ts';
import { MAX_BATCH_DELAY_MS, type SyncProgress, type SyncResult, type SyncStore } from './gmail-sync.ts';
import { DeltaExpiredError, type DeltaChange, type DeltaPage, type GraphFolderInfo } from './providers/graph.ts';
import { createLogger } from '../platform/logger.ts';
import { parseGraphCursor, type GraphCursor } from './graph-cursor.ts';
import { newRun, type Run } from './graph-run.ts';

const log = createLogger('mail.graph-sync');

/** What the engine needs of a Graph provider (GraphProvider implements it; tests fake it). */
export interface GraphSource {
  listFolders(): Promise<GraphFolderInfo[]>;
  /** A folder by its well-known name (https://learn.microsoft.com/graph/api/resources/mailfolder). */
  wellKnownFolder(name: WellKnownFolder): Promise<GraphFolderInfo>;
  delta(folderId: string, deltaLink: string | null): AsyncIterable<DeltaPage>;
  getMime(id: string): Promise<Uint8Array | null>;
}

/** The store as the Gmail engine sees it, plus where each stored message is filed. */
export interface GraphSyncStore extends SyncStore {
  /** provider message id → the ids of its stored labels (folder ids, UNREAD). */
  labelsByMessage(accountId: number): Map<string, string[]>;
  /** Which folder ids are the Inbox, Sent Items and Archive (actions need them offline). */
  setFolderRoles(accountId: number, roles: Record<string, string>): void;
}

export interface GraphSyncResult extends SyncResult {
  /** Folders walked. */
  folders: number;
  /** Folders whose delta token had expired and that were resynced from scratch. */
  resynced: string[];
}

export interface GraphSyncOptions {
  accountId: number;
  provider: GraphSource;
  store: GraphSyncStore;
  parse: (raw: Uint8Array) => Promise<ParsedMessage>;
  onProgress?: (progress: SyncProgress) => void;
  /** Messages per store transaction (default 50): small, so the event loop never stalls. */
  batchSize?: number;
  signal?: AbortSignal;
}

export const UNREAD_LABEL = 'UNREAD';
/** Outlook's flag, kept as Gmail's star is: a label beside the folder. */
export const STARRED_LABEL = 'STARRED';
const STATE_LABELS = new Set([UNREAD_LABEL, STARRED_LABEL]);
const isFolder = (label: string) => !STATE_LABELS.has(label);
/** Well-known folders the engine asks for by name; archive may not exist in every mailbox. */
export type WellKnownFolder = 'inbox' | 'sentitems' | 'archive';
const ROLE_FOLDERS = { inbox: 'inbox', sent: 'sentitems', archive: 'archive' } as const;

/** The state labels of a delta item; null fields (not selected) leave the stored state alone. */
function stateLabels(change: { isRead: boolean | null; flagged?: boolean | null }): string[] {
  return [...(change.isRead === false ? [UNREAD_LABEL] : []), ...(change.flagged ? [STARRED_LABEL] : [])];
}
/** What a round walks: every folder, or only where new mail lands (Inbox, Sent Items). */
export type SyncScope = 'all' | 'new-mail';
export const NEW_MAIL_FOLDERS = ['inbox', 'sentitems'] as const;
/** Raw messages fetched but not yet stored, at most: bounds memory on large folders. */
const FETCH_WINDOW = 400;


export class GraphSync {
  readonly #o: GraphSyncOptions & { batchSize: number };

  constructor(options: GraphSyncOptions) {
    this.#o = { batchSize: 50, ...options };
  }

  /**
   * One round. `all` walks every folder's delta (from its deltaLink, or from scratch the first
   * time), stores what is new, applies moves, read-state changes and removals, then records
   * the new deltaLinks. `new-mail` walks only Inbox and Sent Items (4 requests when nothing
   * changed), so new mail shows within seconds; removals it meets wait for the next `all`
   * round, which walks that folder again from the deltaLink kept for it. A first sync is
   * always `all`. Throws the provider's error when a request fails for good (the cursor is
   * then left as it was; messages already stored are not fetched again). Result `kind` is
   * 'full' for the first sync and when a folder's delta token had expired.
   */
  async sync(scope: SyncScope = 'all'): Promise<GraphSyncResult> {
    const previous = parseGraphCursor(this.#o.store.getCursor(this.#o.accountId));
    if (scope === 'new-mail') {
      const folders = await Promise.all(NEW_MAIL_FOLDERS.map((name) => this.#o.provider.wellKnownFolder(name)));
      if (folders.every((f) => previous.folders[f.id])) return this.#newMailRound(folders, previous);
    }
    return this.#allFoldersRound(previous);
  }

  async #newMailRound(folders: GraphFolderInfo[], previous: GraphCursor): Promise<GraphSyncResult> {
    const { store, accountId } = this.#o;
    const run = newRun(store, accountId, folders, { v: 1, folders: { ...previous.folders } }, 'incremental');
    this.#o.onProgress?.({ ...run.progress });
    await this.#walkAll(run, folders, previous);
    const deferred = new Set([...run.removals.values()].map((r) => r.folderId));
    for (const folderId of deferred) run.cursor.folders[folderId] = previous.folders[folderId]!;
    store.setCursor(accountId, JSON.stringify(run.cursor), 'incremental');
    // An expired token (410) was resynced from scratch: its removals need the whole round, now,
    // or every check would meet the same 410 again.
    if (run.resynced.length) return this.#allFoldersRound(parseGraphCursor(store.getCursor(accountId)));
    this.#o.onProgress?.({ ...run.progress });
    log.info('graph new-mail round done', { accountId, added: run.added, deferredRemovals: run.removals.size });
    return { kind: 'incremental', added: run.added, deleted: 0, labelChanges: run.labelChanges, historyId: '', folders: folders.length, resynced: run.resynced };
  }

  async #allFoldersRound(previous: GraphCursor): Promise<GraphSyncResult> {
    const { store, accountId, provider } = this.#o;
    // Deleted Items and Junk Email are left out: a message deleted in Outlook moves there, and
    // the folder it left reports it @removed, so it leaves the store as Gmail's trash does.
    const folders = (await provider.listFolders()).filter((f) => !f.excluded);
    store.saveLabels(accountId, [
      ...folders.map((f) => ({ id: f.id, name: f.path, type: f.topLevel ? 'system' : 'user' })),
      { id: UNREAD_LABEL, name: 'Unread', type: 'system' },
      { id: STARRED_LABEL, name: 'Flagged', type: 'system' },
    ]);
    await this.#recordRoles();
    const run = newRun(store, accountId, folders, { v: 1, folders: {} }, Object.keys(previous.folders).length ? 'incremental' : 'full');
    this.#o.onProgress?.({ ...run.progress });
    await this.#walkAll(run, folders, previous);
    // Messages filed in folders that no longer exist (and not seen elsewhere) are gone too.
    for (const [id, labels] of run.labels) {
      const folder = labels.find(isFolder);
      if (folder && !run.folderIds.has(folder) && !run.seenIn.has(id)) run.removals.set(`${folder}\n${id}`, { id, folderId: folder });
    }
    const deleted = this.#applyRemovals(run);
    // 'full' for a first sync or a 410 resync; a folder created since the last run is walked
    // from scratch too, but that is how Graph starts any folder and does not make the run full.
    const kind = !Object.keys(previous.folders).length || run.resynced.length ? 'full' : 'incremental';
    store.setCursor(accountId, JSON.stringify(run.cursor), kind);
    this.#o.onProgress?.({ ...run.progress });
    log.info('graph sync done', { accountId, kind, added: run.added, deleted, folders: folders.length, resynced: run.resynced.length });
    return { kind, added: run.added, deleted, labelChanges: run.labelChanges, historyId: '', folders: folders.length, resynced: run.resynced };
  }

  /** Records the Inbox, Sent Items and Archive folder ids; best effort (a mailbox may lack an Archive). */
  async #recordRoles(): Promise<void> {
    const roles: Record<string, string> = {};
    for (const [role, name] of Object.entries(ROLE_FOLDERS)) {
      try {
        roles[role] = (await this.#o.provider.wellKnownFolder(name)).id;
      } catch (error) {
        log.debug('well-known folder not found', { name, error: (error as Error).name });
      }
    }
    this.#o.store.setFolderRoles(this.#o.accountId, roles);
  }

  /** Walks the folders' deltas side by side; what was fetched is stored even when a walk fails. */
  async #walkAll(run: Run, folders: GraphFolderInfo[], previous: GraphCursor): Promise<void> {
    const walks = await Promise.allSettled(folders.map((folder) => this.#syncFolder(run, folder, previous.folders[folder.id] ?? null)));
    // Fetches under way finish (or fail) before the store may be closed by the caller.
    while (run.inFlight.size) await Promise.all(run.inFlight);
    // What was fetched is stored even when the run fails or is stopped: the cursor stays where
    // it was, and the next run finds these messages known and does not fetch them again.
    this.#flush(run);
    const walkFailure = walks.find((w): w is PromiseRejectedResult => w.status === 'rejected');
    if (walkFailure) throw walkFailure.reason;
    if (run.failure !== undefined) throw run.failure;
  }

  /** One folder's delta round; a 410 on an old deltaLink restarts the folder from scratch. */
  async #syncFolder(run: Run, folder: GraphFolderInfo, deltaLink: string | null): Promise<void> {
    try {
      await this.#walk(run, folder, deltaLink);
    } catch (error) {
      if (!(error instanceof DeltaExpiredError)) throw error;
      log.warn('delta token expired; resyncing the folder', { accountId: this.#o.accountId, folder: folder.path });
      run.resynced.push(folder.id);
      await this.#walk(run, folder, null);
    }
  }

  async #walk(run: Run, folder: GraphFolderInfo, deltaLink: string | null): Promise<void> {
    const full = deltaLink === null;
    const seen = new Set<string>();
    for await (const page of this.#o.provider.delta(folder.id, deltaLink)) {
      this.#o.signal?.throwIfAborted();
      if (run.failure !== undefined) throw run.failure;
      for (const change of page.changes) {
        if (change.kind === 'removed') {
          run.removals.set(`${folder.id}\n${change.id}`, { id: change.id, folderId: folder.id });
          continue;
        }
        run.removals.delete(`${folder.id}\n${change.id}`);
        seen.add(change.id);
        run.seenIn.set(change.id, change.folderId);
        await this.#upsert(run, change, full);
      }
      if (page.deltaLink) run.cursor.folders[folder.id] = page.deltaLink;
    }
    if (!full) return;
    // A walk from scratch lists the whole folder: what the store files here but the folder
    // no longer has was removed while the token was lost (410) or before the first sync.
    for (const [id, labels] of run.labels) {
      if (labels.includes(folder.id) && !seen.has(id)) run.removals.set(`${folder.id}\n${id}`, { id, folderId: folder.id });
    }
  }

  async #upsert(run: Run, change: Extract<DeltaChange, { kind: 'upsert' }>, full: boolean): Promise<void> {
    const { store, accountId } = this.#o;
    run.progress.total += 1;
    if (run.claimed.has(change.id)) {
      // Already fetched by this run (e.g. reported again by a resync): count it once.
      run.progress.total -= 1;
      return;
    }
    if (!run.known.has(change.id)) {
      run.claimed.add(change.id);
      while (run.inFlight.size >= FETCH_WINDOW) await new Promise<void>((resolve) => run.slotWaiters.push(resolve));
      const task = this.#fetch(run, change)
        .catch((error: unknown) => {
          run.failure ??= error;
        })
        .finally(() => {
          run.inFlight.delete(task);
          run.slotWaiters.shift()?.();
        });
      run.inFlight.add(task);
      return;
    }
    run.progress.done += 1;
    const current = run.labels.get(change.id) ?? [];
    const added: string[] = [];
    const removed: string[] = [];
    if (!current.includes(change.folderId)) {
      added.push(change.folderId);
      removed.push(...current.filter((l) => isFolder(l) && l !== change.folderId));
    }
    if (change.isRead === false && !current.includes(UNREAD_LABEL)) added.push(UNREAD_LABEL);
    if (change.isRead === true && current.includes(UNREAD_LABEL)) removed.push(UNREAD_LABEL);
    if (change.flagged === true && !current.includes(STARRED_LABEL)) added.push(STARRED_LABEL);
    if (change.flagged === false && current.includes(STARRED_LABEL)) removed.push(STARRED_LABEL);
    if (added.length || removed.length) {
      store.applyLabelChanges(accountId, change.id, added, removed);
      run.labels.set(change.id, [...current.filter((l) => !removed.includes(l)), ...added]);
      run.labelChanges += 1;
    }
    if (!full && run.progress.done % 200 === 0) this.#o.onProgress?.({ ...run.progress });
  }

  async #fetch(run: Run, change: Extract<DeltaChange, { kind: 'upsert' }>): Promise<void> {
    const raw = await this.#o.provider.getMime(change.id);
    if (!raw) {
      run.progress.total -= 1; // deleted between delta and $value; the next delta says so
      return;
    }
    // Await first: pushing while awaiting would bind a batch a concurrent flush replaced.
    const parsed = await this.#o.parse(raw);
    if (!run.batch.length) run.batchOpenedAt = Date.now();
    run.batch.push({
      incoming: {
        providerMessageId: change.id,
        providerThreadId: change.conversationId,
        labels: [change.folderId, ...stateLabels(change)],
        internalDate: change.receivedAt,
        raw,
      },
      parsed,
    });
    run.labels.set(change.id, [change.folderId, ...stateLabels(change)]);
    if (run.batch.length >= this.#o.batchSize || Date.now() - run.batchOpenedAt >= MAX_BATCH_DELAY_MS) this.#flush(run);
  }

  #flush(run: Run): void {
    if (!run.batch.length) return;
    this.#o.store.saveMessages(this.#o.accountId, run.batch);
    for (const item of run.batch) run.known.add(item.incoming.providerMessageId);
    run.added += run.batch.length;
    run.progress.done += run.batch.length;
    run.batch = [];
    this.#o.onProgress?.({ ...run.progress });
  }

  /**
   * Deletes removed messages, except one that this run saw filed in another folder (a move
   * that kept its id) or that the store files elsewhere: then only the folder label goes.
   */
  #applyRemovals(run: Run): number {
    const { store, accountId } = this.#o;
    const doomed = new Set<string>();
    for (const { id, folderId } of run.removals.values()) {
      if (!run.known.has(id)) continue;
      const now = run.seenIn.get(id);
      if (now !== undefined && now !== folderId) continue;
      const filed = (run.labels.get(id) ?? []).filter(isFolder);
      if (now === undefined && filed.length && !filed.includes(folderId) && filed.every((l) => run.folderIds.has(l))) continue;
      doomed.add(id);
    }
    if (doomed.size) store.deleteMessages(accountId, [...doomed]);
    return doomed.size;
  }
}
