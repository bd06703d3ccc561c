// Adapts the store's repositories to what the sync engines need (SyncStore), so engines
// stay independent of the schema and tests can hand them an in-memory double. What the rep
// did that the provider has not heard of yet is laid back over whatever a sync writes.
import type { ProfileStore } from '../store/profile-store.ts';
import type { SyncStore } from './gmail-sync.ts';
import { messageToSave } from './thread-key.ts';

export function syncStoreFor(store: ProfileStore): SyncStore {
  return {
    knownProviderIds: (accountId) => store.messages.knownProviderIds(accountId),
    saveMessages: (accountId, items) => {
      store.messages.saveMessages(accountId, items.map(({ incoming, parsed, encoded }) => messageToSave(incoming, parsed, encoded)));
      store.mailActions.reapplyPending(accountId, new Set(items.map((item) => item.incoming.providerMessageId)));
    },
    deleteMessages: (accountId, ids) => void store.messages.deleteMessages(accountId, ids),
    applyLabelChanges: (accountId, id, added, removed) => {
      if (store.messages.applyLabelChanges(accountId, id, added, removed)) store.mailActions.reapplyPending(accountId, new Set([id]));
    },
    saveLabels: (accountId, labels) =>
      store.messages.upsertLabels(accountId, labels.map((l) => ({ providerLabelId: l.id, name: l.name, type: l.type }))),
    getCursor: (accountId) => store.syncState.get(accountId)?.historyCursor ?? null,
    setCursor: (accountId, cursor, kind) => {
      const at = Date.now();
      store.syncState.set(accountId, {
        historyCursor: cursor,
        state: 'idle',
        lastError: null,
        ...(kind === 'full' ? { lastFullSyncAt: at } : { lastIncrementalSyncAt: at }),
      });
    },
  };
}
