// The crash campaign's scenarios (issue 14), shared by the test (small, 5 kills each) and the
// bench (bigger mailboxes, 25 kills): a Gmail full sync, a Gmail incremental sync after new
// mail, label changes and deletions, a Graph delta sync, an offline import, and an outbox
// flush of 200 logs to HubSpot. Each runs against the real emulators over HTTPS with the
// client paced so a run lasts long enough to be killed in the middle of its batches.
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seededRandom } from '../../../scripts/seeded-random.ts';
import { openServices } from '../../../src-main/app/assemble.ts';
import { readMailbox } from '../../../src-main/mail/import/mailbox-reader.ts';
import { readIdempotencyKey } from '../../../src-main/crm/connectors/hubspot-email-headers.ts';
import { updateProfileConfig, type ProfileConfigInput } from '../../../src-main/platform/profile-config.ts';
import { createOsSecretStore } from '../../../src-main/platform/keychain.ts';
import { DATABASE_FILE } from '../../../src-main/platform/paths.ts';
import { databaseOf, openProfileStore, type ProfileStore } from '../../../src-main/store/profile-store.ts';
import { HubSpotEmulator } from '../../emulators/crm/hubspot-emulator.ts';
import { GmailEmulator } from '../../emulators/gmail/gmail-emulator.ts';
import { GraphEmulator } from '../../emulators/graph/graph-emulator.ts';
import { emulatedGoogleConfig } from '../../emulators/google-config.ts';
import { EMULATED_HUBSPOT_TOKEN, emulatedHubSpotConfig } from '../../emulators/hubspot-config.ts';
import { emulatedMicrosoftConfig } from '../../emulators/microsoft-config.ts';
import { consentingBrowserOpener } from '../../emulators/identity/browser-consent.ts';
import { DEFAULT_TEST_USER, IdentityEmulator, type IdentityEndpoints } from '../../emulators/identity/identity-emulator.ts';
import { message } from '../../unit/store/store-fixtures.ts';
import { launchChromium } from '../chromium.ts';
import type { Outcome, Scenario } from './campaign.ts';

export const ENRON_MAILDIR = join(import.meta.dirname, '../../../../shared/data/enron/maildir');

/** Which mail each scenario uses (folders under the Enron maildir). */
export interface ChaosSizes {
  gmailInbox: string;
  /** Where the incremental sync's new mail comes from, and how many. */
  newMailFrom: string;
  newMessages: number;
  labelChanges: number;
  deletions: number;
  graphInbox: string;
  /** A folder under the maildir, or '' for all of it. */
  importMailbox: string;
  outboxLogs: number;
}

export const TEST_SIZES: ChaosSizes = {
  gmailInbox: 'lavorato-j/inbox', newMailFrom: 'neal-s/inbox', newMessages: 150, labelChanges: 40, deletions: 15,
  graphInbox: 'germany-c/inbox', importMailbox: 'dasovich-j/inbox', outboxLogs: 200,
};

export const BENCH_SIZES: ChaosSizes = {
  gmailInbox: 'dasovich-j/inbox', newMailFrom: 'kaminski-v/inbox', newMessages: 400, labelChanges: 100, deletions: 40,
  graphInbox: 'kaminski-v/inbox', importMailbox: '', outboxLogs: 200,
};

/**
 * A sync commits a batch at least once a second (MAX_BATCH_DELAY_MS), and a kill lands just
 * past its point or inside its run's first batch, so a sync paced to `messages / kills`
 * messages a second (about one commit per kill) spreads the kills over the whole of it.
 */
const PACE_MESSAGES_PER_SECOND = { min: 5, max: 200 };
/** Quota units Gmail charges for one users.messages.get (the sync's dominant call). */
const GMAIL_UNITS_PER_GET = 5;
const CRM_CONTACTS = 10;
const REP = 'rep@ours.example';

/**
 * The emulators and profiles of one campaign. `scenarios()` returns them in the order they
 * must run (the incremental sync continues the full sync's profile); `stop()` removes everything.
 */
export class ChaosRig {
  readonly #sizes: ChaosSizes;
  readonly #kills: number;
  readonly #root = mkdtempSync(join(tmpdir(), 'mailbridge-chaos-'));
  readonly #identity = new IdentityEmulator({ accessTokenTtlSeconds: 3600 });
  readonly #stops: Array<() => Promise<void>> = [];
  #endpoints: IdentityEndpoints | null = null;

  /** `kills` per scenario sets the clients' pace (see PACE_MESSAGES_PER_SECOND). */
  constructor(sizes: ChaosSizes, options: { kills: number }) {
    this.#sizes = sizes;
    this.#kills = options.kills;
  }

  /** Messages a second that give a sync of `messages` about one commit per kill. */
  #pace(messages: number): number {
    const { min, max } = PACE_MESSAGES_PER_SECOND;
    return Math.max(min, Math.min(max, Math.floor(messages / this.#kills)));
  }

  #googleConfig(gmailUrl: string, messages: number): ProfileConfigInput {
    return { google: emulatedGoogleConfig(this.#endpoints!, gmailUrl, { quotaUnitsPerSecond: GMAIL_UNITS_PER_GET * this.#pace(messages) }) };
  }

  async start(): Promise<void> {
    this.#endpoints = await this.#identity.start();
    this.#stops.push(() => this.#identity.stop());
  }

  async stop(): Promise<void> {
    for (const stop of this.#stops.reverse()) await stop();
    rmSync(this.#root, { recursive: true, force: true });
  }

  scenarios(): Scenario[] {
    const gmail = this.#gmail();
    return [gmail.full, gmail.incremental, this.#graph(), this.#import(), this.#outbox()];
  }

  #profile(name: string, config: ProfileConfigInput): string {
    const dir = join(this.#root, name);
    updateProfileConfig(dir, config as Parameters<typeof updateProfileConfig>[1]);
    return dir;
  }

  /** Signs in once through the identity emulator in Chromium, as a rep would; returns the account id. */
  async #connect(profileDir: string, provider: 'gmail' | 'microsoft'): Promise<number> {
    const browser = await launchChromium();
    const services = await openServices({ profileDir });
    try {
      const connect = { openBrowser: consentingBrowserOpener(browser), timeoutMs: 60_000 };
      const account = provider === 'gmail' ? await services.connectGmail(connect) : await services.connectMicrosoft({ ...connect, loopback: true });
      return account.id;
    } finally {
      await services.close();
      await browser.close();
    }
  }

  #gmail(): { full: Scenario; incremental: Scenario } {
    const sizes = this.#sizes;
    const emulator = new GmailEmulator({
      mailbox: join(ENRON_MAILDIR, sizes.gmailInbox),
      emailAddress: DEFAULT_TEST_USER.email,
      verifyAccessToken: this.#identity.verifyAccessToken,
    });
    let profileDir = '';
    let accountId = 0;
    const deleted = new Set<string>();
    const gets = () => emulator.stats().requests['gmail.users.messages.get'] ?? 0;
    const verify = (store: ProfileStore, fetched: number): Outcome => {
      const expected = emulator.mailbox.list(null, Number.MAX_SAFE_INTEGER, [], true).ids;
      const stored = store.messages.labelsByMessage(accountId);
      const rows = databaseOf(store).prepare('SELECT provider_message_id FROM messages WHERE account_id = ?').pluck().all(accountId) as string[];
      const wrongLabels = expected.filter((id) => stored.has(id) && !sameSet(stored.get(id)!, emulator.mailbox.get(id)!.labelIds)).length;
      const keptDeleted = rows.filter((id) => deleted.has(id)).length;
      return {
        expected: expected.length,
        lost: expected.filter((id) => !stored.has(id)).length,
        duplicated: rows.length - new Set(rows).size + rows.filter((id) => !deleted.has(id) && !emulator.mailbox.get(id)).length,
        wrongState: wrongLabels + keptDeleted,
        crmDuplicated: null,
        crmMissing: null,
        repeatedRequests: gets() - fetched,
      };
    };
    const progressSql = (afterId: number) => `SELECT count(*) FROM messages WHERE account_id = ${accountId} AND id > ${afterId}`;
    let full = 0;
    let gmailUrl = '';
    const incremental = { added: 0 };
    return {
      full: {
        name: `gmail full sync (${sizes.gmailInbox})`,
        prepare: async () => {
          const { url } = await emulator.start();
          this.#stops.push(() => emulator.stop());
          gmailUrl = url;
          profileDir = this.#profile('gmail', this.#googleConfig(url, emulator.mailbox.size));
          accountId = await this.#connect(profileDir, 'gmail');
          emulator.resetStats();
          full = emulator.mailbox.size;
          return { profileDir, job: { kind: 'sync', accountId, progressSql: progressSql(0) }, start: 0, total: full };
        },
        verify: (store) => verify(store, full),
      },
      incremental: {
        name: `gmail incremental sync (+${sizes.newMessages} new, ${sizes.labelChanges} relabelled, ${sizes.deletions} deleted)`,
        prepare: async () => {
          const random = seededRandom(0x1ce);
          const existing = emulator.mailbox.list(null, Number.MAX_SAFE_INTEGER, [], true).ids;
          for (const id of pick(existing, sizes.labelChanges + sizes.deletions, random).slice(0, sizes.labelChanges)) {
            emulator.modifyLabels(id, ['STARRED'], ['UNREAD']);
          }
          for (const id of pick(existing, sizes.deletions, random)) {
            if (emulator.deleteMessage(id)) deleted.add(id);
          }
          for await (const { raw } of readMailbox(join(ENRON_MAILDIR, sizes.newMailFrom))) {
            if (incremental.added === sizes.newMessages) break;
            emulator.addMessage(raw);
            incremental.added += 1;
          }
          this.#profile('gmail', this.#googleConfig(gmailUrl, incremental.added));
          emulator.resetStats();
          const store = await openProfileStore({ path: join(profileDir, DATABASE_FILE), secrets: createOsSecretStore() });
          const lastId = databaseOf(store).prepare('SELECT coalesce(max(id), 0) FROM messages').pluck().get() as number;
          store.close();
          return { profileDir, job: { kind: 'sync', accountId, progressSql: progressSql(lastId) }, start: 0, total: incremental.added };
        },
        verify: (store) => verify(store, incremental.added),
      },
    };
  }

  #graph(): Scenario {
    const inbox = this.#sizes.graphInbox;
    const emulator = new GraphEmulator({ mailbox: join(ENRON_MAILDIR, inbox), verifyAccessToken: this.#identity.verifyAccessToken });
    let accountId = 0;
    let total = 0;
    return {
      name: `graph delta sync (${inbox})`,
      prepare: async () => {
        const { url } = await emulator.start();
        this.#stops.push(() => emulator.stop());
        total = emulator.folder('inbox')!.messages.size;
        // Paced in 100 ms windows, so fetches (and commits) come evenly rather than in one burst a second.
        const pacing = { requestsPer10Minutes: Math.max(1, Math.round(this.#pace(total) / 10)), requestWindowMs: 100 };
        const profileDir = this.#profile('graph', { microsoft: emulatedMicrosoftConfig(this.#endpoints!, `${url}/v1.0`, pacing) });
        accountId = await this.#connect(profileDir, 'microsoft');
        emulator.resetStats();
        const progressSql = `SELECT count(*) FROM messages WHERE account_id = ${accountId}`;
        return { profileDir, job: { kind: 'sync', accountId, progressSql }, start: 0, total };
      },
      verify: (store) => {
        // The client asks for immutable ids (Prefer: IdType="ImmutableId"), which survive moves.
        const expected = [...emulator.folder('inbox')!.messages].map((id) => emulator.mailbox.get(id)!.immutableId);
        const requests = emulator.stats().requests['messages.value'] ?? 0;
        return { ...compareIds(store, accountId, expected), repeatedRequests: requests - total };
      },
    };
  }

  #import(): Scenario {
    const path = join(ENRON_MAILDIR, this.#sizes.importMailbox);
    return {
      name: `offline import (${this.#sizes.importMailbox || 'the whole Enron maildir'})`,
      prepare: async () => {
        const profileDir = this.#profile('import', {});
        const hashes = new Set<string>();
        for await (const { raw } of readMailbox(path)) hashes.add(contentId(raw));
        this.#importExpected = [...hashes];
        return { profileDir, job: { kind: 'import', path, accountEmail: REP, progressSql: 'SELECT count(*) FROM messages' }, start: 0, total: hashes.size };
      },
      verify: (store) => {
        const accountId = databaseOf(store).prepare('SELECT id FROM accounts').pluck().get() as number;
        return { ...compareIds(store, accountId, this.#importExpected), repeatedRequests: null };
      },
    };
  }

  #importExpected: string[] = [];

  #outbox(): Scenario {
    const logs = this.#sizes.outboxLogs;
    const contacts = Array.from({ length: CRM_CONTACTS }, (_, i) => ({ email: `buyer${i}@customer.example`, firstname: `Buyer${i}`, lastname: 'Customer' }));
    // Each log is a search and a create at least: this latency makes a flush last about two seconds per kill, so a
    // restarted child (killed up to 1 s after it starts) still has work left on a loaded machine.
    const emulator = new HubSpotEmulator({ contacts, settings: { rateLimit: false, latencyMs: Math.round((2_000 * this.#kills) / logs) } });
    return {
      name: `outbox flush of ${logs} logs to HubSpot`,
      prepare: async () => {
        const { url } = await emulator.start();
        this.#stops.push(() => emulator.stop());
        const profileDir = this.#profile('outbox', { hubspot: emulatedHubSpotConfig(url, { requestsPer10Seconds: 1_000 }) });
        // Queue the logs while the CRM is paused, so the first child is the one that sends them.
        const services = await openServices({ profileDir });
        try {
          const accountId = services.store.accounts.create({ provider: 'gmail', email: REP }).id;
          services.store.messages.saveMessages(accountId, Array.from({ length: logs }, (_, i) =>
            message({ id: `log-${i}`, subject: `Chaos log ${i}`, from: { name: '', address: contacts[i % CRM_CONTACTS]!.email }, to: [{ name: '', address: REP }] })));
          await services.crm.connect(EMULATED_HUBSPOT_TOKEN);
          await services.crm.matchContacts();
          services.crm.disconnect();
          for (const id of databaseOf(services.store).prepare('SELECT id FROM messages ORDER BY id').pluck().all() as number[]) {
            await services.crm.logMessage(id);
          }
          services.store.crmConnections.save('hubspot', EMULATED_HUBSPOT_TOKEN, 'emulator');
        } finally {
          await services.close();
        }
        emulator.resetStats();
        return { profileDir, job: { kind: 'outbox', progressSql: "SELECT count(*) FROM outbox WHERE state = 'done'" }, start: 0, total: logs };
      },
      verify: (store) => {
        const db = databaseOf(store);
        const keys = db.prepare('SELECT idempotency_key FROM outbox').pluck().all() as string[];
        const undone = db.prepare("SELECT count(*) FROM outbox WHERE state <> 'done'").pluck().get() as number;
        const created = new Map<string, number>();
        for (const email of emulator.emails()) {
          const key = readIdempotencyKey(email.properties.hs_email_headers);
          if (key) created.set(key, (created.get(key) ?? 0) + 1);
        }
        return {
          expected: keys.length,
          lost: undone,
          duplicated: 0,
          wrongState: 0,
          crmDuplicated: [...created.values()].reduce((sum, n) => sum + n - 1, 0),
          crmMissing: keys.filter((key) => !created.has(key)).length,
          repeatedRequests: (emulator.stats().requests['emails.create'] ?? 0) - keys.length,
        };
      },
    };
  }
}

/** The id an offline import gives a message: the first 32 characters of its source's SHA-256 (importer.ts). */
function contentId(raw: Uint8Array): string {
  return createHash('sha256').update(raw).digest('base64url').slice(0, 32);
}

function compareIds(store: ProfileStore, accountId: number, expected: string[]): Omit<Outcome, 'repeatedRequests'> {
  const rows = databaseOf(store).prepare('SELECT provider_message_id FROM messages WHERE account_id = ?').pluck().all(accountId) as string[];
  const stored = new Set(rows);
  const wanted = new Set(expected);
  return {
    expected: wanted.size,
    lost: [...wanted].filter((id) => !stored.has(id)).length,
    duplicated: rows.length - rows.filter((id) => wanted.has(id)).length + (rows.length - stored.size),
    wrongState: 0,
    crmDuplicated: null,
    crmMissing: null,
  };
}

function sameSet(a: readonly string[], b: ReadonlySet<string>): boolean {
  return a.length === b.size && a.every((label) => b.has(label));
}

/** `count` distinct items of `items`, drawn with `random`. */
function pick<T>(items: readonly T[], count: number, random: () => number): T[] {
  const pool = [...items];
  for (let i = 0; i < Math.min(count, pool.length); i++) {
    const j = i + Math.floor(random() * (pool.length - i));
    [pool[i], pool[j]] = [pool[j]!, pool[i]!];
  }
  return pool.slice(0, count);
}
