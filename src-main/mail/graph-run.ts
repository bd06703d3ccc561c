// One Graph sync round's working state (graph-sync.ts): what the store holds, what this
// round saw, fetched and removed, and the cursor it will record.
import type { IncomingMessage, ParsedMessage } from './types.ts';
import type { SyncProgress } from './gmail-sync.ts';
import type { GraphCursor } from './graph-cursor.ts';
import type { GraphFolderInfo } from './providers/graph.ts';
import type { GraphSyncStore } from './graph-sync.ts';

export interface Run {
  known: Set<string>;
  labels: Map<string, string[]>;
  folderIds: Set<string>;
  /** Ids fetched (or being fetched) in this run. */
  claimed: Set<string>;
  /** id → folder, for every upsert this run saw (a move keeping its id shows up here). */
  seenIn: Map<string, string>;
  /** `folderId\nid` → removal; a later upsert of the id in the same folder cancels it (latest state wins). */
  removals: Map<string, { id: string; folderId: string }>;
  cursor: GraphCursor;
  resynced: string[];
  added: number;
  labelChanges: number;
  progress: SyncProgress;
  inFlight: Set<Promise<void>>;
  /** Walks waiting for a fetch slot (a queue, not Promise.race: racing 400 promises per message is quadratic). */
  slotWaiters: Array<() => void>;
  batch: Array<{ incoming: IncomingMessage; parsed: ParsedMessage }>;
  /** When the first message of the open batch arrived, ms. */
  batchOpenedAt: number;
  failure: unknown;
}

/** A round over `folders` starting from what the store holds for the account. */
export function newRun(store: GraphSyncStore, accountId: number, folders: GraphFolderInfo[], cursor: GraphCursor, phase: SyncProgress['phase']): Run {
  return {
    known: store.knownProviderIds(accountId),
    labels: store.labelsByMessage(accountId),
    folderIds: new Set(folders.map((f) => f.id)),
    claimed: new Set(),
    seenIn: new Map(),
    removals: new Map(),
    cursor,
    resynced: [],
    added: 0,
    labelChanges: 0,
    progress: { phase, done: 0, total: 0 },
    inFlight: new Set(),
    slotWaiters: [],
    batch: [],
    batchOpenedAt: 0,
    failure: undefined,
  };
}
