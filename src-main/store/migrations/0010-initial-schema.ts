// Version 10: the first schema — accounts and their credentials, the offline mail copy
// (messages, threads, participants, labels, FTS5 index), sync cursors, and the CRM side
// (cached contacts, logged activities, the durable outbox).
import type { Migration } from './index.ts';

// Times are ms since the Unix epoch (INTEGER). JSON columns hold TEXT written by the
// repositories. Addresses are stored lower-cased. ON DELETE CASCADE lets removing an
// account remove everything it owns.
const SQL = `
CREATE TABLE accounts (
  id INTEGER PRIMARY KEY,
  provider TEXT NOT NULL CHECK (provider IN ('gmail', 'microsoft', 'import')),
  email TEXT NOT NULL,
  display_name TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL DEFAULT 'connected'
    CHECK (status IN ('connected', 'reconnect_required', 'disconnected')),
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  UNIQUE (provider, email)
);

CREATE TABLE account_credentials (
  account_id INTEGER PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
  tokens_json TEXT NOT NULL,
  updated_at INTEGER NOT NULL
);

-- thread_key: 'p:' + provider thread id, or 'l:' + local key (root Message-ID or 's:' + subject).
CREATE TABLE threads (
  id INTEGER PRIMARY KEY,
  account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  thread_key TEXT NOT NULL,
  provider_thread_id TEXT,
  subject TEXT NOT NULL DEFAULT '',
  last_message_at INTEGER NOT NULL DEFAULT 0,
  message_count INTEGER NOT NULL DEFAULT 0,
  UNIQUE (account_id, thread_key)
);
CREATE INDEX threads_by_account_recent ON threads (account_id, last_message_at DESC, id DESC);

-- received_at: provider receive time, else the Date header, else 0; the sort key.
-- raw stays the last column so reads of the other columns never touch its overflow pages.
CREATE TABLE messages (
  id INTEGER PRIMARY KEY,
  account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  provider_message_id TEXT NOT NULL,
  thread_id INTEGER NOT NULL REFERENCES threads(id),
  message_id_header TEXT,
  subject TEXT NOT NULL DEFAULT '',
  from_address TEXT,
  from_name TEXT NOT NULL DEFAULT '',
  date INTEGER,
  internal_date INTEGER,
  received_at INTEGER NOT NULL,
  snippet TEXT NOT NULL DEFAULT '',
  body_text TEXT NOT NULL DEFAULT '',
  body_html TEXT,
  has_attachments INTEGER NOT NULL DEFAULT 0,
  attachments_json TEXT NOT NULL DEFAULT '[]',
  warnings_json TEXT NOT NULL DEFAULT '[]',
  unread INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  raw BLOB NOT NULL,
  UNIQUE (account_id, provider_message_id)
);
CREATE INDEX messages_by_thread ON messages (thread_id, received_at);
CREATE INDEX messages_by_message_id_header ON messages (account_id, message_id_header);
CREATE INDEX messages_with_warnings ON messages (id) WHERE warnings_json <> '[]';

CREATE TABLE addresses (
  id INTEGER PRIMARY KEY,
  address TEXT NOT NULL UNIQUE,
  display_name TEXT NOT NULL DEFAULT ''
);

CREATE TABLE message_participants (
  message_id INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
  role TEXT NOT NULL CHECK (role IN ('from', 'to', 'cc', 'bcc', 'reply_to')),
  address_id INTEGER NOT NULL REFERENCES addresses(id),
  position INTEGER NOT NULL,
  PRIMARY KEY (message_id, role, address_id)
) WITHOUT ROWID;
CREATE INDEX message_participants_by_address ON message_participants (address_id, message_id);

CREATE TABLE labels (
  id INTEGER PRIMARY KEY,
  account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  provider_label_id TEXT NOT NULL,
  name TEXT NOT NULL,
  type TEXT NOT NULL DEFAULT 'user' CHECK (type IN ('system', 'user')),
  UNIQUE (account_id, provider_label_id)
);

CREATE TABLE message_labels (
  message_id INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
  label_id INTEGER NOT NULL REFERENCES labels(id) ON DELETE CASCADE,
  PRIMARY KEY (message_id, label_id)
) WITHOUT ROWID;
CREATE INDEX message_labels_by_label ON message_labels (label_id, message_id);

-- history_cursor: Gmail historyId or Graph deltaLink, opaque TEXT.
CREATE TABLE sync_state (
  account_id INTEGER PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
  history_cursor TEXT,
  state TEXT NOT NULL DEFAULT 'never_synced',
  last_full_sync_at INTEGER,
  last_incremental_sync_at INTEGER,
  last_error TEXT,
  updated_at INTEGER NOT NULL
);

CREATE TABLE contacts (
  id INTEGER PRIMARY KEY,
  crm TEXT NOT NULL,
  crm_contact_id TEXT NOT NULL,
  email TEXT NOT NULL,
  name TEXT NOT NULL DEFAULT '',
  company TEXT NOT NULL DEFAULT '',
  owner TEXT NOT NULL DEFAULT '',
  updated_at INTEGER NOT NULL,
  UNIQUE (crm, crm_contact_id)
);
CREATE INDEX contacts_by_email ON contacts (email);

CREATE TABLE activities (
  id INTEGER PRIMARY KEY,
  message_id INTEGER REFERENCES messages(id) ON DELETE SET NULL,
  contact_id INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
  crm TEXT NOT NULL,
  crm_activity_id TEXT NOT NULL,
  logged_at INTEGER NOT NULL,
  UNIQUE (crm, crm_activity_id)
);
CREATE INDEX activities_by_message ON activities (message_id);
CREATE INDEX activities_by_contact ON activities (contact_id, logged_at);

CREATE TABLE outbox (
  id INTEGER PRIMARY KEY,
  idempotency_key TEXT NOT NULL UNIQUE,
  message_id INTEGER REFERENCES messages(id) ON DELETE SET NULL,
  contact_id INTEGER REFERENCES contacts(id) ON DELETE SET NULL,
  state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'in_flight', 'done', 'failed')),
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,
  last_error TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX outbox_due ON outbox (state, next_attempt_at);

-- Contentless: the text already lives in messages; rowid = messages.id, kept in step by
-- the message repository. contentless_delete=1 (SQLite >= 3.43) allows row deletes.
CREATE VIRTUAL TABLE messages_fts USING fts5 (
  subject, sender, recipients, body,
  content = '', contentless_delete = 1,
  tokenize = 'unicode61 remove_diacritics 2'
);
-- Also covers deletes cascading from accounts; without it an orphaned FTS row would
-- collide with a reused messages.id.
CREATE TRIGGER messages_fts_after_delete AFTER DELETE ON messages BEGIN
  DELETE FROM messages_fts WHERE rowid = old.id;
END;
`;

export const migration0010: Migration = {
  version: 10,
  name: 'initial-schema',
  up(db) {
    db.exec(SQL);
  },
};
