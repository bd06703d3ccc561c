// The demo's steps that look at mail: new messages for the incremental sync, example
// searches (fixed for the sample, derived from the data for a mailbox of your own),
// one message shown in full, store figures, and the check that no plaintext is on disk.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import MailComposer from 'nodemailer/lib/mail-composer';
import type { GmailEmulator } from '../../test/emulators/gmail/gmail-emulator.ts';
import { databaseOf, type ProfileStore } from '../../src-main/store/profile-store.ts';
import type { SearchHit } from '../../src-main/store/types.ts';
import { showMessage } from '../../src-main/cli/show.ts';
import { SAMPLE_REP } from '../sample-mailbox.ts';
import { detail, say, table } from './ui.ts';

/** A word none of the loaded mail contains, so its search shows exactly the new messages. */
const NEW_MAIL_WORD = 'countersigned';

interface Correspondent {
  address: string;
  name: string;
}

/**
 * Adds four messages to the Gmail emulator as if they had just arrived — a customer's reply
 * in the newest thread and three new threads — and stars the message replied to, so the
 * next sync has additions and a label change to read from history.list.
 */
export async function addNewMail(store: ProfileStore, gmail: GmailEmulator, accountId: number) {
  const rep = store.accounts.get(accountId)!.email;
  const latest = databaseOf(store)
    .prepare<[number, string], { id: number; header: string; subject: string; address: string; name: string; at: number }>(
      `SELECT id, message_id_header AS header, subject, from_address AS address, from_name AS name, received_at AS at
       FROM messages WHERE account_id = ? AND from_address IS NOT NULL AND from_address <> ? AND message_id_header IS NOT NULL
       ORDER BY received_at DESC LIMIT 1`,
    )
    .get(accountId, rep);
  const contacts = databaseOf(store)
    .prepare<[number, string], Correspondent>(
      `SELECT from_address AS address, max(from_name) AS name FROM messages
       WHERE account_id = ? AND from_address IS NOT NULL AND from_address <> ?
       GROUP BY from_address ORDER BY count(*) DESC, from_address LIMIT 3`,
    )
    .all(accountId, rep);
  if (!latest || contacts.length === 0) throw new Error('the synced mailbox has no message from anyone but the rep');

  const me = { name: SAMPLE_REP.name, address: rep };
  let when = Math.max(latest.at, Date.now()) + 3600_000;
  const compose = async (from: Correspondent, subject: string, text: string, thread?: { header: string }) => {
    when += 20 * 60_000;
    const raw = await new MailComposer({
      from: { name: from.name, address: from.address },
      to: me,
      subject,
      date: new Date(when),
      messageId: `<new-${when}@${from.address.split('@')[1] ?? 'example.test'}>`,
      ...(thread ? { inReplyTo: `<${thread.header}>`, references: [`<${thread.header}>`] } : {}),
      text: `Hi ${me.name.split(' ')[0]},\n\n${text}\n\nBest,\n${from.name || from.address}\n`,
    }).compile().build();
    gmail.addMessage(raw, ['INBOX', 'UNREAD'], { internalDate: when });
  };

  const replySubject = /^re:/i.test(latest.subject) ? latest.subject : `Re: ${latest.subject}`;
  await compose(latest, replySubject, `Signed and ${NEW_MAIL_WORD} on our side; the PDF is in the data room.`, latest);
  const topics = ['Order form for the expansion', 'Renewal paperwork', 'Kick-off for the new team'];
  for (const [i, contact] of contacts.entries()) {
    await compose(contact, topics[i]!, `The order form came back ${NEW_MAIL_WORD} this morning. Can we schedule the kick-off?`);
  }
  const providerId = store.messages.getMessage(latest.id)!.providerMessageId;
  gmail.modifyLabels(providerId, ['STARRED'], []);

  detail(`In Gmail now: a reply from ${latest.name || latest.address} in "${latest.subject}",`);
  detail(`${contacts.length} new threads from ${contacts.map((c) => c.name || c.address).join(', ')},`);
  detail(`and a star on the message replied to. Each says "${NEW_MAIL_WORD}".`);
  return { added: 1 + contacts.length, word: NEW_MAIL_WORD };
}

export interface ExampleSearch {
  label: string;
  query: string;
}

/** The sample's searches; for another mailbox, a sender, a subject phrase and a word found in it. */
export function exampleSearches(store: ProfileStore, sample: boolean, rep: string): ExampleSearch[] {
  if (sample) {
    return [
      { label: 'a sender', query: 'from:ana.trujillo@northwind.example' },
      { label: 'subject phrase', query: 'subject:"security questionnaire"' },
      { label: 'a word in the body', query: 'residency' },
      { label: 'words anywhere', query: 'annual billing contoso' },
    ];
  }
  const sender = databaseOf(store)
    .prepare<[string], { address: string }>(
      `SELECT from_address AS address FROM messages WHERE from_address IS NOT NULL AND from_address <> ?
       GROUP BY from_address ORDER BY count(*) DESC LIMIT 1`,
    )
    .get(rep);
  const subject = databaseOf(store)
    .prepare<[], { subject: string }>(`SELECT subject FROM threads WHERE subject <> '' ORDER BY message_count DESC, id LIMIT 1`)
    .get();
  const phrase = subject?.subject.replace(/^((re|fwd?|aw|wg)\s*:\s*)+/i, '').split(/\s+/).filter((w) => /[\p{L}\p{N}]/u.test(w)).slice(0, 3)
    .join(' ').replaceAll('"', '');
  const snippets = databaseOf(store).prepare<[], { snippet: string }>('SELECT snippet FROM messages ORDER BY id LIMIT 200').all();
  const word = snippets.map((s) => /\b\p{L}{8,}\b/u.exec(s.snippet)?.[0]).find(Boolean);
  return [
    ...(sender ? [{ label: 'a sender', query: `from:${sender.address}` }] : []),
    ...(phrase ? [{ label: 'subject phrase', query: `subject:"${phrase}"` }] : []),
    ...(word ? [{ label: 'a word in the body', query: word.toLowerCase() }] : []),
  ];
}

export interface SearchResult extends ExampleSearch {
  hits: SearchHit[];
  total: number;
}

const SEARCH_LIMIT = 500;
const SHOWN_ROWS = 4;

/** Runs each search and prints its hit count, time and first rows as a table. */
export function runSearches(store: ProfileStore, searches: ExampleSearch[]): SearchResult[] {
  return searches.map((search) => {
    const started = performance.now();
    const hits = store.search.search(search.query, { limit: SEARCH_LIMIT });
    const ms = performance.now() - started;
    const total = hits.length;
    say();
    detail(`search ${search.query}   — ${search.label}: ${total === SEARCH_LIMIT ? `${total}+` : total} hits in ${ms.toFixed(1)} ms`);
    const rows = hits.slice(0, SHOWN_ROWS).map((hit) => [
      hit.date ? new Date(hit.date).toISOString().slice(0, 10) : '',
      hit.from ? hit.from.name || hit.from.address : '',
      hit.subject,
    ]);
    if (rows.length) {
      detail(...table([{ title: 'date', width: 10 }, { title: 'from', width: 22 }, { title: 'subject', width: 46 }], rows).map((l) => `  ${l}`));
      if (total > SHOWN_ROWS) detail(`  … and ${total - SHOWN_ROWS} more`);
    }
    return { ...search, hits, total };
  });
}

const SHOWN_BODY_LINES = 16;

/** `mailbridge show` for one message, printed under the current step. */
export function showOne(store: ProfileStore, messageId: number): void {
  const text = showMessage(store, String(messageId));
  if (!text) throw new Error(`message ${messageId} vanished from the store`);
  const lines = text.trimEnd().split('\n');
  say();
  detail(`show ${messageId}   — one message, as \`npm run cli -- show ${messageId}\` prints it:`);
  detail(...lines.slice(0, SHOWN_BODY_LINES).map((l) => `  │ ${l}`));
  if (lines.length > SHOWN_BODY_LINES) detail(`  │ … (${lines.length - SHOWN_BODY_LINES} more lines)`);
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/** Store figures and the Gmail requests the syncs made. */
export function printStats(store: ProfileStore, gmail: GmailEmulator, databasePath: string): void {
  const stats = store.messages.stats();
  const requests = gmail.stats().requests;
  const count = (method: string) => requests[`gmail.users.${method}`] ?? 0;
  detail(
    `store: ${stats.messages} messages in ${stats.threads} threads, ${stats.accounts} account, ` +
      `${stats.warnings} with parser warnings; database ${mb(statSync(databasePath).size)}`,
  );
  detail(
    `Gmail requests: messages.list ${count('messages.list')}, messages.get ${count('messages.get')}, ` +
      `history.list ${count('history.list')}, labels.list ${count('labels.list')}; 429 answers: ${gmail.stats().rateLimited}`,
  );
}

function occurrences(haystack: Buffer, needle: string): number {
  const bytes = Buffer.from(needle, 'utf8');
  let n = 0;
  for (let at = haystack.indexOf(bytes); at !== -1; at = haystack.indexOf(bytes, at + 1)) n += 1;
  return n;
}

/**
 * Checkpoints the WAL into the file, then looks for plaintext in the raw bytes of the
 * database (and any WAL) and opens the file without the key. Throws when plaintext is found.
 */
export function checkEncryption(store: ProfileStore, databasePath: string, subject: string, mailboxDir: string | null): void {
  databaseOf(store).pragma('wal_checkpoint(TRUNCATE)');
  const wal = `${databasePath}-wal`;
  const bytes = Buffer.concat([readFileSync(databasePath), existsSync(wal) ? readFileSync(wal) : Buffer.alloc(0)]);
  const rep = store.accounts.list()[0]?.email ?? SAMPLE_REP.address;
  const needles = [subject, rep, 'SQLite format 3'];
  const found = store.search.search(`subject:"${subject.replaceAll('"', '')}"`, { limit: SEARCH_LIMIT }).length;

  detail(`A subject the store holds: "${subject}" (search finds it in ${found} messages).`);
  if (mailboxDir) {
    const files = ['cur', 'new'].flatMap((d) => readdirSync(join(mailboxDir, d)).map((f) => join(mailboxDir, d, f)));
    const plain = files.filter((f) => readFileSync(f).includes(subject)).length;
    detail(`In the sample maildir it appears as plain text in ${plain} of ${files.length} files.`);
  }
  detail(`In the database file's ${bytes.length.toLocaleString('en')} bytes:`);
  const leaks: string[] = [];
  for (const needle of needles) {
    const n = occurrences(bytes, needle);
    if (n) leaks.push(needle);
    detail(`  "${needle}": ${n} occurrences${needle === 'SQLite format 3' ? ' (the header every plaintext SQLite file starts with)' : ''}`);
  }
  detail(`  first 16 bytes: ${bytes.subarray(0, 16).toString('hex').replace(/(..)/g, '$1 ').trim()}`);

  const keyless = new Database(databasePath, { readonly: true, fileMustExist: true });
  try {
    keyless.prepare('SELECT count(*) FROM sqlite_master').get();
    leaks.push('(opened without its key)');
    detail('Opened without the key: it read the schema!');
  } catch (error) {
    detail(`Opened with SQLite but without the key: "${(error as Error).message}"`);
  } finally {
    keyless.close();
  }
  if (leaks.length) throw new Error(`plaintext in the database file: ${leaks.join(', ')}`);
}
