// New mail as it arrives: one IMAP connection per account kept on the Inbox in IDLE
// (RFC 2177), so the server tells us of new messages (EXISTS), expunges and flag changes at
// once. On Gmail (X-GM-EXT-1) it is kept on All Mail instead: every new message lands there,
// also those a filter keeps out of the Inbox, and All Mail is the one folder synced there.
// imapflow re-issues IDLE every `maxIdleTime` (below the 29-minute limit RFC 2177 §3 gives
// servers) and falls back to NOOP polling on servers without IDLE; a dropped connection is
// opened again with backoff until the watcher is stopped.
import type { ImapFlow } from 'imapflow';
import { createLogger } from '../../platform/logger.ts';
import { imapClient, type ImapServerSettings } from './imap.ts';
import { isAuthenticationRefused, type ImapSignIn } from './imap-auth.ts';
import { GMAIL_EXTENSIONS } from './gmail-imap-labels.ts';

const log = createLogger('mail.imap-idle');

/** IDLE is broken and re-issued this often, ms (RFC 2177 §3: servers may drop it after 29 minutes). */
export const IDLE_RENEW_MS = 25 * 60_000;
/** Reconnect delays, ms: doubling from the first to the last. */
const RECONNECT_MS = { first: 1_000, last: 60_000 };

export interface IdleWatcherOptions {
  server: ImapServerSettings;
  signIn: ImapSignIn;
  /** The watched folder changed (new, expunged or re-flagged mail): sync it. Called at most every `debounceMs`. */
  onChange(): void;
  debounceMs?: number;
  timeoutMs?: number;
}

export class IdleWatcher {
  readonly #o: IdleWatcherOptions;
  #client: ImapFlow | null = null;
  #stopped = false;
  #retryMs = RECONNECT_MS.first;
  #retry: NodeJS.Timeout | undefined;
  #debounce: NodeJS.Timeout | undefined;

  constructor(options: IdleWatcherOptions) {
    this.#o = options;
  }

  /** Connects and starts watching; connection failures are retried in the background, never thrown. */
  start(): void {
    void this.#connect();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#retry);
    clearTimeout(this.#debounce);
    const client = this.#client;
    this.#client = null;
    if (client) await client.logout().catch(() => client.close());
  }

  async #connect(): Promise<void> {
    if (this.#stopped) return;
    const { server, signIn } = this.#o;
    let secret;
    try {
      secret = await signIn.secret();
    } catch (error) {
      // The token could not be refreshed: the next sync marks the account to sign in again.
      this.#reconnect((error as Error).message);
      return;
    }
    if (this.#stopped) return;
    const client = imapClient(server, secret, {
      maxIdleTime: IDLE_RENEW_MS,
      // This connection sends no other commands: IDLE at once, not after imapflow's 15 s default.
      autoIdleDelay: 250,
      missingIdleCommand: 'NOOP',
      ...(this.#o.timeoutMs ? { timeoutMs: this.#o.timeoutMs } : {}),
    });
    client.on('exists', () => this.#changed());
    client.on('expunge', () => this.#changed());
    client.on('flags', () => this.#changed());
    client.on('close', () => {
      if (this.#client === client) this.#reconnect('connection closed');
    });
    this.#client = client;
    try {
      await client.connect();
      const watched = await watchedFolder(client);
      await client.mailboxOpen(watched, { readOnly: true });
      this.#retryMs = RECONNECT_MS.first;
      log.debug('watching for new mail', { host: server.host, folder: watched });
      // With the mailbox selected and nothing else to do, imapflow enters IDLE by itself.
    } catch (error) {
      if (this.#client === client) {
        this.#client = null;
        client.close();
        // A refused token is refreshed for the next try; a refused password waits for the rep.
        if (isAuthenticationRefused(error)) signIn.refused();
        this.#reconnect((error as Error).message);
      }
    }
  }

  #reconnect(reason: string): void {
    if (this.#stopped) return;
    this.#client = null;
    log.info('inbox watch lost; reconnecting', { reason, inMs: this.#retryMs });
    this.#retry = setTimeout(() => void this.#connect(), this.#retryMs).unref();
    this.#retryMs = Math.min(RECONNECT_MS.last, this.#retryMs * 2);
    // What arrived while the connection was down is fetched once it is back.
    this.#changed();
  }

  #changed(): void {
    clearTimeout(this.#debounce);
    this.#debounce = setTimeout(() => this.#o.onChange(), this.#o.debounceMs ?? 100).unref();
  }
}

/** The folder new mail shows in: the Inbox, or Gmail's All Mail (\All, RFC 6154) where the server has X-GM-EXT-1. */
async function watchedFolder(client: ImapFlow): Promise<string> {
  if (!client.capabilities.has(GMAIL_EXTENSIONS)) return 'INBOX';
  const allMail = (await client.list()).find((folder) => folder.specialUse === '\\All');
  return allMail?.path ?? 'INBOX';
}
