// One profile for the outbox integration tests, opened the same way by the test and by the
// child process it kills: the encrypted store (key in the OS keychain of the test session)
// and a CRM service talking to a CRM emulator (HubSpot unless told) through the real connector.
import { createOsSecretStore } from '../../src-main/platform/keychain.ts';
import { openProfileStore, type ProfileStore } from '../../src-main/store/profile-store.ts';
import { createCrmService, type CrmService, type CrmServiceOptions } from '../../src-main/crm/crm-service.ts';
import type { CrmSettings } from '../../src-main/crm/crm-service-api.ts';
import { HubSpotConnector } from '../../src-main/crm/connectors/hubspot.ts';
import type { CrmConnector, CrmKind } from '../../src-main/crm/types.ts';
import { worldConnector } from './crm-worlds.ts';

export const REP = 'rep@ours.example';

export interface OutboxProfile {
  store: ProfileStore;
  service: CrmService;
  close(): Promise<void>;
}

export interface OpenOutboxProfileOptions {
  path: string;
  emulatorUrl: string;
  /** The CRM the emulator at emulatorUrl is; default 'hubspot'. */
  crm?: CrmKind;
  settings?: { autoLogKnownContacts: boolean; neverLog: string[] };
  service?: Partial<CrmServiceOptions>;
  /** Wraps the real connector (the crash test's child holds a request after the CRM's 2xx). */
  wrap?: (connector: CrmConnector) => CrmConnector;
  requestsPer10Seconds?: number;
}

export async function openOutboxProfile(options: OpenOutboxProfileOptions): Promise<OutboxProfile> {
  const store = await openProfileStore({ path: options.path, secrets: createOsSecretStore() });
  const settings: CrmSettings = { ...(options.settings ?? { autoLogKnownContacts: false, neverLog: [] }), activeCrm: options.crm ?? 'hubspot' };
  const service = createCrmService({
    store,
    connectorFactory: ({ accessToken, crm }) => {
      const connector = crm !== 'hubspot' ? worldConnector(crm, options.emulatorUrl, accessToken) : new HubSpotConnector({
        accessToken,
        baseUrl: options.emulatorUrl,
        timeoutMs: 5_000,
        ...(options.requestsPer10Seconds ? { requestsPer10Seconds: options.requestsPer10Seconds } : {}),
      });
      return options.wrap ? options.wrap(connector) : connector;
    },
    settings: () => settings,
    activateCrm: (crm) => void (settings.activeCrm = crm),
    backoff: { baseMs: 200, capMs: 2_000 },
    ...options.service,
  });
  return {
    store,
    service,
    async close() {
      await service.close();
      store.close();
    },
  };
}

/** The rep's account, created once per profile. */
export function ensureAccount(store: ProfileStore): number {
  return (store.accounts.findByEmail('gmail', REP) ?? store.accounts.create({ provider: 'gmail', email: REP })).id;
}
