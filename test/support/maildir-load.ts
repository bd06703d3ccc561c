// Writes folders of plain RFC 5322 files (the Enron corpus: `inbox/1`, `inbox/2`, …) into a
// Maildir before Dovecot starts, so a test server holds thousands of real messages at once.
// Maildir format: https://cr.yp.to/proto/maildir.html, Dovecot's filename rules:
// https://doc.dovecot.org/2.3/admin_manual/mailbox_formats/maildir/
import { chownSync, mkdirSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

export interface MailOwner {
  uid: number;
  gid: number;
}

/** Host part of Maildir filenames: `/` and `:` are not allowed there (Maildir spec). */
export const MAILDIR_HOST = hostname().replace(/[/:]/g, '_') || 'localhost';

/** First filename timestamp (s); message n gets BASE + n, so Dovecot's UID order is file order. */
const BASE_TIME = 1_000_000_000;

/**
 * On-disk directory of a folder in the default Maildir++ layout (`Archive/2001` →
 * `.Archive.2001`), with `/` as the IMAP hierarchy separator.
 */
export function maildirFolderPath(maildir: string, folder: string): string {
  if (folder.toUpperCase() === 'INBOX') return maildir;
  if (folder.includes('.')) throw new Error(`folder ${folder}: '.' is reserved by the Maildir++ layout`);
  return join(maildir, '.' + folder.split('/').join('.'));
}

/** Creates `cur/`, `new/`, `tmp/` (and the Maildir++ `maildirfolder` marker) owned by `owner`. */
export function ensureMaildirFolder(dir: string, owner: MailOwner, isInbox: boolean): void {
  for (const sub of ['', 'cur', 'new', 'tmp']) {
    mkdirSync(join(dir, sub), { recursive: true, mode: 0o700 });
    chownSync(join(dir, sub), owner.uid, owner.gid);
  }
  if (!isInbox) {
    writeFileSync(join(dir, 'maildirfolder'), '');
    chownSync(join(dir, 'maildirfolder'), owner.uid, owner.gid);
  }
}

/** Files of a corpus folder in numeric order (`1`, `2`, … `10`; a trailing `.` is allowed). */
function corpusFiles(sourceDir: string): string[] {
  const names = readdirSync(sourceDir, { withFileTypes: true })
    .filter((e) => e.isFile() && !e.name.startsWith('.'))
    .map((e) => e.name);
  const num = (n: string) => Number.parseInt(n, 10);
  return names.sort((a, b) => (num(a) || 0) - (num(b) || 0) || a.localeCompare(b));
}

/** The Date header (RFC 5322 §3.6.1) as a time, used for the file mtime = INTERNALDATE. */
function headerDate(raw: Buffer): Date | undefined {
  const end = raw.indexOf('\n\n');
  const head = raw.subarray(0, end < 0 ? Math.min(raw.length, 8192) : end).toString('latin1');
  const value = /^Date:[ \t]*(.+)$/im.exec(head)?.[1];
  if (!value) return undefined;
  const date = new Date(value.replace(/\s*\([^)]*\)\s*$/, '').trim());
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/**
 * Copies every file of `sourceDir` into `<folderDir>/cur/` as `<time>.<n>.<host>,S=<bytes>:2,<flags>`:
 * message n (0-based) is unseen when n % 3 === 2, seen otherwise. Returns the number written.
 */
export function loadCorpusFolder(sourceDir: string, folderDir: string, owner: MailOwner): number {
  const files = corpusFiles(sourceDir);
  files.forEach((name, n) => {
    const raw = readFileSync(join(sourceDir, name));
    const flags = n % 3 === 2 ? '' : 'S';
    const target = join(folderDir, 'cur', `${BASE_TIME + n}.${n}.${MAILDIR_HOST},S=${raw.length}:2,${flags}`);
    writeFileSync(target, raw, { mode: 0o600 });
    chownSync(target, owner.uid, owner.gid);
    const date = headerDate(raw);
    if (date) utimesSync(target, date, date);
  });
  return files.length;
}

/** Number of messages a corpus folder holds, counted the way loadCorpusFolder reads it. */
export function countCorpusFiles(sourceDir: string): number {
  return corpusFiles(sourceDir).length;
}
