// Version 40: the CRM side of one-click logging — the HubSpot connection (token inside the
// encrypted database only), a negative cache of addresses the CRM does not know, and the
// durable outbox rebuilt to carry everything a send needs after a crash or a local delete.
import type { Migration } from './index.ts';

// Numbered 40, not 20: profiles created while 30 was the latest are at user_version 30 and
// would silently skip a 20.
//
// outbox.state: pending (due at next_attempt_at) → in_flight (written BEFORE the request)
// → done | failed; `unknown` is an attempt whose outcome was lost (crash between the CRM's
// 2xx and markDone, or a dropped response): the CRM is asked before sending again.
// The table has always been empty so far, so it is recreated rather than altered.
const SQL = `
DROP TABLE outbox;
CREATE TABLE outbox (
  id INTEGER PRIMARY KEY,
  idempotency_key TEXT NOT NULL UNIQUE,
  crm TEXT NOT NULL,
  message_id INTEGER REFERENCES messages(id) ON DELETE SET NULL,
  contact_id INTEGER REFERENCES contacts(id) ON DELETE SET NULL,
  crm_contact_id TEXT NOT NULL,
  contact_email TEXT NOT NULL,
  -- The EmailActivity snapshot taken at enqueue (subject, bodies, addresses, timestamp).
  payload_json TEXT NOT NULL,
  state TEXT NOT NULL DEFAULT 'pending'
    CHECK (state IN ('pending', 'in_flight', 'unknown', 'done', 'failed')),
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,
  last_attempt_at INTEGER,
  -- Why the item waits: unreachable | rate_limited | server | auth | paused; null when not waiting.
  wait_reason TEXT,
  last_error TEXT,
  crm_activity_id TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
-- Due items, oldest due first: one range per waiting state, so done rows are never visited.
CREATE INDEX outbox_due ON outbox (state, next_attempt_at);
-- Per-contact order: "is there an earlier live item for this contact?"
CREATE INDEX outbox_by_contact ON outbox (crm, crm_contact_id, id) WHERE state IN ('pending', 'unknown', 'in_flight');
CREATE INDEX outbox_by_message ON outbox (message_id);

CREATE TABLE crm_connections (
  crm TEXT PRIMARY KEY,
  access_token TEXT,
  account_label TEXT,
  status TEXT NOT NULL DEFAULT 'connected'
    CHECK (status IN ('connected', 'reconnect_required', 'disconnected')),
  last_error TEXT,
  connected_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) WITHOUT ROWID;

-- Addresses looked up in the CRM and not found; re-asked once checked_at is old enough.
CREATE TABLE crm_contact_misses (
  crm TEXT NOT NULL,
  email TEXT NOT NULL,
  checked_at INTEGER NOT NULL,
  PRIMARY KEY (crm, email)
) WITHOUT ROWID;

CREATE INDEX contacts_by_crm_email ON contacts (crm, email);
`;

export const migration0040: Migration = {
  version: 40,
  name: 'crm-outbox',
  up(db) {
    db.exec(SQL);
  },
};
