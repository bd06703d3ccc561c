// The store as the IMAP sync engine needs it: Graph's (folders as labels, roles) plus what
// re-identifies a folder's messages when the server gives it a new UIDVALIDITY.
import type { ProfileStore } from '../store/profile-store.ts';
import { graphSyncStoreFor } from './graph-sync-store.ts';
import type { ImapSyncStore } from './imap-sync.ts';

export function imapSyncStoreFor(store: ProfileStore): ImapSyncStore {
  return {
    ...graphSyncStoreFor(store),
    messageIdentities: (accountId, ids) => store.messages.identities(accountId, ids),
    // The rep's undelivered actions follow the renamed messages and are laid back over them.
    renameMessages: (accountId, renames) =>
      store.transaction(() => {
        store.messages.renameMessages(accountId, renames);
        store.mailActions.renameTargets(accountId, renames);
        store.mailActions.reapplyPending(accountId, new Set(renames.map(([, to]) => to)));
      }),
  };
}
