// The CRM connection: the stored private-app token and its state (connected, reconnect
// required, not connected), the connector built from it, whether the CRM answered lately,
// and what happens when the rep connects a different CRM account than before.
import { createLogger } from '../platform/logger.ts';
import type { ProfileStore } from '../store/profile-store.ts';
import type { CrmStatus } from '../../src-preload/contract/index.ts';
import type { CrmConnectionInput } from './crm-service-api.ts';
import { classifyCrmError, type CrmFailure } from './crm-errors.ts';
import type { CrmAuthError, CrmConnector } from './types.ts';

const log = createLogger('crm.connection');

export interface CrmConnectionOptions {
  store: ProfileStore;
  connectorFactory: (connection: CrmConnectionInput) => CrmConnector;
  now: () => number;
  /** The CRM refused the token (it is now reconnect_required): pause what sends with it. */
  onRefused(error: CrmAuthError): void;
}

export class CrmConnection {
  readonly crm = 'hubspot' as const;
  /** The CRM's name in words for the rep. */
  readonly name = 'HubSpot';
  readonly #o: CrmConnectionOptions;
  #connector: CrmConnector | null = null;
  #unreachable = false;

  constructor(options: CrmConnectionOptions) {
    this.#o = options;
    const stored = this.#stored();
    if (stored?.accessToken && stored.status !== 'disconnected') {
      this.#connector = options.connectorFactory({ crm: this.crm, accessToken: stored.accessToken });
    }
  }

  state(): CrmStatus['state'] {
    const c = this.#stored();
    if (!c || !c.accessToken || c.status === 'disconnected') return 'not_connected';
    return c.status === 'reconnect_required' ? 'reconnect_required' : 'connected';
  }

  /** The connector while connected; null otherwise (not connected, or the token refused). */
  usable(): CrmConnector | null {
    return this.state() === 'connected' ? this.#connector : null;
  }

  /** Why nothing is sent now, in words for the rep; null while connected. */
  pausedReason(): string | null {
    const s = this.state();
    if (s === 'connected') return null;
    if (s === 'reconnect_required') return this.#stored()?.lastError ?? `${this.name} needs to be reconnected`;
    return `${this.name} is not connected`;
  }

  /** The account's label (HubSpot portal id) and the last connection error, for status. */
  details(): { accountLabel: string | null; lastError: string | null } {
    const c = this.#stored();
    return { accountLabel: c?.accountLabel ?? null, lastError: c?.lastError ?? null };
  }

  /** Whether the last lookup found the CRM unreachable (the outbox tracks its own sends). */
  get unreachable(): boolean {
    return this.#unreachable;
  }

  /** The CRM answered (or the network is back): lookups may try it again. */
  markReachable(): void {
    this.#unreachable = false;
  }

  /**
   * Verifies `accessToken` with the CRM (rejects with its CrmError, storing nothing), then
   * stores it. Another CRM account than before retires the old account's contact cache and
   * fails what was queued for it: its contact ids mean nothing in the new account.
   */
  async connect(accessToken: string): Promise<void> {
    const candidate = this.#o.connectorFactory({ crm: this.crm, accessToken });
    const { accountLabel } = await candidate.verify();
    const previous = this.#stored()?.accountLabel ?? null;
    if (previous !== null && previous !== accountLabel) this.#retireAccount(previous, accountLabel);
    this.#o.store.crmConnections.save(this.crm, accessToken, accountLabel);
    this.#connector = candidate;
    this.#unreachable = false;
    log.info('CRM connected', { crm: this.crm });
  }

  /** Forgets the token; what is queued stays. */
  disconnect(): void {
    this.#o.store.crmConnections.clearToken(this.crm);
    this.#connector = null;
    log.info('CRM disconnected; queued items are kept, paused', { crm: this.crm });
  }

  /**
   * What a failed call says about the connection: a refused token makes it reconnect_required
   * (and calls onRefused), no answer marks the CRM unreachable. Returns the classification.
   */
  noteFailure(error: unknown): CrmFailure {
    const failure = classifyCrmError(error);
    if (failure.kind === 'auth') this.refused(failure.error);
    else if (failure.kind === 'unreachable') this.#unreachable = true;
    return failure;
  }

  /** The CRM refused the token: reconnect required until the rep connects again. */
  refused(error: CrmAuthError): void {
    log.warn('the CRM refused the token; reconnect required');
    this.#o.store.crmConnections.setStatus(this.crm, 'reconnect_required', `${this.name} refused the token: ${error.message}`);
    this.#o.onRefused(error);
  }

  #stored() {
    return this.#o.store.crmConnections.get(this.crm);
  }

  #retireAccount(previous: string, next: string): void {
    const archiveCrm = `${this.crm}:${previous}:${this.#o.now()}`;
    const { store } = this.#o;
    const failed = store.transaction(() => {
      store.contacts.retireAccount(this.crm, archiveCrm);
      return store.outbox.retireLive(this.crm, archiveCrm, `queued for ${this.name} account ${previous}, not sent to ${next}: log it again to send it there`);
    });
    log.warn('CRM account changed; queued logs for the old account were not sent', { failed });
  }
}
