// A store with the rep's account and a few emails with CRM contacts, and a CRM service over
// it with a fake connector and a clock the test moves.
import { createMemorySecretStore, type SecretStore } from '../../../src-main/platform/keychain.ts';
import { openProfileStore, type ProfileStore, databaseOf } from '../../../src-main/store/profile-store.ts';
import { createCrmService, type CrmService, type CrmServiceOptions } from '../../../src-main/crm/crm-service.ts';
import { message, type MessageSpec } from '../store/store-fixtures.ts';
import { FakeCrm } from './fake-crm.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const REP = 'rep@ours.example';
export const CONTACTS = [
  { crmContactId: '101', email: 'alice@customer.example', name: 'Alice Buyer', company: 'Customer', owner: 'Rep' },
  { crmContactId: '102', email: 'carol@other.example', name: 'Carol Other', company: 'Other', owner: '' },
  { crmContactId: '103', email: 'dave@partner.example', name: 'Dave Partner', company: 'Partner', owner: '' },
];

export interface Harness {
  store: ProfileStore;
  crm: FakeCrm;
  service: CrmService;
  clock: { t: number };
  settings: { autoLogKnownContacts: boolean; neverLog: string[]; autoLogSince: number | null };
  accountId: number;
  /** Saves emails for the rep's account; returns their local ids in order. */
  save(specs: MessageSpec[]): number[];
  /** Closes service and store and opens both again over the same file (a restart). */
  restart(): Promise<void>;
  cleanup(): Promise<void>;
}

export async function openHarness(options: { connect?: boolean; service?: Partial<CrmServiceOptions>; crm?: FakeCrm } = {}): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), 'mailbridge-crm-'));
  const path = join(dir, 'mail.db');
  const secrets: SecretStore = createMemorySecretStore();
  const clock = { t: 1_800_000_000_000 };
  const now = () => clock.t;
  const crm = options.crm ?? new FakeCrm(CONTACTS);
  const settings = { autoLogKnownContacts: false, neverLog: [] as string[], autoLogSince: null as number | null };
  const open = async () => {
    const store = await openProfileStore({ path, secrets, now });
    const service = createCrmService({
      store,
      connectorFactory: ({ accessToken }) => {
        crm.token = accessToken;
        return crm;
      },
      settings: () => settings,
      now,
      random: () => 0.5,
      backoff: { baseMs: 2_000, capMs: 60_000 },
      ...options.service,
    });
    return { store, service };
  };
  let { store, service } = await open();
  const accountId = store.accounts.create({ provider: 'gmail', email: REP }).id;
  if (options.connect !== false) await service.connect('good-token-123');
  const h: Harness = {
    store,
    crm,
    service,
    clock,
    settings,
    accountId,
    save(specs) {
      store.messages.saveMessages(accountId, specs.map(message));
      return specs.map((s) => databaseOf(store).prepare('SELECT id FROM messages WHERE provider_message_id = ?').pluck().get(s.id) as number);
    },
    async restart() {
      await service.close();
      store.close();
      ({ store, service } = await open());
      h.store = store;
      h.service = service;
    },
    async cleanup() {
      await service.close();
      store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return h;
}

/** Waits until `predicate` holds (polling every 5 ms), failing after `timeoutMs`. */
export async function until(predicate: () => boolean, timeoutMs = 5_000, what = 'condition'): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
