// Version 70: a partial index over unread messages, so the unread counts beside accounts
// and labels read only the unread rows (a few hundred in a kept inbox) at any mailbox size.
import type { Migration } from './index.ts';

export const migration0070: Migration = {
  version: 70,
  name: 'unread-index',
  up(db) {
    db.exec('CREATE INDEX messages_unread ON messages (account_id, thread_id) WHERE unread = 1;');
  },
};
