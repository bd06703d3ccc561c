// The CRM connection: its access token (kept only here, inside the encrypted database),
// the account label shown in settings, and whether the rep must reconnect.
import type { Db } from './types.ts';

export type CrmConnectionStatus = 'connected' | 'reconnect_required' | 'disconnected';

export interface CrmConnection {
  crm: string;
  /** Null after a disconnect. Never log it. */
  accessToken: string | null;
  accountLabel: string | null;
  status: CrmConnectionStatus;
  lastError: string | null;
  connectedAt: number;
  updatedAt: number;
}

interface Row {
  crm: string;
  access_token: string | null;
  account_label: string | null;
  status: CrmConnectionStatus;
  last_error: string | null;
  connected_at: number;
  updated_at: number;
}

export class CrmConnectionRepository {
  readonly #now: () => number;
  readonly #s;

  constructor(db: Db, now: () => number = Date.now) {
    this.#now = now;
    this.#s = {
      get: db.prepare<[string], Row>('SELECT * FROM crm_connections WHERE crm = ?'),
      save: db.prepare<[{ crm: string; token: string; label: string; now: number }]>(
        `INSERT INTO crm_connections (crm, access_token, account_label, status, last_error, connected_at, updated_at)
         VALUES (@crm, @token, @label, 'connected', NULL, @now, @now)
         ON CONFLICT (crm) DO UPDATE SET access_token = excluded.access_token, account_label = excluded.account_label,
           status = 'connected', last_error = NULL, connected_at = excluded.connected_at, updated_at = excluded.updated_at`,
      ),
      status: db.prepare<[CrmConnectionStatus, string | null, number, string]>(
        'UPDATE crm_connections SET status = ?, last_error = ?, updated_at = ? WHERE crm = ?',
      ),
      clear: db.prepare<[number, string]>(
        `UPDATE crm_connections SET access_token = NULL, status = 'disconnected', last_error = NULL, updated_at = ? WHERE crm = ?`,
      ),
    };
  }

  get(crm: string): CrmConnection | null {
    const row = this.#s.get.get(crm);
    return row
      ? {
          crm: row.crm,
          accessToken: row.access_token,
          accountLabel: row.account_label,
          status: row.status,
          lastError: row.last_error,
          connectedAt: row.connected_at,
          updatedAt: row.updated_at,
        }
      : null;
  }

  /** Stores a verified token as the connection (status connected, error cleared). */
  save(crm: string, accessToken: string, accountLabel: string): void {
    this.#s.save.run({ crm, token: accessToken, label: accountLabel, now: this.#now() });
  }

  /** e.g. reconnect_required with the CRM's 401 message. Returns false when there is no connection row. */
  setStatus(crm: string, status: CrmConnectionStatus, lastError: string | null = null): boolean {
    return this.#s.status.run(status, lastError, this.#now(), crm).changes > 0;
  }

  /** Forgets the token (disconnect); the row stays with status disconnected. */
  clearToken(crm: string): void {
    this.#s.clear.run(this.#now(), crm);
  }
}
