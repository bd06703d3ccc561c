// Outbox benchmark, per CRM: a backlog of queued "Log to CRM" clicks flushed through the real
// connector to its emulator with the CRM's limits enforced, reported against that limit (HubSpot
// 100 requests per rolling 10 s; Pipedrive 20 per 2 s, which its connector paces under;
// Salesforce has no burst limit, so API calls per email and the share of the rolling 24-hour
// allocation), with duplicates counted per queued item; and click-to-"logged" latency of single
// logs (logMessage → the outbox records the 2xx).
import type { CrmKind } from '../../src-main/crm/types.ts';
import { benchCrmService, openBenchStore, type BenchStore } from './crm-bench-store.ts';
import { requestCount, startRig, type BenchPerson, type CrmRig } from './crm-rigs.ts';
import { percentile, round } from './figures.ts';
import type { CrmService } from '../../src-main/crm/crm-service.ts';

export interface OutboxBenchOptions {
  /** The run's test CA (the emulator's certificate; NODE_EXTRA_CA_CERTS must already trust it). */
  caDir: string;
  /** Default 'hubspot'. */
  crm?: CrmKind;
  /** Queued logs to flush. Default 1,000. */
  backlog?: number;
  /** HubSpot's burst limit, emulator and connector alike, requests per rolling 10 s. Default 100 (private apps). */
  requestsPer10Seconds?: number;
  /** Single logs timed click → logged. Default 50. */
  latencySamples?: number;
  /** Contacts the backlog is spread over. Default 50. */
  contacts?: number;
  /** Emulator answer delay, ms. Default 0. */
  emulatorLatencyMs?: number;
}

export interface OutboxFigures {
  crm: CrmKind;
  backlog: number;
  contacts: number;
  /** HubSpot only: its burst limit, requests per rolling 10 s (also in burstLimit). */
  requestsPer10Seconds?: number;
  /** The burst limit the emulator enforced; null for Salesforce, which has none. */
  burstLimit: { requests: number; windowSeconds: number } | null;
  /** Time from connect (outbox resumes) to the last item recorded, s. */
  flushSeconds: number;
  /** Every API request the emulator received during the flush (emails, checks, verify). */
  requests: number;
  requestsPerSecond: number;
  /** requestsPerSecond as a percentage of the burst limit (requests / window); null without one. */
  limitPercent: number | null;
  /** Emails logged per second during the flush. */
  emailsPerSecond: number;
  /** Requests refused for a limit during the flush (429; Salesforce REQUEST_LIMIT_EXCEEDED). */
  rateLimited: number;
  /** Emails created in the CRM beyond one per queued item, samples included (must be 0). */
  duplicates: number;
  /** Queued items not logged at the end, samples included (must be 0). */
  notLogged: number;
  latency: { samples: number; p50Ms: number; p95Ms: number; maxMs: number };
  /** Salesforce: API calls of the flush counted in the rolling 24-hour allocation, per email, and as a share of it (%). */
  allocation?: { calls: number; callsPerEmail: number; dailyApiRequests: number; percent: number };
  /** Pipedrive: tokens the flush took from the daily budget, per email, and as a share of it (%). */
  tokens?: { spent: number; perEmail: number; dailyBudget: number; percent: number };
}

/** The people the backlog is logged for: contact<i>@customer<i mod 7>.example, at seven companies. */
export function benchPeople(count: number): BenchPerson[] {
  return Array.from({ length: count }, (_, i) => ({
    email: `contact${i}@customer${i % 7}.example`, firstName: `Contact${i}`, lastName: `Customer${i % 7}`, company: `Customer ${i % 7}`,
  }));
}

/**
 * Click → logged for each message in turn, ms: logMessage until the outbox records the item;
 * a click every `gapMs` at the fastest (the gap counts from the click before).
 */
async function timeClicks(service: CrmService, ids: readonly number[], gapMs: number): Promise<number[]> {
  const latencies: number[] = [];
  let last = -Infinity;
  for (const id of ids) {
    const wait = last + gapMs - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    last = performance.now();
    const started = performance.now();
    const logged = new Promise<void>((resolve) => {
      const off = service.onChange(({ messageIds }) => {
        if (messageIds.includes(id) && service.logStates([id]).get(id)?.state === 'logged') {
          off();
          resolve();
        }
      });
    });
    await service.logMessage(id);
    await logged;
    latencies.push(performance.now() - started);
  }
  return latencies;
}

/** Runs both measurements on a fresh store and emulator; cleans up after itself. */
export async function benchOutbox(options: OutboxBenchOptions): Promise<OutboxFigures> {
  const crm = options.crm ?? 'hubspot';
  const backlog = options.backlog ?? 1_000;
  const samples = options.latencySamples ?? 50;
  const people = benchPeople(options.contacts ?? 50);
  const rig: CrmRig = await startRig(crm, {
    caDir: options.caDir,
    people,
    ...(options.requestsPer10Seconds ? { hubspotRequestsPer10Seconds: options.requestsPer10Seconds } : {}),
    ...(options.emulatorLatencyMs ? { emulatorLatencyMs: options.emulatorLatencyMs } : {}),
  });
  let bench: BenchStore | null = null;
  let service: CrmService | null = null;
  try {
    const b = (bench = await openBenchStore(Array.from({ length: samples + backlog }, (_, i) => people[i % people.length]!.email)));
    const s = (service = benchCrmService(b.store, crm, rig.connectorFactory));
    await s.connect(rig.token, crm);
    await s.matchContacts();

    // Click → logged, one at a time, with the burst budget mostly unused: at most half the
    // limit's rate (HubSpot 100 / 10 s and Pipedrive 20 / 2 s: a click per 200 ms). Back to
    // back, Pipedrive's 50 clicks would outrun its 20 per 2 s and time the connector's pacer.
    const limit = rig.burstLimit;
    const latencies = await timeClicks(s, b.ids.slice(0, samples), limit ? (limit.windowSeconds * 1000) / (limit.requests / 2) : 0);

    // The backlog: queued while disconnected (as on a plane), flushed on connect.
    s.disconnect();
    for (const id of b.ids.slice(samples)) await s.logMessage(id);
    // A fresh burst window on both sides (connect builds a new connector, with its own pacer), as after a long time offline.
    await new Promise((r) => setTimeout(r, 100));
    rig.resetStats();
    const usageBefore = rig.allocation?.().used ?? 0;
    const flushStarted = performance.now();
    await s.connect(rig.token, crm);
    while (s.status().pending > 0) await new Promise((r) => setTimeout(r, 50));
    await s.whenIdle();
    const flushSeconds = (performance.now() - flushStarted) / 1000;

    const requests = requestCount(rig);
    const duplicates = [...rig.loggedPerItem().values()].reduce((n, count) => n + count - 1, 0);
    const states = s.logStates(b.ids);
    const notLogged = b.ids.filter((id) => states.get(id)?.state !== 'logged').length;
    const rps = requests / flushSeconds;
    const allocation = rig.allocation?.();
    const tokens = rig.tokens?.();
    return {
      crm,
      backlog,
      contacts: people.length,
      ...(crm === 'hubspot' && limit ? { requestsPer10Seconds: limit.requests } : {}),
      burstLimit: limit,
      flushSeconds: round(flushSeconds, 2),
      requests,
      requestsPerSecond: round(rps, 2),
      limitPercent: limit ? round((rps / (limit.requests / limit.windowSeconds)) * 100, 1) : null,
      emailsPerSecond: round(backlog / flushSeconds, 2),
      rateLimited: rig.rateLimited(),
      duplicates,
      notLogged,
      latency: {
        samples: latencies.length,
        p50Ms: round(percentile(latencies, 50)),
        p95Ms: round(percentile(latencies, 95)),
        maxMs: round(Math.max(...latencies)),
      },
      ...(allocation ? {
        allocation: {
          calls: allocation.used - usageBefore,
          callsPerEmail: round((allocation.used - usageBefore) / backlog, 2),
          dailyApiRequests: allocation.max,
          percent: round(((allocation.used - usageBefore) / allocation.max) * 100, 2),
        },
      } : {}),
      ...(tokens ? {
        tokens: { spent: tokens.spent, perEmail: round(tokens.spent / backlog, 1), dailyBudget: tokens.budget, percent: round((tokens.spent / tokens.budget) * 100, 1) },
      } : {}),
    };
  } finally {
    await service?.close();
    bench?.close();
    await rig.stop();
  }
}
