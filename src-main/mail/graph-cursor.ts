// sync_state.history_cursor for Graph: one deltaLink per folder id
// (https://learn.microsoft.com/graph/delta-query-messages), and the ids of the well-known
// folders new-mail rounds walk.
export interface GraphCursor {
  v: 1;
  /** Folder id → the deltaLink its last completed round ended with. */
  folders: Record<string, string>;
}

/** The cursor stored for an account; an empty one (a first sync) for none or for text not ours. */
export function parseGraphCursor(text: string | null): GraphCursor {
  if (!text) return { v: 1, folders: {} };
  try {
    const parsed = JSON.parse(text) as Partial<GraphCursor>;
    if (parsed.v === 1 && parsed.folders && typeof parsed.folders === 'object') return { v: 1, folders: { ...parsed.folders } };
  } catch {
    // not ours (e.g. written by another provider): start over
  }
  return { v: 1, folders: {} };
}
