// The store as the Graph sync engine needs it: the shared SyncStore adapter plus where each
// stored message is filed (its folder and UNREAD labels), which delta moves and removals need.
import type { ProfileStore } from '../store/profile-store.ts';
import { syncStoreFor } from './sync-store.ts';
import type { GraphSyncStore } from './graph-sync.ts';

export function graphSyncStoreFor(store: ProfileStore): GraphSyncStore {
  return {
    ...syncStoreFor(store),
    labelsByMessage: (accountId) => store.messages.labelsByMessage(accountId),
    setFolderRoles: (accountId, roles) => store.mailActions.setRoles(accountId, roles),
  };
}
