// The shapes graph.ts reads from Microsoft Graph and hands to the sync engine
// (https://learn.microsoft.com/graph/api/resources/mailfolder, .../message-delta).
/** A mail folder with its display path ("Inbox/Projects"). */
export interface GraphFolderInfo {
  id: string;
  displayName: string;
  path: string;
  parentFolderId: string | null;
  totalItemCount: number;
  /** True for top-level folders (Inbox, Sent Items, …). */
  topLevel: boolean;
  /** Deleted Items, Junk Email and their subfolders: not synced, as Gmail's sync leaves out TRASH and SPAM. */
  excluded: boolean;
}

/** Well-known folders (https://learn.microsoft.com/graph/api/resources/mailfolder) a sync leaves out. */
export const EXCLUDED_WELL_KNOWN_FOLDERS = ['deleteditems', 'junkemail'] as const;

/** One delta item: a message now in the folder (new or changed), or a removal. */
export type DeltaChange =
  | { kind: 'upsert'; id: string; conversationId: string | null; folderId: string; receivedAt: number | null; isRead: boolean | null; flagged?: boolean | null }
  | { kind: 'removed'; id: string };

export interface DeltaPage {
  changes: DeltaChange[];
  /** Present on the round's last page: the cursor for the next sync. */
  deltaLink?: string;
}

/** The delta or skip token is gone (HTTP 410, syncStateNotFound): the folder must resync from scratch. */
export class DeltaExpiredError extends Error {
  readonly folderId: string;
  constructor(folderId: string) {
    super(`the delta token of folder ${folderId} expired`);
    this.name = 'DeltaExpiredError';
    this.folderId = folderId;
  }
}

/** A message as the delta response carries it ($select=DELTA_SELECT). */
export interface RawDeltaItem {
  id?: string;
  conversationId?: string;
  parentFolderId?: string;
  receivedDateTime?: string;
  isRead?: boolean;
  flag?: { flagStatus?: string };
  '@removed'?: { reason?: string };
}

/** A mailFolder resource as listed ($select=id,displayName,parentFolderId,childFolderCount,totalItemCount). */
export interface RawFolder {
  id: string;
  displayName?: string;
  parentFolderId?: string;
  childFolderCount?: number;
  totalItemCount?: number;
}
