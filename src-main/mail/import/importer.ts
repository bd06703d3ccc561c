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
import { readMailbox } from './mailbox-reader.ts';
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
}

export const DEFAULT_IMPORT_ACCOUNT = 'import@localhost';

/** Maildir flags (after ":2,") without S(een) or a file in new/ mean unread. */
function labelsFor(key: string): string[] {
  const flags = /:2,([A-Za-z]*)$/.exec(key)?.[1];
  const unread = key.startsWith('new/') || key.includes('/new/') || (flags !== undefined && !flags.includes('S'));
  return unread ? ['INBOX', 'UNREAD'] : ['INBOX'];
}

export async function importMailbox(store: ProfileStore, path: string, options: ImportOptions = {}): Promise<ImportResult> {
  const email = (options.accountEmail ?? DEFAULT_IMPORT_ACCOUNT).toLowerCase();
  const account = store.accounts.findByEmail('import', email) ?? store.accounts.create({ provider: 'import', email });
  const result: ImportResult = { accountId: account.id, read: 0, inserted: 0, unchanged: 0, withWarnings: 0 };
  const batchSize = options.batchSize ?? 100;
  let batch: MessageToSave[] = [];
  const flush = () => {
    if (!batch.length) return;
    const { inserted } = store.messages.saveMessages(account.id, batch);
    result.inserted += inserted;
    result.unchanged += batch.length - inserted;
    batch = [];
    options.onProgress?.({ done: result.read });
  };
  for await (const entry of readMailbox(path)) {
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
  return result;
}
