// The store as the Graph sync engine needs it: the shared SyncStore adapter plus where each
// stored message is filed (its folder and UNREAD labels), which delta moves and removals need.
import type { ProfileStore } from '../store/profile-store.ts';
import { syncStoreFor } from './sync-store.ts';
import type { GraphSyncStore } from './graph-sync.ts';

export function graphSyncStoreFor(store: ProfileStore): GraphSyncStore {
  const labelsOf = store.db.prepare<[number], { id: string; label: string }>(
    `SELECT m.provider_message_id AS id, l.provider_label_id AS label
       FROM messages m JOIN message_labels ml ON ml.message_id = m.id JOIN labels l ON l.id = ml.label_id
      WHERE m.account_id = ?`,
  );
  return {
    ...syncStoreFor(store),
    labelsByMessage(accountId) {
      const out = new Map<string, string[]>();
      for (const row of labelsOf.iterate(accountId)) {
        const list = out.get(row.id);
        if (list) list.push(row.label);
        else out.set(row.id, [row.label]);
      }
      return out;
    },
  };
}
