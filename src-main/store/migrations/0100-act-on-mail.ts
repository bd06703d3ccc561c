// Version 100: acting on mail. Drafts (with their attachments) kept as the rep types; the
// mail action queue (read state, star, archive, trash) replayed to the provider in order;
// and the send outbox, whose key is the message's own Message-ID so an attempt with an
// unknown outcome can be looked up at the provider before it is sent again.
import type { Migration } from './index.ts';

export const migration0100: Migration = {
  version: 100,
  name: 'act-on-mail',
  up(db) {
    db.exec(`
      -- What a label or folder is for the actions (inbox, archive, trash, sent), where the
      -- provider names it: Graph's well-known folders, whose ids differ per mailbox.
      ALTER TABLE labels ADD COLUMN role TEXT;

      -- recipients_json: {to, cc, bcc} arrays of {address, name}.
      CREATE TABLE drafts (
        id INTEGER PRIMARY KEY,
        account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        mode TEXT NOT NULL CHECK (mode IN ('new', 'reply', 'reply-all', 'forward')),
        source_message_id INTEGER REFERENCES messages(id) ON DELETE SET NULL,
        thread_id INTEGER REFERENCES threads(id) ON DELETE SET NULL,
        recipients_json TEXT NOT NULL,
        subject TEXT NOT NULL DEFAULT '',
        html TEXT NOT NULL DEFAULT '',
        quoted_html TEXT NOT NULL DEFAULT '',
        in_reply_to TEXT,
        references_json TEXT NOT NULL DEFAULT '[]',
        log_to_crm INTEGER NOT NULL DEFAULT 0,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );
      CREATE TABLE draft_attachments (
        draft_id INTEGER NOT NULL REFERENCES drafts(id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        filename TEXT NOT NULL,
        content_type TEXT NOT NULL,
        content BLOB NOT NULL,
        PRIMARY KEY (draft_id, position)
      ) WITHOUT ROWID;

      -- provider_ids_json: the provider's message ids; labels_json: {added, removed}, the
      -- local label change made at once and re-applied over syncs until delivered.
      CREATE TABLE mail_actions (
        id INTEGER PRIMARY KEY,
        account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        action TEXT NOT NULL CHECK (action IN ('read', 'unread', 'star', 'unstar', 'archive', 'trash', 'inbox', 'label', 'unlabel')),
        provider_ids_json TEXT NOT NULL,
        labels_json TEXT NOT NULL,
        state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'done', 'failed')),
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at INTEGER NOT NULL,
        last_error TEXT,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );
      CREATE INDEX mail_actions_pending ON mail_actions (account_id, id) WHERE state = 'pending';

      -- message_id_header: the Message-ID written into raw, the idempotency key.
      -- sending: handed to the provider, outcome unknown until recorded; any attempt after the
      -- first looks the Message-ID up at the provider before sending. The draft is kept (hidden)
      -- until the message is sent, so Undo gives it back as it was.
      CREATE TABLE send_outbox (
        id INTEGER PRIMARY KEY,
        account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        message_id_header TEXT NOT NULL UNIQUE,
        provider_thread_id TEXT,
        subject TEXT NOT NULL,
        recipients_json TEXT NOT NULL,
        draft_id INTEGER REFERENCES drafts(id) ON DELETE SET NULL,
        raw BLOB NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('scheduled', 'pending', 'sending', 'sent', 'failed')),
        send_at INTEGER NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at INTEGER NOT NULL,
        last_error TEXT,
        provider_message_id TEXT,
        -- The rep's "Log to CRM" choice: 0 keeps the auto-log rule off the sent copy; 1 logs it
        -- once it has synced in; 2: handed to the CRM outbox.
        log_to_crm INTEGER NOT NULL DEFAULT 0,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );
      CREATE INDEX send_outbox_due ON send_outbox (state, next_attempt_at);
      CREATE INDEX send_outbox_by_message_id ON send_outbox (account_id, message_id_header);
    `);
  },
};
