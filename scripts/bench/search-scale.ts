// Grows an imported corpus to a real mailbox's size for the search benchmark: the stored
// messages copied `copies` times in SQL (each copy its own threads, provider ids and
// Message-IDs, dated a further 3 years back, with participants and labels), then indexed as
// the store indexes mail. Copies keep the corpus's words and their frequencies, so a query
// drawn from it matches `copies` times as many messages, as a mailbox 20× the size would.
import { indexStoredMessages } from '../../src-main/store/search-index.ts';
import type { Db } from '../../src-main/store/types.ts';

const SHIFT_MS = 3 * 365 * 86_400_000;

/** Adds `copies` copies of every stored message; resolves to the message count after. */
export function scaleCorpus(db: Db, copies: number): number {
  const maxMessage = db.prepare('SELECT max(id) FROM messages').pluck().get() as number;
  const maxThread = db.prepare('SELECT max(id) FROM threads').pluck().get() as number;
  const columns = (db.prepare('PRAGMA table_info(messages)').all() as Array<{ name: string }>)
    .map((c) => c.name)
    .filter((name) => !['id', 'search_key'].includes(name));
  const threadColumns = (db.prepare('PRAGMA table_info(threads)').all() as Array<{ name: string }>)
    .map((c) => c.name)
    .filter((name) => name !== 'id');
  const copy = db.transaction((k: number) => {
    const suffix = `'#copy${k}'`;
    const shift = k * SHIFT_MS;
    const threadValues = threadColumns.map((c) =>
      c === 'thread_key' ? `thread_key || ${suffix}` : c === 'last_message_at' ? `last_message_at - ${shift}` : c,
    );
    db.exec(`INSERT INTO threads (${threadColumns.join(', ')}) SELECT ${threadValues.join(', ')} FROM threads WHERE id <= ${maxThread}`);
    const values = columns.map((c) => {
      switch (c) {
        case 'provider_message_id':
          return `m.provider_message_id || ${suffix}`;
        case 'message_id_header':
          return `CASE WHEN m.message_id_header IS NULL THEN NULL ELSE m.message_id_header || ${suffix} END`;
        case 'thread_id':
          return `(SELECT n.id FROM threads n WHERE n.account_id = t.account_id AND n.thread_key = t.thread_key || ${suffix})`;
        case 'received_at':
        case 'internal_date':
        case 'date':
          return `m.${c} - ${shift}`;
        default:
          return `m.${c}`;
      }
    });
    db.exec(`INSERT INTO messages (${columns.join(', ')}) SELECT ${values.join(', ')}
      FROM messages m JOIN threads t ON t.id = m.thread_id WHERE m.id <= ${maxMessage}`);
    const pairs = `FROM messages o JOIN messages n ON n.account_id = o.account_id AND n.provider_message_id = o.provider_message_id || ${suffix}
      WHERE o.id <= ${maxMessage}`;
    db.exec(`INSERT INTO message_participants (message_id, role, address_id, position)
      SELECT n.id, p.role, p.address_id, p.position ${pairs.replace('WHERE', 'JOIN message_participants p ON p.message_id = o.id WHERE')}`);
    db.exec(`INSERT INTO message_labels (message_id, label_id)
      SELECT n.id, l.label_id ${pairs.replace('WHERE', 'JOIN message_labels l ON l.message_id = o.id WHERE')}`);
  });
  for (let k = 1; k <= copies; k++) copy(k);
  db.transaction(() => indexStoredMessages(db, { afterId: maxMessage }))();
  return db.prepare('SELECT count(*) FROM messages').pluck().get() as number;
}
