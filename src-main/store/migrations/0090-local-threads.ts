// Version 90: threads for mail without a provider thread id (issue 10 item 4). Threads get
// their base subject (RFC 5256 §2.1), and the local threads already stored are regrouped as
// local-threading.ts threads new mail: a thread whose root Message-ID (its key) is a message
// of another thread joins it, then same base subject + a shared correspondent within 30
// days. Oldest first, so each thread meets the groups formed before it. Gmail and Outlook
// threads are left as their providers made them.
import { baseSubjectKey, LocalThreading } from '../local-threading.ts';
import { RECOUNT_THREAD_SQL } from '../message-repository.ts';
import type { Migration } from './index.ts';

interface LocalThread {
  id: number;
  account_id: number;
  thread_key: string;
  subject: string;
  first_at: number;
}

export const migration0090: Migration = {
  version: 90,
  name: 'local-threads',
  up(db) {
    db.exec(`
      ALTER TABLE threads ADD COLUMN base_subject TEXT NOT NULL DEFAULT '';
      CREATE INDEX threads_by_base_subject ON threads (account_id, base_subject, last_message_at) WHERE provider_thread_id IS NULL;
    `);
    const setBase = db.prepare<[string, number]>('UPDATE threads SET base_subject = ? WHERE id = ?');
    for (const t of db.prepare('SELECT id, subject FROM threads').all() as Array<{ id: number; subject: string }>) {
      setBase.run(baseSubjectKey(t.subject), t.id);
    }

    const threading = new LocalThreading(db);
    const addresses = db.prepare<[number], string>(
      `SELECT DISTINCT a.address FROM messages m JOIN message_participants p ON p.message_id = m.id JOIN addresses a ON a.id = p.address_id
       WHERE m.thread_id = ? AND p.role IN ('from', 'to', 'cc')`,
    ).pluck();
    const move = db.prepare<[number, number]>('UPDATE messages SET thread_id = ? WHERE thread_id = ?');
    const drop = db.prepare<[number]>('DELETE FROM threads WHERE id = ?');
    const recount = db.prepare<[{ id: number }]>(RECOUNT_THREAD_SQL);
    const owners = new Map((db.prepare('SELECT id, lower(email) AS email FROM accounts').all() as Array<{ id: number; email: string }>).map((a) => [a.id, a.email]));
    const local = db.prepare(
      `SELECT t.id, t.account_id, t.thread_key, t.subject, (SELECT min(received_at) FROM messages WHERE thread_id = t.id) AS first_at
       FROM threads t WHERE t.provider_thread_id IS NULL ORDER BY first_at, t.id`,
    ).all() as LocalThread[];
    for (const t of local) {
      // The key is 'l:' + the root Message-ID the thread's first message named (or its own).
      const root = t.thread_key.startsWith('l:') && !/^l:(subject|x|nosubject):/.test(t.thread_key) ? t.thread_key.slice(2) : null;
      const target = threading.threadFor(
        t.account_id,
        { messageId: null, inReplyTo: null, references: root ? [root] : [], subject: t.subject, receivedAt: t.first_at ?? 0, addresses: addresses.all(t.id).filter((a) => a !== owners.get(t.account_id)) },
        t.id,
      );
      if (target === null) continue;
      move.run(target, t.id);
      drop.run(t.id);
      recount.run({ id: target });
    }
  },
};
