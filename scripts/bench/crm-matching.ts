// Contact-matching benchmark, per CRM: a first sync brings thousands of new correspondents, a
// realistic share of them in the CRM, and the app's matching pass (service.matchContacts(),
// which hands the connector batches of addresses) finds and caches them. Reports the requests
// the emulator received, wall time and found vs expected; and, where the connector batches or
// lists rather than asking per address, the same lookup handed to the connector in one call.
import type { CrmConnector, CrmKind } from '../../src-main/crm/types.ts';
import type { CrmService } from '../../src-main/crm/crm-service.ts';
import { benchCrmService, openBenchStore, saveBenchMessages, type BenchStore } from './crm-bench-store.ts';
import { requestCount, startRig, type CrmRig } from './crm-rigs.ts';
import { benchPeople } from './outbox.ts';
import { round } from './figures.ts';

/** Pipedrive's daily token budget on the lowest plan with one seat (30,000 base; the emulator's default). */
const PIPEDRIVE_LOWEST_PLAN_DAILY_TOKENS = 30_000;

export interface MatchingBenchOptions {
  /** The run's test CA (the emulators' certificate; NODE_EXTRA_CA_CERTS must already trust it). */
  caDir: string;
  crm: CrmKind;
  /** New correspondents to match. Default 5,000 (the matcher's budget per pass). */
  addresses?: number;
  /** Of them, contacts in the CRM, spread evenly. Default a fifth of `addresses`. */
  contacts?: number;
  /** The size the figures are projected to when `addresses` is smaller (per-address lookups only). Default 5,000. */
  targetAddresses?: number;
}

export interface MatchingFigures {
  crm: CrmKind;
  addresses: number;
  /** Contacts in the CRM among the addresses: what the pass should find. */
  expected: number;
  /** Contacts the pass found and cached (must equal expected). */
  found: number;
  /** Of the expected contacts, those in the contact cache after the pass (must equal expected). */
  cached: number;
  /** Addresses the pass asked the CRM about. */
  checked: number;
  /** findContactsByEmail calls the matcher made (its batches). */
  connectorCalls: number;
  /** API requests the emulator received during the pass, in all and by route. */
  requests: number;
  byRoute: Record<string, number>;
  /** Wall time of the pass, s. */
  seconds: number;
  /** Requests refused for a limit during the pass (retried by the connector). */
  rateLimited: number;
  /** The connector handed all the addresses at once (a fresh connector); null where it asks per address anyway. */
  oneCall: { requests: number; seconds: number; found: number } | null;
  /** Linear projection to targetAddresses when fewer were measured and the connector asks per address; else null. */
  projected: { addresses: number; requests: number; seconds: number } | null;
  /** Salesforce: API calls of the pass in the rolling 24-hour allocation, and their share of it (%). */
  allocation?: { calls: number; dailyApiRequests: number; percent: number };
  /** Pipedrive: tokens the pass spent, and their share of the lowest plan's daily budget for one seat (%). */
  tokens?: { spent: number; dailyBudget: number; percent: number };
}

/** Address i: every stride-th a seeded contact (contact<k>@customer<k mod 7>.example), the others strangers. */
function correspondents(addresses: number, contacts: number): { all: string[]; seeded: ReturnType<typeof benchPeople> } {
  const seeded = benchPeople(contacts);
  const stride = Math.max(1, Math.floor(addresses / Math.max(1, contacts)));
  const all = Array.from({ length: addresses }, (_, i) => {
    const k = i / stride;
    return i % stride === 0 && k < contacts ? seeded[k]!.email : `someone${i}@elsewhere${i % 13}.example`;
  });
  return { all, seeded };
}

/** A view of `connector` that counts its findContactsByEmail calls. */
function counting(connector: CrmConnector, calls: { n: number }): CrmConnector {
  return new Proxy(connector, {
    get(target, prop) {
      if (prop === 'findContactsByEmail') {
        return (emails: readonly string[]) => {
          calls.n += 1;
          return target.findContactsByEmail(emails);
        };
      }
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/** One matching pass over a fresh store and emulator; cleans up after itself. */
export async function benchMatching(options: MatchingBenchOptions): Promise<MatchingFigures> {
  const { crm } = options;
  const addresses = options.addresses ?? 5_000;
  const contacts = Math.min(addresses, options.contacts ?? Math.round(addresses / 5));
  const target = options.targetAddresses ?? 5_000;
  const { all, seeded } = correspondents(addresses, contacts);
  // A budget that does not cut the pass short; what it spent is reported against the real one.
  const rig: CrmRig = await startRig(crm, { caDir: options.caDir, people: seeded, pipedriveDailyTokens: Number.MAX_SAFE_INTEGER });
  let bench: BenchStore | null = null;
  let service: CrmService | null = null;
  try {
    const b = (bench = await openBenchStore([]));
    const calls = { n: 0 };
    const s = (service = benchCrmService(b.store, crm, (connection) => counting(rig.connectorFactory(connection), calls)));
    await s.connect(rig.token, crm);
    await s.matchContacts();
    // The first sync's new correspondents, then the pass the sync starts (onSyncedMessages).
    saveBenchMessages(b.store, all);
    calls.n = 0;
    rig.resetStats();
    const usageBefore = rig.allocation?.().used ?? 0;
    const started = performance.now();
    const result = await s.matchContacts();
    const seconds = (performance.now() - started) / 1000;
    if (!result) throw new Error(`the ${rig.name} matching pass failed (see the log above)`);
    const requests = requestCount(rig);
    const byRoute = rig.requests();
    const rateLimited = rig.rateLimited();
    const allocation = rig.allocation?.();
    const tokens = rig.tokens?.();
    const cached = b.store.contacts.listByEmails(crm, seeded.map((p) => p.email)).length;

    let oneCall: MatchingFigures['oneCall'] = null;
    if (requests < addresses) {
      rig.resetStats();
      const connector = rig.connectorFactory({ crm, accessToken: rig.token });
      const t = performance.now();
      const found = await connector.findContactsByEmail(all);
      oneCall = { requests: requestCount(rig), seconds: round((performance.now() - t) / 1000, 2), found: found.length };
    }
    const scale = target / addresses;
    return {
      crm,
      addresses,
      expected: contacts,
      found: result.found,
      cached,
      checked: result.checked,
      connectorCalls: calls.n,
      requests,
      byRoute,
      seconds: round(seconds, 2),
      rateLimited,
      oneCall,
      projected: addresses < target && requests >= addresses ? { addresses: target, requests: Math.round(requests * scale), seconds: round(seconds * scale) } : null,
      ...(allocation ? {
        allocation: { calls: allocation.used - usageBefore, dailyApiRequests: allocation.max, percent: round(((allocation.used - usageBefore) / allocation.max) * 100, 3) },
      } : {}),
      ...(tokens ? {
        tokens: { spent: tokens.spent, dailyBudget: PIPEDRIVE_LOWEST_PLAN_DAILY_TOKENS, percent: round((tokens.spent / PIPEDRIVE_LOWEST_PLAN_DAILY_TOKENS) * 100, 1) },
      } : {}),
    };
  } finally {
    await service?.close();
    bench?.close();
    await rig.stop();
  }
}
