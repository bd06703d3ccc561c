// The CRM connection: the active CRM (HubSpot, Salesforce or Pipedrive, one at a time), its
// stored credentials and their state (connected, reconnect required, not connected), the
// connector built from them, whether the CRM answered lately, and what happens when the rep
// connects a different account of the same CRM than before. Every CRM keeps its own
// credentials, contact cache and log history; switching changes which one is used.
import { createLogger } from '../platform/logger.ts';
import type { ProfileStore } from '../store/profile-store.ts';
import type { CrmStatus } from '../../src-preload/contract/index.ts';
import type { CrmConnectionInput } from './crm-service-api.ts';
import { classifyCrmError, type CrmFailure } from './crm-errors.ts';
import { CRM_NAMES, type CrmAuthError, type CrmConnector, type CrmKind } from './types.ts';

const log = createLogger('crm.connection');

export interface CrmConnectionOptions {
  store: ProfileStore;
  connectorFactory: (connection: CrmConnectionInput) => CrmConnector;
  now: () => number;
  /** The CRM refused the token (it is now reconnect_required): pause what sends with it. */
  onRefused(error: CrmAuthError): void;
  /** The CRM in use (the setting); default HubSpot. */
  activeCrm?: () => CrmKind;
}

export class CrmConnection {
  readonly #o: CrmConnectionOptions;
  /** Connectors built from stored credentials, per CRM, until the credentials change. */
  readonly #connectors = new Map<CrmKind, { connector: CrmConnector; secret: string }>();
  #unreachable = false;
  #lastCrm: CrmKind;

  constructor(options: CrmConnectionOptions) {
    this.#o = options;
    this.#lastCrm = this.crm;
  }

  /** The active CRM. */
  get crm(): CrmKind {
    return this.#o.activeCrm?.() ?? 'hubspot';
  }

  /** The CRM's name in words for the rep. */
  get name(): string {
    return CRM_NAMES[this.crm];
  }

  state(): CrmStatus['state'] {
    const c = this.#stored();
    if (!c || !c.accessToken || c.status === 'disconnected') return 'not_connected';
    return c.status === 'reconnect_required' ? 'reconnect_required' : 'connected';
  }

  /** The active CRM's connector while connected; null otherwise (not connected, or the token refused). */
  usable(): CrmConnector | null {
    const crm = this.crm;
    if (crm !== this.#lastCrm) {
      // Another CRM now: whether the previous one answered says nothing about this one.
      this.#lastCrm = crm;
      this.#unreachable = false;
    }
    if (this.state() !== 'connected') return null;
    const stored = this.#stored()!;
    const secret = stored.accessToken!;
    const cached = this.#connectors.get(crm);
    if (cached?.secret === secret) return cached.connector;
    const connector = this.#o.connectorFactory({ crm, accessToken: secret, accountLabel: stored.accountLabel });
    this.#connectors.set(crm, { connector, secret });
    return connector;
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
  async connect(accessToken: string, crm: CrmKind = this.crm): Promise<void> {
    const candidate = this.#o.connectorFactory({ crm, accessToken });
    const { accountLabel } = await candidate.verify();
    const previous = this.#o.store.crmConnections.get(crm)?.accountLabel ?? null;
    if (previous !== null && previous !== accountLabel) this.#retireAccount(crm, previous, accountLabel);
    this.#o.store.crmConnections.save(crm, accessToken, accountLabel);
    this.#connectors.set(crm, { connector: candidate, secret: accessToken });
    this.#unreachable = false;
    log.info('CRM connected', { crm });
  }

  /** Forgets the active CRM's token; what is queued stays. */
  disconnect(): void {
    this.#o.store.crmConnections.clearToken(this.crm);
    this.#connectors.delete(this.crm);
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

  #retireAccount(crm: CrmKind, previous: string, next: string): void {
    const archiveCrm = `${crm}:${previous}:${this.#o.now()}`;
    const { store } = this.#o;
    const failed = store.transaction(() => {
      store.contacts.retireAccount(crm, archiveCrm);
      return store.outbox.retireLive(crm, archiveCrm, `queued for ${CRM_NAMES[crm]} account ${previous}, not sent to ${next}: log it again to send it there`);
    });
    log.warn('CRM account changed; queued logs for the old account were not sent', { failed });
  }
}
