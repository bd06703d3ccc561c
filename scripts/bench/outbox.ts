// Outbox benchmark: a backlog of queued "Log to CRM" clicks flushed through the real HubSpot
// connector to the emulator with HubSpot's burst limit enforced (100 requests per rolling
// 10 s by default), reported as requests/s against that limit, with duplicates counted; and
// click-to-"logged" latency of single logs (logMessage → the outbox records the 2xx).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMemorySecretStore } from '../../src-main/platform/keychain.ts';
import { openProfileStore, type ProfileStore, databaseOf } from '../../src-main/store/profile-store.ts';
import { createCrmService, type CrmService } from '../../src-main/crm/crm-service.ts';
import { HubSpotConnector } from '../../src-main/crm/connectors/hubspot.ts';
import type { MessageToSave } from '../../src-main/store/message-repository.ts';
import { messageToSave } from '../../src-main/mail/thread-key.ts';
import { HubSpotEmulator } from '../../test/emulators/crm/hubspot-emulator.ts';
import { ensureTestCa } from '../../test/support/test-ca.ts';
import { percentile, round } from './figures.ts';

export interface OutboxBenchOptions {
  /** The run's test CA (the emulator's certificate; NODE_EXTRA_CA_CERTS must already trust it). */
  caDir: string;
  /** Queued logs to flush. Default 1,000. */
  backlog?: number;
  /** Burst limit of emulator and connector alike, requests per rolling 10 s. Default 100 (HubSpot private apps). */
  requestsPer10Seconds?: number;
  /** Single logs timed click → logged. Default 50. */
  latencySamples?: number;
  /** Contacts the backlog is spread over. Default 50. */
  contacts?: number;
  /** Emulator answer delay, ms. Default 0. */
  emulatorLatencyMs?: number;
}

export interface OutboxFigures {
  backlog: number;
  contacts: number;
  requestsPer10Seconds: number;
  /** Time from connect (outbox resumes) to the last item recorded, s. */
  flushSeconds: number;
  /** Every API request the emulator received during the flush (emails, checks, verify). */
  requests: number;
  requestsPerSecond: number;
  /** requestsPerSecond as a percentage of the limit (limit / 10 s). */
  limitPercent: number;
  /** Same, for the emails created only. */
  emailsPerSecond: number;
  /** Requests answered 429 during the flush. */
  rateLimited: number;
  /** Emails created in HubSpot beyond one per queued item (must be 0). */
  duplicates: number;
  /** Queued items not logged at the end (must be 0). */
  notLogged: number;
  latency: { samples: number; p50Ms: number; p95Ms: number; maxMs: number };
}

const REP = 'rep@bench.example';

function benchMessage(i: number, contact: string): MessageToSave {
  const text = `Bench email ${i} for ${contact}.\n\nPricing, terms and next steps.`;
  return messageToSave(
    { providerMessageId: `bench-${i}`, providerThreadId: `bench-t-${i}`, labels: ['INBOX'], internalDate: 1_780_000_000_000 + i * 1000, raw: new TextEncoder().encode(`Subject: Bench ${i}\r\n\r\n${text}`) },
    {
      messageId: `bench-${i}@bench.example`, inReplyTo: null, references: [], subject: `Bench ${i}`,
      from: { name: '', address: contact }, to: [{ name: 'Rep', address: REP }], cc: [], bcc: [], replyTo: [],
      date: 1_780_000_000_000 + i * 1000, text, html: `<p>${text}</p>`, snippet: text.slice(0, 100), attachments: [], warnings: [],
    },
  );
}

/** Runs both measurements on a fresh store and emulator; cleans up after itself. */
export async function benchOutbox(options: OutboxBenchOptions): Promise<OutboxFigures> {
  const backlog = options.backlog ?? 1_000;
  const limit = options.requestsPer10Seconds ?? 100;
  const samples = options.latencySamples ?? 50;
  const contactCount = options.contacts ?? 50;
  const ca = await ensureTestCa(options.caDir);
  const contacts = Array.from({ length: contactCount }, (_, i) => ({ email: `contact${i}@customer${i % 7}.example`, firstname: `Contact${i}` }));
  const emulator = new HubSpotEmulator({
    contacts,
    cert: ca.serverCert,
    key: ca.serverKey,
    settings: { rateLimit: true, requestsPer10Seconds: limit, latencyMs: options.emulatorLatencyMs ?? 0 },
  });
  const { url } = await emulator.start();
  const dir = mkdtempSync(join(tmpdir(), 'mailbridge-bench-outbox-'));
  let store: ProfileStore | null = null;
  let service: CrmService | null = null;
  try {
    store = await openProfileStore({ path: join(dir, 'mail.db'), secrets: createMemorySecretStore() });
    const accountId = store.accounts.create({ provider: 'gmail', email: REP }).id;
    const total = samples + backlog;
    for (let start = 0; start < total; start += 100) {
      const batch = [];
      for (let i = start; i < Math.min(total, start + 100); i += 1) batch.push(benchMessage(i, contacts[i % contactCount]!.email));
      store.messages.saveMessages(accountId, batch);
    }
    const ids = databaseOf(store).prepare("SELECT id FROM messages WHERE provider_message_id LIKE 'bench-%' ORDER BY id").pluck().all() as number[];
    const s = (service = createCrmService({
      store,
      connectorFactory: ({ accessToken }) => new HubSpotConnector({ accessToken, baseUrl: url, requestsPer10Seconds: limit }),
      settings: () => ({ autoLogKnownContacts: false, neverLog: [] }),
    }));
    await s.connect(emulator.accessToken);
    await s.matchContacts();

    // Click → logged, one at a time, with the burst budget mostly unused.
    const latencies: number[] = [];
    for (const id of ids.slice(0, samples)) {
      const started = performance.now();
      const logged = new Promise<void>((resolve) => {
        const off = s.onChange(({ messageIds }) => {
          if (messageIds.includes(id) && s.logStates([id]).get(id)?.state === 'logged') {
            off();
            resolve();
          }
        });
      });
      await s.logMessage(id);
      await logged;
      latencies.push(performance.now() - started);
    }

    // The backlog: queued while disconnected (as on a plane), flushed on connect.
    s.disconnect();
    for (const id of ids.slice(samples)) await s.logMessage(id);
    // A fresh burst window on both sides, as after a long time offline.
    await new Promise((r) => setTimeout(r, 100));
    emulator.resetStats();
    const flushStarted = performance.now();
    await s.connect(emulator.accessToken);
    while (s.status().pending > 0) await new Promise((r) => setTimeout(r, 50));
    await s.whenIdle();
    const flushSeconds = (performance.now() - flushStarted) / 1000;
    const stats = emulator.stats();
    const requests = Object.values(stats.requests).reduce((a, b) => a + b, 0);
    const emails = emulator.emails();
    const perItem = new Map<string, number>();
    for (const e of emails) {
      const key = `${e.properties.hs_email_subject}|${e.contactIds.join(',')}`;
      perItem.set(key, (perItem.get(key) ?? 0) + 1);
    }
    const duplicates = [...perItem.values()].reduce((sum, n) => sum + n - 1, 0);
    const states = s.logStates(ids);
    const notLogged = ids.filter((id) => states.get(id)?.state !== 'logged').length;
    const flushEmails = emails.length - samples;
    const rps = requests / flushSeconds;
    return {
      backlog,
      contacts: contactCount,
      requestsPer10Seconds: limit,
      flushSeconds: round(flushSeconds, 2),
      requests,
      requestsPerSecond: round(rps, 2),
      limitPercent: round((rps / (limit / 10)) * 100, 1),
      emailsPerSecond: round(flushEmails / flushSeconds, 2),
      rateLimited: stats.rateLimited,
      duplicates,
      notLogged,
      latency: {
        samples: latencies.length,
        p50Ms: round(percentile(latencies, 50)),
        p95Ms: round(percentile(latencies, 95)),
        maxMs: round(Math.max(...latencies)),
      },
    };
  } finally {
    await service?.close();
    store?.close();
    await emulator.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
