// Offline import of a local mailbox (maildir, mbox such as a Google Takeout export, or a
// folder of .eml files) into the store, through the same parser and store path as sync.
// Takeout's X-GM-THRID and X-Gmail-Labels are kept, so its threads and labels survive.
// Messages are keyed by a hash of their bytes, so importing the same source twice, or a
// maildir whose flags changed, never duplicates anything.
import { createHash } from 'node:crypto';
import type { ProfileStore } from '../../store/profile-store.ts';
import type { IncomingMessage } from '../types.ts';
import type { MessageToSave } from '../../store/message-repository.ts';
import { messageToSave } from '../thread-key.ts';
import { parseMessage } from '../mime/index.ts';
import { readMailbox, type SkippedFile } from './mailbox-reader.ts';
import { readTakeoutMetadata } from './takeout.ts';

export interface ImportOptions {
  /** Store account the messages belong to; created when absent. */
  accountEmail?: string;
  /** Messages per store transaction (default 100). */
  batchSize?: number;
  onProgress?: (progress: { done: number }) => void;
  signal?: AbortSignal;
}

export interface ImportResult {
  accountId: number;
  /** Messages read from the source. */
  read: number;
  inserted: number;
  /** Already in the store (same bytes imported before). */
  unchanged: number;
  /** Messages stored with at least one parser warning. */
  withWarnings: number;
  /** Files not read as mail (also kept in the store: `stats().skippedFiles`). */
  skipped: number;
  /** The first MAX_LISTED_SKIPS of them, with the reason. */
  skippedFiles: SkippedFile[];
}

/** Skips listed in a result; the store keeps all of them. */
export const MAX_LISTED_SKIPS = 100;

export const DEFAULT_IMPORT_ACCOUNT = 'import@localhost';

/** Maildir++ folders (`.Sent/cur/…`) as labels; Gmail's ids for the system folders. */
const FOLDER_LABELS: Record<string, string> = { sent: 'SENT', 'sent items': 'SENT', drafts: 'DRAFT', trash: 'TRASH', junk: 'SPAM', spam: 'SPAM' };

/**
 * Labels from where a file sits: a Maildir++ folder's name (or INBOX elsewhere), plus UNREAD
 * for maildir flags (after ":2,") without S(een) or a file in new/.
 */
function labelsFor(key: string): string[] {
  const flags = /:2,([A-Za-z]*)$/.exec(key)?.[1];
  const unread = key.startsWith('new/') || key.includes('/new/') || (flags !== undefined && !flags.includes('S'));
  const folder = /^\.([^/]+)\//.exec(key)?.[1];
  const label = folder ? (FOLDER_LABELS[folder.toLowerCase()] ?? folder) : 'INBOX';
  return unread ? [label, 'UNREAD'] : [label];
}

/**
 * Imports every message under `path` (see readMailbox for the formats). Files not read as
 * mail are counted, listed (the first MAX_LISTED_SKIPS) and recorded in store.importSkips;
 * a complete import replaces the skips recorded for `path` before. Rejects when `path`
 * cannot be read or the signal aborts (skips seen so far are recorded).
 */
export async function importMailbox(store: ProfileStore, path: string, options: ImportOptions = {}): Promise<ImportResult> {
  const email = (options.accountEmail ?? DEFAULT_IMPORT_ACCOUNT).toLowerCase();
  const account = store.accounts.findByEmail('import', email) ?? store.accounts.create({ provider: 'import', email });
  const result: ImportResult = { accountId: account.id, read: 0, inserted: 0, unchanged: 0, withWarnings: 0, skipped: 0, skippedFiles: [] };
  const skips: SkippedFile[] = [];
  const onSkip = (skipped: SkippedFile) => {
    skips.push(skipped);
    result.skipped += 1;
    if (result.skippedFiles.length < MAX_LISTED_SKIPS) result.skippedFiles.push(skipped);
  };
  try {
    await readInto(store, account.id, path, result, onSkip, options);
  } catch (error) {
    store.importSkips.record(account.id, path, skips);
    throw error;
  }
  store.importSkips.replace(account.id, path, skips);
  return result;
}

async function readInto(
  store: ProfileStore,
  accountId: number,
  path: string,
  result: ImportResult,
  onSkip: (skipped: SkippedFile) => void,
  options: ImportOptions,
): Promise<void> {
  const batchSize = options.batchSize ?? 100;
  let batch: MessageToSave[] = [];
  const flush = () => {
    if (!batch.length) return;
    const { inserted } = store.messages.saveMessages(accountId, batch);
    result.inserted += inserted;
    result.unchanged += batch.length - inserted;
    batch = [];
    options.onProgress?.({ done: result.read });
  };
  for await (const entry of readMailbox(path, { onSkip })) {
    options.signal?.throwIfAborted();
    const parsed = await parseMessage(entry.raw);
    result.read += 1;
    if (parsed.warnings.length) result.withWarnings += 1;
    const takeout = readTakeoutMetadata(entry.raw);
    const incoming: IncomingMessage = {
      providerMessageId: createHash('sha256').update(entry.raw).digest('base64url').slice(0, 32),
      providerThreadId: takeout.threadId,
      labels: takeout.labels ?? labelsFor(entry.key),
      internalDate: null,
      raw: entry.raw,
    };
    batch.push(messageToSave(incoming, parsed));
    if (batch.length >= batchSize) flush();
  }
  flush();
}
