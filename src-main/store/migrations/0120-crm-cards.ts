// Version 120: what the contact card shows beyond name, company and owner (title, phone,
// status, company id, last activity, record link) and the contact's open deals, cached per
// CRM contact as JSON so the card reads offline; and the deal a rep logged an email to.
import type { Migration } from './index.ts';

export const migration0120: Migration = {
  version: 120,
  name: 'crm-cards',
  up(db) {
    db.exec(`
      ALTER TABLE contacts ADD COLUMN details_json TEXT;
      ALTER TABLE contacts ADD COLUMN deals_json TEXT;
      ALTER TABLE contacts ADD COLUMN deals_fetched_at INTEGER;
    `);
  },
};
