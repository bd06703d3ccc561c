// Version 140: an index over when each message was first stored, per account. A sync that
// ends asks which of the account's messages it added (CRM matching and the auto-log rule
// act on those); without the index that question read every message row on the app's main
// thread after every sync, every 30 s: ~50 ms at 5,000 messages, about a second at 100,000.
import type { Migration } from './index.ts';

export const migration0140: Migration = {
  version: 140,
  name: 'created-index',
  up(db) {
    db.exec('CREATE INDEX messages_created ON messages (account_id, created_at);');
  },
};
