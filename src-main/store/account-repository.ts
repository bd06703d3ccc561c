// Connected mailboxes and their OAuth tokens. Tokens are kept only here, inside the
// encrypted database; the renderer sees an account's status, never its credentials.
import type { Account, AccountProvider, AccountStatus, Db, StoredTokens } from './types.ts';

interface AccountRow {
  id: number;
  provider: AccountProvider;
  email: string;
  display_name: string;
  status: AccountStatus;
  created_at: number;
  updated_at: number;
}

const COLUMNS = 'id, provider, email, display_name, status, created_at, updated_at';

export class AccountRepository {
  readonly #insert;
  readonly #byId;
  readonly #byEmail;
  readonly #list;
  readonly #setStatus;
  readonly #getTokens;
  readonly #setTokens;
  readonly #remove;
  readonly #now: () => number;

  constructor(db: Db, now: () => number = Date.now) {
    this.#now = now;
    this.#insert = db.prepare<[string, string, string, AccountStatus, number, number], AccountRow>(
      `INSERT INTO accounts (provider, email, display_name, status, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?) RETURNING ${COLUMNS}`,
    );
    this.#byId = db.prepare<[number], AccountRow>(`SELECT ${COLUMNS} FROM accounts WHERE id = ?`);
    this.#byEmail = db.prepare<[string, string], AccountRow>(
      `SELECT ${COLUMNS} FROM accounts WHERE provider = ? AND email = ?`,
    );
    this.#list = db.prepare<[], AccountRow>(`SELECT ${COLUMNS} FROM accounts ORDER BY id`);
    this.#setStatus = db.prepare<[AccountStatus, number, number]>(
      'UPDATE accounts SET status = ?, updated_at = ? WHERE id = ?',
    );
    this.#getTokens = db
      .prepare<[number], string>('SELECT tokens_json FROM account_credentials WHERE account_id = ?')
      .pluck();
    this.#setTokens = db.prepare<[number, string, number]>(
      `INSERT INTO account_credentials (account_id, tokens_json, updated_at) VALUES (?, ?, ?)
       ON CONFLICT (account_id) DO UPDATE SET tokens_json = excluded.tokens_json, updated_at = excluded.updated_at`,
    );
    this.#remove = db.prepare<[number]>('DELETE FROM accounts WHERE id = ?');
  }

  /** Adds a mailbox (email is lower-cased). Throws a SQLITE_CONSTRAINT_UNIQUE error if (provider, email) exists. */
  create(input: { provider: AccountProvider; email: string; displayName?: string; status?: AccountStatus }): Account {
    const now = this.#now();
    const row = this.#insert.get(
      input.provider,
      input.email.trim().toLowerCase(),
      input.displayName ?? '',
      input.status ?? 'connected',
      now,
      now,
    );
    return toAccount(row!);
  }

  get(id: number): Account | null {
    const row = this.#byId.get(id);
    return row ? toAccount(row) : null;
  }

  findByEmail(provider: AccountProvider, email: string): Account | null {
    const row = this.#byEmail.get(provider, email.trim().toLowerCase());
    return row ? toAccount(row) : null;
  }

  /** All accounts, oldest first. */
  list(): Account[] {
    return this.#list.all().map(toAccount);
  }

  /** Returns false when no such account exists. */
  setStatus(id: number, status: AccountStatus): boolean {
    return this.#setStatus.run(status, this.#now(), id).changes > 0;
  }

  /** The account's tokens as last stored, or null. */
  getTokens<T extends object = StoredTokens>(accountId: number): T | null {
    const json = this.#getTokens.get(accountId);
    return json === undefined ? null : (JSON.parse(json) as T);
  }

  /** Replaces the account's tokens. Throws a SQLITE_CONSTRAINT_FOREIGNKEY error for an unknown account. */
  setTokens(accountId: number, tokens: object): void {
    this.#setTokens.run(accountId, JSON.stringify(tokens), this.#now());
  }

  /** Deletes the account with its tokens, messages, threads, labels and sync state. */
  remove(id: number): boolean {
    return this.#remove.run(id).changes > 0;
  }
}

function toAccount(row: AccountRow): Account {
  return {
    id: row.id,
    provider: row.provider,
    email: row.email,
    displayName: row.display_name,
    status: row.status,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
