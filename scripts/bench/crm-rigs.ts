// The three CRM emulators behind one shape for the CRM benchmarks: each started with the same
// people and its limits on, with the connector the app builds for it, its request counters,
// and the emails it holds counted per outbox item (for duplicates).
import type { CrmConnectionInput } from '../../src-main/crm/crm-service.ts';
import { HubSpotConnector } from '../../src-main/crm/connectors/hubspot.ts';
import { pipedriveConnectorFactory } from '../../src-main/crm/connectors/pipedrive.ts';
import { readNote } from '../../src-main/crm/connectors/pipedrive-note.ts';
import { salesforceConnectorFactory } from '../../src-main/crm/connectors/salesforce.ts';
import { readIdempotencyKey } from '../../src-main/crm/connectors/salesforce-email.ts';
import { CRM_NAMES, type CrmConnector, type CrmKind } from '../../src-main/crm/types.ts';
import { HubSpotEmulator } from '../../test/emulators/crm/hubspot-emulator.ts';
import { PipedriveEmulator } from '../../test/emulators/pipedrive/pipedrive-emulator.ts';
import { EMULATED_PIPEDRIVE_TOKEN, emulatedPipedriveConfig } from '../../test/emulators/pipedrive-config.ts';
import { SalesforceEmulator, SALESFORCE_API_VERSION } from '../../test/emulators/salesforce/salesforce-emulator.ts';
import type { SeedOrg } from '../../test/emulators/salesforce/seed.ts';
import { ensureTestCa } from '../../test/support/test-ca.ts';

export const CRMS: readonly CrmKind[] = ['hubspot', 'salesforce', 'pipedrive'];

/** A CRM contact to seed: the same people in every CRM. */
export interface BenchPerson {
  email: string;
  firstName: string;
  lastName: string;
  /** Company (HubSpot: none is seeded; Salesforce Account; Pipedrive organization). */
  company: string;
}

export interface CrmRig {
  crm: CrmKind;
  /** 'HubSpot', … */
  name: string;
  /** The secret service.connect(token, crm) takes. */
  token: string;
  connectorFactory: (connection: CrmConnectionInput) => CrmConnector;
  /** The burst limit the emulator enforces; null where the CRM has none (Salesforce). */
  burstLimit: { requests: number; windowSeconds: number } | null;
  /** API requests received since the last resetStats(), by the emulator's route name. */
  requests(): Record<string, number>;
  /** Answers refused for a limit (429; Salesforce REQUEST_LIMIT_EXCEEDED) since the last resetStats(). */
  rateLimited(): number;
  /** Zeroes the counters and empties the burst windows (Pipedrive: today's tokens too; Salesforce: not its 24-hour usage). */
  resetStats(): void;
  /** Emails logged in the CRM per outbox item (HubSpot: subject + contacts; others: the idempotency key). */
  loggedPerItem(): Map<string, number>;
  /** Salesforce: API calls counted in the rolling 24-hour allocation, and the allocation. */
  allocation?(): { used: number; max: number };
  /** Pipedrive: tokens spent from today's budget, and the budget. */
  tokens?(): { spent: number; budget: number };
  stop(): Promise<void>;
}

export interface RigOptions {
  /** The run's test CA (the emulators' certificate; NODE_EXTRA_CA_CERTS must already trust it). */
  caDir: string;
  people: readonly BenchPerson[];
  /** HubSpot: requests per rolling 10 s, emulator and connector alike. Default 100 (private apps, Free/Starter). */
  hubspotRequestsPer10Seconds?: number;
  /** Pipedrive: the company's daily token budget. Default the emulator's 30,000 (lowest plan, one seat). */
  pipedriveDailyTokens?: number;
  /** Emulator answer delay, ms. Default 0. */
  emulatorLatencyMs?: number;
}

const sum = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);

/** Counts per key; entries without a key count under their own `fallback`, so never as duplicates. */
function countBy<T>(items: readonly T[], key: (item: T) => string | null, fallback: (item: T) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) {
    const k = key(item) ?? `unkeyed:${fallback(item)}`;
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  return counts;
}

/** Total requests a rig received since its last resetStats(). */
export function requestCount(rig: CrmRig): number {
  return sum(rig.requests());
}

/** Starts `crm`'s emulator seeded with `options.people`, its limits on. Stop it with rig.stop(). */
export async function startRig(crm: CrmKind, options: RigOptions): Promise<CrmRig> {
  const ca = await ensureTestCa(options.caDir);
  const tls = { cert: ca.serverCert, key: ca.serverKey };
  const latencyMs = options.emulatorLatencyMs ?? 0;
  switch (crm) {
    case 'hubspot': {
      const limit = options.hubspotRequestsPer10Seconds ?? 100;
      const emulator = new HubSpotEmulator({
        ...tls,
        contacts: options.people.map((p) => ({ email: p.email, firstname: p.firstName, lastname: p.lastName })),
        settings: { rateLimit: true, requestsPer10Seconds: limit, latencyMs },
      });
      const { url } = await emulator.start();
      return {
        crm, name: CRM_NAMES[crm], token: emulator.accessToken,
        connectorFactory: ({ accessToken }) => new HubSpotConnector({ accessToken, baseUrl: url, requestsPer10Seconds: limit }),
        burstLimit: { requests: limit, windowSeconds: 10 },
        requests: () => emulator.stats().requests,
        rateLimited: () => emulator.stats().rateLimited,
        resetStats: () => emulator.resetStats(),
        loggedPerItem: () => countBy(emulator.emails(), (e) => `${e.properties.hs_email_subject}|${e.contactIds.join(',')}`, (e) => e.id),
        stop: () => emulator.stop(),
      };
    }
    case 'pipedrive': {
      const emulator = new PipedriveEmulator({
        ...tls,
        settings: { rateLimit: true, latencyMs, ...(options.pipedriveDailyTokens ? { dailyTokenBudget: options.pipedriveDailyTokens } : {}) },
      });
      for (const p of options.people) emulator.addPerson({ email: p.email, name: `${p.firstName} ${p.lastName}`, company: p.company });
      const { url } = await emulator.start();
      // The app's own factory: the connector paces itself under Pipedrive's limits with its defaults.
      const factory = pipedriveConnectorFactory(emulatedPipedriveConfig(url));
      return {
        crm, name: CRM_NAMES[crm], token: EMULATED_PIPEDRIVE_TOKEN,
        connectorFactory: ({ accessToken }) => factory(accessToken),
        burstLimit: { requests: emulator.settings.requestsPer2Seconds, windowSeconds: 2 },
        requests: () => emulator.stats().requests,
        rateLimited: () => emulator.stats().rateLimited,
        resetStats: () => emulator.resetStats(),
        loggedPerItem: () => countBy(emulator.notes(), (n) => readNote(n.content).idempotencyKey, (n) => String(n.id)),
        tokens: () => ({ spent: emulator.stats().tokensSpent, budget: emulator.settings.dailyTokenBudget }),
        stop: () => emulator.stop(),
      };
    }
    case 'salesforce': {
      const emulator = new SalesforceEmulator({ ...tls, org: salesforceOrg(options.people), settings: { latencyMs } });
      const { url } = await emulator.start();
      const token = emulator.issueToken();
      const factory = salesforceConnectorFactory({ apiVersion: SALESFORCE_API_VERSION });
      return {
        crm, name: CRM_NAMES[crm], token,
        // The stored secret is the session token itself here; the app's is its token set (auth/ refreshes it).
        connectorFactory: ({ accessToken }) => factory({ instanceUrl: url, getAccessToken: async () => accessToken }),
        burstLimit: null,
        requests: () => emulator.stats().requests,
        rateLimited: () => emulator.stats().rateLimited,
        resetStats: () => emulator.resetStats(),
        // Enhanced Email is on: one EmailMessage per logged email (its automatic Task is not counted).
        loggedPerItem: () => countBy(emulator.emailMessages(), (m) => readIdempotencyKey(m.Headers as string | null), (m) => String(m.Id)),
        allocation: () => emulator.apiUsage(),
        stop: () => emulator.stop(),
      };
    }
  }
}

/** The people as Contacts under one Account per company; no users, leads or opportunities. */
function salesforceOrg(people: readonly BenchPerson[]): SeedOrg {
  const companies = [...new Set(people.map((p) => p.company))];
  const account = new Map(companies.map((name, i) => [name, i]));
  return {
    users: [],
    accounts: companies.map((name) => ({ Name: name, Website: `${name.toLowerCase().replace(/[^a-z0-9]+/g, '')}.example` })),
    contacts: people.map((p) => ({ email: p.email, FirstName: p.firstName, LastName: p.lastName, account: account.get(p.company)! })),
    leads: [],
    opportunities: [],
  };
}
