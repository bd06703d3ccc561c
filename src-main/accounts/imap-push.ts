// Push for IMAP accounts: an IDLE watcher on each connected account's Inbox (All Mail on
// Gmail), started and stopped as accounts come and go, each change answered with a new-mail
// sync — so mail shows within a second or two instead of at the next 30 s check.
import { IdleWatcher } from '../mail/providers/imap-idle.ts';
import { imapServerOf, type ImapCredentials } from '../mail/providers/imap.ts';
import { hasImapSecret, imapOAuthIssuer, imapSignInFor, type ImapOAuthClient, type ImapOAuthIssuer } from '../mail/providers/imap-auth.ts';
import { createLogger } from '../platform/logger.ts';
import type { ProfileStore } from '../store/profile-store.ts';

const log = createLogger('accounts.imap-push');

export class ImapPush {
  readonly #store: ProfileStore;
  readonly #onChange: (accountId: number) => void;
  readonly #timeoutMs: number | undefined;
  readonly #oauth: ((issuer: ImapOAuthIssuer) => ImapOAuthClient) | undefined;
  readonly #watchers = new Map<number, { watcher: IdleWatcher; key: string }>();

  /** `oauth`: the issuer's client, for accounts that sign in with a Microsoft 365 or Google token. */
  constructor(options: { store: ProfileStore; onChange(accountId: number): void; timeoutMs?: number; oauth?: (issuer: ImapOAuthIssuer) => ImapOAuthClient }) {
    this.#store = options.store;
    this.#oauth = options.oauth;
    this.#onChange = options.onChange;
    this.#timeoutMs = options.timeoutMs;
  }

  /** Watches every connected IMAP account, and stops watching removed or disconnected ones (or changed credentials). */
  refresh(): void {
    const wanted = new Map<number, ImapCredentials>();
    for (const account of this.#store.accounts.list()) {
      if (account.provider !== 'imap' || account.status !== 'connected') continue;
      const credentials = this.#store.accounts.getTokens<ImapCredentials>(account.id);
      if (credentials && hasImapSecret(credentials)) wanted.set(account.id, credentials);
    }
    for (const [id, { watcher, key }] of this.#watchers) {
      const credentials = wanted.get(id);
      if (credentials && keyOf(credentials) === key) continue;
      void watcher.stop();
      this.#watchers.delete(id);
    }
    for (const [id, credentials] of wanted) {
      if (this.#watchers.has(id)) continue;
      let signIn;
      try {
        const issuer = imapOAuthIssuer(credentials);
        signIn = imapSignInFor(credentials, this.#store.accounts, id, issuer ? this.#oauth?.(issuer) : undefined);
      } catch (error) {
        log.warn('cannot watch the inbox', { accountId: id, reason: (error as Error).message });
        continue;
      }
      const server = imapServerOf(credentials);
      const watcher = new IdleWatcher({ server, signIn, onChange: () => this.#onChange(id), ...(this.#timeoutMs ? { timeoutMs: this.#timeoutMs } : {}) });
      watcher.start();
      this.#watchers.set(id, { watcher, key: keyOf(credentials) });
    }
  }

  async stop(): Promise<void> {
    await Promise.all([...this.#watchers.values()].map(({ watcher }) => watcher.stop()));
    this.#watchers.clear();
  }
}

// A refresh rewrites the tokens: the watcher's key is the account it signs in as, not the token.
const keyOf = (c: ImapCredentials) => JSON.stringify([c.host, c.port, c.security, c.user, c.password ?? null, c.homeAccountId ?? null, c.google?.refreshToken ?? null]);
