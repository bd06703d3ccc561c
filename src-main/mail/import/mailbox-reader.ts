// Reads raw RFC 5322 messages out of a local mailbox — maildir, mbox or a folder of .eml
// files — as one async stream, so offline import and the mail-provider emulators share one
// loader. Bytes are passed through unchanged (no line-ending or charset rewriting). Every
// file that is not read as mail is reported with its reason, never dropped in silence.
import { createReadStream } from 'node:fs';
import type { Dirent } from 'node:fs';
import { open, readdir, stat } from 'node:fs/promises';
import { basename, join, relative, sep } from 'node:path';
import { createLogger } from '../../platform/logger.ts';

const log = createLogger('mail.import.mailbox-reader');

/** One message of a local mailbox. */
export interface MailboxEntry {
  /**
   * Stable id of the message within the source: the path relative to the folder given
   * (POSIX separators, maildir flags included, e.g. `cur/1234.host:2,S`), or for mbox files
   * `<relative path or file name>#<1-based ordinal>`.
   */
  key: string;
  /** The message bytes as stored (mbox "From " envelope line removed, ">From " unescaped). */
  raw: Buffer;
}

/** Why a file was not read as mail. */
export type SkipReason = 'not_mail' | 'unreadable' | 'too_large';

/** A file (or an mbox message) of the source that was not read as mail. */
export interface SkippedFile {
  /** As MailboxEntry.key; a folder that could not be listed ends with "/". */
  key: string;
  reason: SkipReason;
  /** In words, for the summary: "empty file", "EACCES", "181 MB, over the 150 MB limit". */
  detail: string;
}

export interface ReadMailboxOptions {
  /** Called for each file not read as mail; without it each is logged as a warning. */
  onSkip?: (skipped: SkippedFile) => void;
  /** Larger messages are reported as too_large (default MAX_MESSAGE_BYTES). */
  maxMessageBytes?: number;
}

/**
 * 150 MiB: Exchange Online's largest message (the most any provider accepts, Gmail's being
 * 25 MB of attachments); a bigger file is not a message a rep received.
 */
export const MAX_MESSAGE_BYTES = 150 * 1024 * 1024;

const FROM_ = Buffer.from('From ');
const LF = 0x0a;
const CR = 0x0d;
const GT = 0x3e;
// A file is read as mail when its first line is an mbox envelope or a header field (RFC 5322 §2.2).
const HEADER_LINE = /^[!-9;-~]+:/;
const byName = new Intl.Collator('en', { numeric: true, sensitivity: 'variant' }).compare;

/**
 * Streams every message under `path`, detecting the format:
 * - a directory: walked recursively in numeric-aware name order (so Enron's `2` comes before
 *   `10`); maildir `tmp/` folders (deliveries in progress, per the maildir spec) and dot-files
 *   and dot-folders are passed over, except Maildir++ folders (`.Sent` holding cur/ or new/);
 *   each file (or link to a file) is one message whatever its name, or an mbox when it starts
 *   with "From ";
 * - a file: an mbox when it starts with "From ", otherwise one message (.eml).
 * A file whose first line is neither a header nor an envelope (README, indexes), an empty,
 * unreadable or too large file, a link to a folder or to nothing, anything that is not a
 * regular file, and a folder that cannot be listed are passed to
 * `options.onSkip` with the reason, and the walk goes on.
 * mbox files are split on "From " lines at the start of the file or after an empty line
 * (mboxo/mboxrd, RFC 4155); one level of ">" is removed from /^>+From / lines (mboxrd, which
 * also covers mboxo's ">From "). Only one message at a time is held in memory.
 * Errors: rejects with the fs error when `path` itself cannot be read.
 */
export async function* readMailbox(path: string, options: ReadMailboxOptions = {}): AsyncGenerator<MailboxEntry> {
  const reader: Reader = {
    skip: options.onSkip ?? ((skipped) => log.warn('not read as mail', { ...skipped })),
    maxBytes: options.maxMessageBytes ?? MAX_MESSAGE_BYTES,
  };
  const info = await stat(path);
  if (info.isDirectory()) {
    yield* readFolder(reader, path, path);
  } else {
    yield* readFile(reader, path, basename(path));
  }
}

interface Reader {
  skip: (skipped: SkippedFile) => void;
  maxBytes: number;
}

const keyOf = (root: string, full: string) => relative(root, full).split(sep).join('/');
const errorCode = (error: unknown) => (error as { code?: string }).code ?? (error as Error).message;
const megabytes = (bytes: number) => `${Math.round(bytes / 1024 / 1024)} MB`;

async function* readFolder(reader: Reader, root: string, dir: string): AsyncGenerator<MailboxEntry> {
  let listed;
  try {
    listed = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    if (dir === root) throw error;
    return reader.skip({ key: `${keyOf(root, dir)}/`, reason: 'unreadable', detail: errorCode(error) });
  }
  listed.sort((a, b) => byName(a.name, b.name));
  const isMaildir = listed.some((e) => e.isDirectory() && (e.name === 'cur' || e.name === 'new'));
  for (const entry of listed) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (isMaildir && entry.name === 'tmp') continue;
      if (entry.name.startsWith('.') && !(await isMaildirFolder(full))) continue;
      yield* readFolder(reader, root, full);
    } else if (!entry.name.startsWith('.')) {
      yield* readOther(reader, full, keyOf(root, full), entry);
    }
  }
}

/** Files are read; links to files followed; anything else (a link to a folder, a FIFO) reported. */
async function* readOther(reader: Reader, full: string, key: string, entry: Dirent): AsyncGenerator<MailboxEntry> {
  if (entry.isFile()) return yield* readFile(reader, full, key);
  if (!entry.isSymbolicLink()) return reader.skip({ key, reason: 'not_mail', detail: 'not a regular file' });
  let target;
  try {
    target = await stat(full);
  } catch (error) {
    return reader.skip({ key, reason: 'unreadable', detail: `a link to nothing (${errorCode(error)})` });
  }
  if (target.isFile()) return yield* readFile(reader, full, key);
  reader.skip({ key, reason: 'not_mail', detail: target.isDirectory() ? 'a link to a folder (not followed)' : 'not a regular file' });
}

/** A Maildir++ subfolder (`.Sent`, `.Archive.2024`) holds cur/ or new/ of its own. */
async function isMaildirFolder(dir: string): Promise<boolean> {
  const names = await readdir(dir).catch(() => [] as string[]);
  return names.includes('cur') || names.includes('new');
}

async function* readFile(reader: Reader, file: string, key: string): AsyncGenerator<MailboxEntry> {
  // One open per file: sniff the head with a positioned read, then read the rest from the handle.
  let raw: Buffer;
  try {
    const handle = await open(file, 'r');
    try {
      const { size } = await handle.stat();
      const head = Buffer.alloc(512);
      const { bytesRead } = await handle.read(head, 0, head.length, 0);
      if (bytesRead === 0) return reader.skip({ key, reason: 'not_mail', detail: 'empty file' });
      if (head.subarray(0, FROM_.length).equals(FROM_)) {
        raw = Buffer.alloc(0);
      } else if (!HEADER_LINE.test(head.toString('latin1', 0, bytesRead))) {
        return reader.skip({ key, reason: 'not_mail', detail: 'the first line is neither a header field nor an mbox "From " line' });
      } else if (size > reader.maxBytes) {
        return reader.skip({ key, reason: 'too_large', detail: `${megabytes(size)}, over the ${megabytes(reader.maxBytes)} limit` });
      } else {
        raw = await handle.readFile();
      }
    } finally {
      await handle.close();
    }
  } catch (error) {
    return reader.skip({ key, reason: 'unreadable', detail: errorCode(error) });
  }
  if (raw.length) {
    yield { key, raw };
    return;
  }
  let n = 0;
  for await (const message of splitMbox(createReadStream(file, { highWaterMark: 256 * 1024 }))) {
    n += 1;
    if (message.length > reader.maxBytes) {
      reader.skip({ key: `${key}#${n}`, reason: 'too_large', detail: `${megabytes(message.length)}, over the ${megabytes(reader.maxBytes)} limit` });
      continue;
    }
    yield { key: `${key}#${n}`, raw: message };
  }
}

/**
 * Splits an mbox byte stream into messages (RFC 4155 "default" format: mboxo and mboxrd).
 * The blank line that precedes each "From " separator belongs to the mbox, not the message.
 */
export async function* splitMbox(source: AsyncIterable<Buffer | string>): AsyncGenerator<Buffer> {
  let carry: Buffer = Buffer.alloc(0);
  let lines: Buffer[] | null = null; // the current message; null before the first envelope
  let previousBlank = true;

  const finish = (message: Buffer[]): Buffer => {
    const last = message[message.length - 1];
    if (last && isBlank(last)) message.pop(); // separator blank line
    return Buffer.concat(message);
  };

  for await (const chunk of source) {
    const data: Buffer = carry.length
      ? Buffer.concat([carry, Buffer.from(chunk)])
      : Buffer.from(chunk);
    let start = 0;
    for (let end = data.indexOf(LF, start); end !== -1; end = data.indexOf(LF, start)) {
      const line = data.subarray(start, end + 1);
      start = end + 1;
      if (previousBlank && startsWith(line, FROM_)) {
        if (lines) yield finish(lines);
        lines = [];
        previousBlank = false;
        continue;
      }
      previousBlank = isBlank(line);
      lines?.push(unescapeFrom(line));
    }
    // Copy the partial line so the chunk it came from can be released.
    carry = Buffer.from(data.subarray(start));
  }
  if (carry.length && lines) lines.push(unescapeFrom(carry));
  if (lines) yield finish(lines);
}

function isBlank(line: Buffer): boolean {
  return (line.length === 1 && line[0] === LF) || (line.length === 2 && line[0] === CR && line[1] === LF);
}

function startsWith(line: Buffer, prefix: Buffer): boolean {
  return line.length >= prefix.length && line.subarray(0, prefix.length).equals(prefix);
}

function unescapeFrom(line: Buffer): Buffer {
  if (line[0] !== GT) return line;
  let i = 0;
  while (line[i] === GT) i += 1;
  return startsWith(line.subarray(i), FROM_) ? line.subarray(1) : line;
}
