// Builders for store tests: messages as the parser would hand them over, and a fresh
// encrypted store in a temp directory keyed through an in-memory keychain.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Address, IncomingMessage, ParsedMessage } from '../../../src-main/mail/types.ts';
import { createMemorySecretStore, type SecretStore } from '../../../src-main/platform/keychain.ts';
import { databaseOf, openProfileStore, type ProfileStore } from '../../../src-main/store/profile-store.ts';
import type { MessageToSave } from '../../../src-main/store/message-repository.ts';
import { messageToSave } from '../../../src-main/mail/thread-key.ts';

export interface MessageSpec {
  id: string;
  threadId?: string | null;
  labels?: string[];
  internalDate?: number | null;
  messageId?: string | null;
  inReplyTo?: string | null;
  references?: string[];
  subject?: string;
  from?: Address | null;
  to?: Address[];
  cc?: Address[];
  date?: number | null;
  text?: string;
  warnings?: string[];
}

export function message(spec: MessageSpec): MessageToSave {
  const subject = spec.subject ?? `Subject ${spec.id}`;
  const text = spec.text ?? `Body of ${spec.id}`;
  const from = spec.from === undefined ? { name: 'Alice Example', address: 'alice@example.com' } : spec.from;
  const raw = new TextEncoder().encode(
    `From: ${from?.address ?? ''}\r\nSubject: ${subject}\r\nMessage-ID: <${spec.messageId ?? spec.id}>\r\n\r\n${text}\r\n`,
  );
  const incoming: IncomingMessage = {
    providerMessageId: spec.id,
    providerThreadId: spec.threadId === undefined ? `t-${spec.id}` : spec.threadId,
    labels: spec.labels ?? ['INBOX'],
    internalDate: spec.internalDate === undefined ? 1_700_000_000_000 : spec.internalDate,
    raw,
  };
  const parsed: ParsedMessage = {
    messageId: spec.messageId === undefined ? `${spec.id}@mail.example.com` : spec.messageId,
    inReplyTo: spec.inReplyTo ?? null,
    references: spec.references ?? [],
    subject,
    from,
    to: spec.to ?? [{ name: 'Bob Buyer', address: 'bob@customer.example' }],
    cc: spec.cc ?? [],
    bcc: [],
    replyTo: [],
    date: spec.date === undefined ? 1_700_000_000_000 : spec.date,
    text,
    html: `<p>${text}</p>`,
    snippet: text.slice(0, 200),
    attachments: [],
    warnings: spec.warnings ?? [],
  };
  return messageToSave(incoming, parsed);
}

export interface TestStore {
  store: ProfileStore;
  dir: string;
  path: string;
  secrets: SecretStore;
  cleanup(): void;
}

/** A new store in its own temp directory; call cleanup() in an after hook. */
export async function openTestStore(options: { secrets?: SecretStore; now?: () => number } = {}): Promise<TestStore> {
  const dir = mkdtempSync(join(tmpdir(), 'mailbridge-store-'));
  const path = join(dir, 'mail.db');
  const secrets = options.secrets ?? createMemorySecretStore();
  const store = await openProfileStore({ path, secrets, ...(options.now ? { now: options.now } : {}) });
  return {
    store,
    dir,
    path,
    secrets,
    cleanup() {
      store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Row counts a migration or compaction must keep: messages, labels, outbox items, activities, unread, index rows. */
export function rowCounts(store: ProfileStore): Record<'messages' | 'labels' | 'outbox' | 'activities' | 'unread' | 'indexed', number> {
  const n = (sql: string) => databaseOf(store).prepare(sql).pluck().get() as number;
  return {
    messages: n('SELECT count(*) FROM messages'),
    labels: n('SELECT count(*) FROM message_labels'),
    outbox: n('SELECT count(*) FROM outbox'),
    activities: n('SELECT count(*) FROM activities'),
    unread: n('SELECT count(*) FROM messages WHERE unread = 1'),
    indexed: n('SELECT count(*) FROM messages_fts_docsize'),
  };
}
