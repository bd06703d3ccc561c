// IMAP adapter over imapflow: one connection per sync, TLS verified (implicit TLS, or
// STARTTLS required before any credential is sent), password or OAuth 2.0 bearer
// (XOAUTH2, RFC 7628). It answers what the IMAP sync engine asks (ImapSource) and nothing
// more; the password is never logged (imapflow's logger is off).
// References: RFC 9051 / RFC 3501 (IMAP), RFC 6154 (SPECIAL-USE), RFC 7162 (CONDSTORE, QRESYNC).
import { ImapFlow, type ExpungeEvent, type ImapFlowOptions } from 'imapflow';
import type { GoogleTokens } from '../../auth/google-oauth.ts';
import type { ImapChanges, ImapFetched, ImapFlagState, ImapFolderInfo, ImapFolderState, ImapSource } from '../imap-sync.ts';
import { GMAIL_EXTENSIONS } from './gmail-imap-labels.ts';

/** How to reach and sign in to an IMAP server; kept in the encrypted store as the account's credentials. */
export interface ImapServerSettings {
  host: string;
  port: number;
  /** 'tls': implicit TLS (993); 'starttls': plain connect upgraded before login (143). */
  security: 'tls' | 'starttls';
  user: string;
}

/**
 * What an IMAP account keeps in the encrypted store (account_credentials): the servers and
 * either the password or the OAuth 2.0 tokens of a Microsoft or Google sign-in (XOAUTH2).
 */
export interface ImapCredentials extends ImapServerSettings {
  provider: 'imap';
  /** 'password' (default), or the issuer of a sign-in whose tokens sign in over XOAUTH2. */
  auth?: 'password' | 'microsoft' | 'google';
  password?: string;
  /** auth 'microsoft': the msal account and its serialised cache (access and refresh tokens). */
  homeAccountId?: string;
  msalCache?: string;
  scopes?: string[];
  /** auth 'google': the tokens (refresh token included), rewritten after each refresh. */
  google?: GoogleTokens;
  /** The outgoing server, signed in to with the same user and secret; null: the account cannot send. */
  smtp?: { host: string; port: number; security: 'tls' | 'starttls' } | null;
}

/** The server part of stored credentials, without any secret. */
export function imapServerOf(credentials: ImapCredentials): ImapServerSettings {
  return { host: credentials.host, port: credentials.port, security: credentials.security, user: credentials.user };
}

export interface ImapProviderOptions {
  server: ImapServerSettings;
  /** A password, or an OAuth 2.0 access token for XOAUTH2. */
  secret: { password: string } | { accessToken: string };
  /** Socket timeouts, ms. */
  timeoutMs?: number;
}

/**
 * An imapflow client for `server`: TLS verified against the system's (and NODE_EXTRA_CA_CERTS')
 * CAs, STARTTLS required where chosen, imapflow's logger off (it would log the login), and its
 * 'error' event absorbed (a dropped connection rejects the command under way instead).
 */
export function imapClient(server: ImapServerSettings, secret: { password: string } | { accessToken: string }, extra: Partial<ImapFlowOptions> & { timeoutMs?: number } = {}): ImapFlow {
  const { timeoutMs, ...options } = extra;
  const client = new ImapFlow({
    host: server.host,
    port: server.port,
    secure: server.security === 'tls',
    doSTARTTLS: server.security === 'starttls',
    auth: 'password' in secret ? { user: server.user, pass: secret.password } : { user: server.user, accessToken: secret.accessToken },
    logger: false,
    connectionTimeout: timeoutMs ?? 30_000,
    greetingTimeout: timeoutMs ?? 30_000,
    ...options,
  });
  client.on('error', () => {});
  return client;
}

/** How long a syncing connection may stay silent before it is given up, ms. */
export const SYNC_SOCKET_TIMEOUT_MS = 90_000;

export class ImapProvider implements ImapSource {
  readonly #client: ImapFlow;

  constructor(options: ImapProviderOptions) {
    // qresync: imapflow adds QRESYNC to its ENABLE where the server advertises it (RFC 7162 §3.2.3).
    // A sync's connection is never idle for long (it fetches or searches): 90 s of silence is a
    // connection dropped without a close (a router, a sleeping laptop), not a slow server.
    this.#client = imapClient(options.server, options.secret, { socketTimeout: SYNC_SOCKET_TIMEOUT_MS, qresync: true, ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}) });
  }

  /** Connects and authenticates; rejects with imapflow's error (authenticationFailed, a TLS error, ENOTFOUND …). */
  connect(): Promise<void> {
    return this.#client.connect();
  }

  get gmailExtensions(): boolean {
    return this.#client.capabilities.has(GMAIL_EXTENSIONS);
  }

  async listFolders(): Promise<ImapFolderInfo[]> {
    const list = await this.#client.list();
    return list
      .filter((f) => !f.flags.has('\\Noselect') && !f.flags.has('\\NonExistent'))
      .map((f) => ({ path: f.path, specialUse: f.path.toUpperCase() === 'INBOX' ? '\\Inbox' : (f.specialUse ?? null) }));
  }

  async open(path: string): Promise<ImapFolderState> {
    const box = await this.#client.mailboxOpen(path, { readOnly: true });
    return {
      uidValidity: String(box.uidValidity),
      uidNext: box.uidNext,
      highestModseq: box.highestModseq ? String(box.highestModseq) : null,
      qresync: this.#client.enabled.has('QRESYNC') && !!box.highestModseq && !box.noModseq,
    };
  }

  async uids(from?: number): Promise<number[]> {
    const found = (await this.#client.search(from ? { uid: `${from}:*` } : { all: true }, { uid: true })) || [];
    // `from:*` with `from` above the highest UID still matches the highest (RFC 3501 §6.4.8).
    return from ? found.filter((uid) => uid >= from) : found;
  }

  async *fetchSources(uids: readonly number[]): AsyncIterable<ImapFetched> {
    if (!uids.length) return;
    for await (const m of this.#client.fetch(uids.join(','), { uid: true, flags: true, internalDate: true, source: true, labels: this.gmailExtensions }, { uid: true })) {
      if (!m.source) continue;
      const date = m.internalDate ? new Date(m.internalDate).getTime() : Number.NaN;
      yield { ...this.#flagState(m), internalDate: Number.isNaN(date) ? null : date, raw: new Uint8Array(m.source) };
    }
  }

  async *fetchFlags(changedSince: string | null): AsyncIterable<ImapFlagState> {
    const options = changedSince ? { uid: true, changedSince: BigInt(changedSince) } : { uid: true };
    for await (const m of this.#client.fetch('1:*', { uid: true, flags: true, labels: this.gmailExtensions }, options)) yield this.#flagState(m);
  }

  /**
   * With QRESYNC enabled, imapflow's UID FETCH with changedSince carries the VANISHED modifier
   * (RFC 7162 §3.2.6); it reports the VANISHED (EARLIER) UIDs only as 'expunge' events, so they
   * are collected while this one command runs (the only command in flight on this connection).
   */
  async changesSince(modseq: string): Promise<ImapChanges | null> {
    const box = this.#client.mailbox;
    if (!this.#client.enabled.has('QRESYNC') || !box || box.noModseq) return null;
    const vanished: number[] = [];
    const onExpunge = (event: ExpungeEvent) => {
      if (event.vanished && event.uid && event.path === box.path) vanished.push(event.uid);
    };
    this.#client.on('expunge', onExpunge);
    try {
      const flags: ImapChanges['flags'] = [];
      for await (const m of this.#client.fetch('1:*', { uid: true, flags: true, labels: this.gmailExtensions }, { uid: true, changedSince: BigInt(modseq) })) flags.push(this.#flagState(m));
      return { vanished, flags };
    } finally {
      this.#client.off('expunge', onExpunge);
    }
  }

  /** UID and FLAGS of a FETCH response, and X-GM-LABELS where the server has them (imapflow's `labels`). */
  #flagState(m: { uid: number; flags?: Set<string>; labels?: Set<string> }): ImapFlagState {
    return { uid: m.uid, flags: [...(m.flags ?? [])], ...(this.gmailExtensions ? { labels: [...(m.labels ?? [])] } : {}) };
  }

  async close(): Promise<void> {
    try {
      await this.#client.logout();
    } catch {
      this.#client.close();
    }
  }
}
