// The profile side of the CRM benchmarks: a throwaway encrypted store holding one short email
// per correspondent, and the CRM service over it wired to one CRM the way the app wires it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMemorySecretStore } from '../../src-main/platform/keychain.ts';
import { openProfileStore, type ProfileStore, databaseOf } from '../../src-main/store/profile-store.ts';
import { createCrmService, type CrmService, type CrmConnectionInput } from '../../src-main/crm/crm-service.ts';
import type { CrmConnector, CrmKind } from '../../src-main/crm/types.ts';
import type { MessageToSave } from '../../src-main/store/message-repository.ts';
import { messageToSave } from '../../src-main/mail/thread-key.ts';

/** The rep's own address: the account the messages are stored under, never matched or logged. */
export const REP = 'rep@bench.example';

function benchMessage(i: number, sender: string): MessageToSave {
  const text = `Bench email ${i} for ${sender}.\n\nPricing, terms and next steps.`;
  return messageToSave(
    { providerMessageId: `bench-${i}`, providerThreadId: `bench-t-${i}`, labels: ['INBOX'], internalDate: 1_780_000_000_000 + i * 1000, raw: new TextEncoder().encode(`Subject: Bench ${i}\r\n\r\n${text}`) },
    {
      messageId: `bench-${i}@bench.example`, inReplyTo: null, references: [], subject: `Bench ${i}`,
      from: { name: '', address: sender }, to: [{ name: 'Rep', address: REP }], cc: [], bcc: [], replyTo: [],
      date: 1_780_000_000_000 + i * 1000, text, html: `<p>${text}</p>`, snippet: text.slice(0, 100), attachments: [], warnings: [],
    },
  );
}

/**
 * Saves message i from `senders[i]` to the rep's account ("Bench i", numbered after those
 * already saved), in transactions of 100; resolves to their ids in the same order.
 */
export function saveBenchMessages(store: ProfileStore, senders: readonly string[]): number[] {
  const accountId = store.accounts.list().find((a) => a.email === REP)!.id;
  const db = databaseOf(store);
  const first = db.prepare("SELECT count(*) FROM messages WHERE provider_message_id LIKE 'bench-%'").pluck().get() as number;
  for (let start = 0; start < senders.length; start += 100) {
    store.messages.saveMessages(accountId, senders.slice(start, start + 100).map((sender, j) => benchMessage(first + start + j, sender)));
  }
  const ids = db.prepare("SELECT id FROM messages WHERE provider_message_id LIKE 'bench-%' ORDER BY id").pluck().all() as number[];
  return ids.slice(first);
}

export interface BenchStore {
  store: ProfileStore;
  /** Message ids in the order of the senders given (message i is from senders[i]). */
  ids: number[];
  /** Closes the store and deletes its directory. */
  close(): void;
}

/** A fresh store (memory keychain, temp dir) with the rep's account and message i from `senders[i]` (saveBenchMessages). */
export async function openBenchStore(senders: readonly string[]): Promise<BenchStore> {
  const dir = mkdtempSync(join(tmpdir(), 'mailbridge-bench-crm-'));
  let store: ProfileStore | null = null;
  try {
    const opened = (store = await openProfileStore({ path: join(dir, 'mail.db'), secrets: createMemorySecretStore() }));
    opened.accounts.create({ provider: 'gmail', email: REP });
    return {
      store: opened,
      ids: saveBenchMessages(opened, senders),
      close: () => {
        opened.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    store?.close();
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

/** The CRM service over `store` with `crm` the active CRM (no auto-log, no never-log list). */
export function benchCrmService(store: ProfileStore, crm: CrmKind, connectorFactory: (connection: CrmConnectionInput) => CrmConnector): CrmService {
  return createCrmService({ store, connectorFactory, settings: () => ({ activeCrm: crm, autoLogKnownContacts: false, neverLog: [] }) });
}
