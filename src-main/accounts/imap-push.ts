// Push for IMAP accounts: an IDLE watcher on each connected account's Inbox, started and
// stopped as accounts come and go, each change answered with a new-mail sync — so mail shows
// within a second or two instead of at the next 30 s check.
import { IdleWatcher } from '../mail/providers/imap-idle.ts';
import { imapServerOf, type ImapCredentials } from '../mail/providers/imap.ts';
import { imapSignInFor } from '../mail/providers/imap-auth.ts';
import type { MicrosoftOAuthConfig } from '../auth/index.ts';
import { createLogger } from '../platform/logger.ts';
import type { ProfileStore } from '../store/profile-store.ts';

const log = createLogger('accounts.imap-push');

export class ImapPush {
  readonly #store: ProfileStore;
  readonly #onChange: (accountId: number) => void;
  readonly #timeoutMs: number | undefined;
  readonly #oauth: (() => MicrosoftOAuthConfig) | undefined;
  readonly #watchers = new Map<number, { watcher: IdleWatcher; key: string }>();

  /** `oauth`: the Microsoft client, for accounts that sign in with a Microsoft 365 token. */
  constructor(options: { store: ProfileStore; onChange(accountId: number): void; timeoutMs?: number; oauth?: () => MicrosoftOAuthConfig }) {
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
      if (credentials?.password || credentials?.msalCache) wanted.set(account.id, credentials);
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
        signIn = imapSignInFor(credentials, this.#store.accounts, id, credentials.auth === 'microsoft' ? this.#oauth?.() : undefined);
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

// A refreshed token rewrites msalCache: the watcher's key is the account it signs in as, not the token.
const keyOf = (c: ImapCredentials) => JSON.stringify([c.host, c.port, c.security, c.user, c.password ?? null, c.homeAccountId ?? null]);
