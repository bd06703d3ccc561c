// Reads raw RFC 5322 messages out of a local mailbox — maildir, mbox or a folder of .eml
// files — as one async stream, so offline import and the mail-provider emulators share one
// loader. Bytes are passed through unchanged (no line-ending or charset rewriting).
import { createReadStream } from 'node:fs';
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
 *   `10`); maildir `tmp/` folders (deliveries in progress, per the maildir spec) and dot-entries
 *   are skipped; each file is one message, or an mbox when it starts with "From ";
 * - a file: an mbox when it starts with "From ", otherwise one message (.eml).
 * Files whose first line is neither a header nor an envelope (README, indexes) are skipped.
 * mbox files are split on "From " lines at the start of the file or after an empty line
 * (mboxo/mboxrd, RFC 4155); one level of ">" is removed from /^>+From / lines (mboxrd, which
 * also covers mboxo's ">From "). Only one message at a time is held in memory.
 * Errors: rejects with the fs error when `path` or a file cannot be read.
 */
export async function* readMailbox(path: string): AsyncGenerator<MailboxEntry> {
  const info = await stat(path);
  if (info.isDirectory()) {
    yield* readFolder(path, path);
  } else {
    yield* readFile(path, basename(path));
  }
}

async function* readFolder(root: string, dir: string): AsyncGenerator<MailboxEntry> {
  const entries = (await readdir(dir, { withFileTypes: true }))
    .filter((e) => !e.name.startsWith('.'))
    .sort((a, b) => byName(a.name, b.name));
  const isMaildir = entries.some((e) => e.isDirectory() && (e.name === 'cur' || e.name === 'new'));
  for (const entry of entries) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (isMaildir && entry.name === 'tmp') continue;
      yield* readFolder(root, full);
    } else if (entry.isFile()) {
      yield* readFile(full, relative(root, full).split(sep).join('/'));
    }
  }
}

async function* readFile(file: string, key: string): AsyncGenerator<MailboxEntry> {
  // One open per file: sniff the head with a positioned read, then read the rest from the handle.
  const handle = await open(file, 'r');
  let raw: Buffer;
  try {
    const head = Buffer.alloc(512);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    if (bytesRead === 0) return;
    if (head.subarray(0, FROM_.length).equals(FROM_)) {
      raw = Buffer.alloc(0);
    } else if (!HEADER_LINE.test(head.toString('latin1', 0, bytesRead))) {
      log.debug('skipping a file that is not a message', { key });
      return;
    } else {
      raw = await handle.readFile();
    }
  } finally {
    await handle.close();
  }
  if (raw.length) {
    yield { key, raw };
    return;
  }
  let n = 0;
  for await (const message of splitMbox(createReadStream(file, { highWaterMark: 256 * 1024 }))) {
    n += 1;
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
