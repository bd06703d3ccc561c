// The CRM service's public shape: what the app assembly passes in and what the IPC handlers,
// the sync scheduler and the tests call. The implementation is crm-service.ts.
import type { ProfileStore } from '../store/profile-store.ts';
import type { CrmStatus, MessageLogState, Timeline } from '../../src-preload/contract/index.ts';
import type { BackoffPolicy } from '../platform/backoff.ts';
import type { ContactMatchResult } from './contact-matcher.ts';
import type { CrmConnector, CrmContact, CrmKind, NewContact } from './types.ts';
import type { DealChoice } from './log-planner.ts';

export interface CrmConnectionInput {
  crm: CrmKind;
  /** The stored secret: HubSpot's private-app token, Pipedrive's API token, Salesforce's tokens (JSON). Never log it. */
  accessToken: string;
  /** The account label stored at connect (HubSpot portal id, Pipedrive company domain, Salesforce org); absent before verify. */
  accountLabel?: string | null;
}

export interface CrmSettings {
  /** The CRM in use; default HubSpot. */
  activeCrm?: CrmKind;
  autoLogKnownContacts: boolean;
  /** Only mail sent or received at or after this time (ms) is auto-logged; null = no limit. */
  autoLogSince?: number | null;
  /** Addresses and domains never logged (settings' neverLog). */
  neverLog: readonly string[];
}

export interface CrmServiceOptions {
  store: ProfileStore;
  connectorFactory: (connection: CrmConnectionInput) => CrmConnector;
  settings: () => CrmSettings;
  /** Makes `crm` the active CRM (writes the setting); without it the service stays on HubSpot. */
  activateCrm?: (crm: CrmKind) => void;
  /** Clock, ms since the epoch. */
  now?: () => number;
  /** [0, 1) for backoff jitter. */
  random?: () => number;
  /** Outbox sends at once across contacts. Default 4. */
  concurrency?: number;
  backoff?: BackoffPolicy;
  /** While HubSpot is unreachable, probe it at least this often (ms). Default 15 s. */
  unreachableRetryCapMs?: number;
  /** A cached contact older than this (ms) is refreshed by timeline() when online. Default 1 h. */
  contactStaleMs?: number;
  /** A "not a contact" answer is trusted this long (ms). Default 24 h. */
  missTtlMs?: number;
  /** The configured Salesforce login host (production, sandbox or a My Domain), shown first in the sign-in form. */
  salesforceLoginUrl?: string;
}

export interface CrmService {
  /** The CRM's name in words for the rep ('HubSpot'). */
  readonly name: string;
  status(): CrmStatus;
  /**
   * Verifies the token with `crm` (default the active one; rejects with CrmAuthError /
   * CrmUnreachableError, storing nothing), stores it, makes that CRM active, resumes the outbox.
   */
  connect(accessToken: string, crm?: CrmKind): Promise<CrmStatus>;
  /** Makes `crm` the active CRM: its queued items go out (when connected), the others' wait. */
  use(crm: CrmKind): CrmStatus;
  /** The active CRM setting changed (from Settings): pause or resume the outbox for it. */
  activeCrmChanged(): void;
  /**
   * "Add to <CRM>": creates the person (a Lead in Salesforce) unless the CRM already has the
   * address, caches it, and answers with the address's timeline. AppError invalid_input,
   * reconnect_required, offline, rate_limited.
   */
  addContact(person: NewContact): Promise<Timeline>;
  /** Forgets the token; queued items stay, paused. */
  disconnect(): void;
  /**
   * Queues one outbox item per (message, CRM contact among From/To/Cc minus own and
   * never-log addresses) and resolves at once with the queued state. Looks participants up
   * when none is a cached contact. AppError: not_found (no message / no contact),
   * offline (no cached contact and the CRM unreachable), reconnect_required, invalid_input.
   */
  logMessage(messageId: number, choice?: DealChoice): Promise<MessageLogState>;
  /** logMessage for every message of the thread that has a contact; AppError not_found when none has. */
  logThread(threadId: number, choice?: DealChoice): Promise<MessageLogState[]>;
  /** A failed item goes back to the queue (AppError not_found for an unknown id). */
  retry(outboxId: number): void;
  /** The cached CRM contact with this (lower-cased) address, or null; never asks the CRM. */
  cachedContact(email: string): CrmContact | null;
  /** Everything backing off for the network or a server is due now (network back). */
  retryNow(): void;
  /** States of messages that have outbox items; others are absent. */
  logStates(messageIds: number[]): Map<number, MessageLogState>;
  /** The contact (cache, refreshed when online and stale; never fails offline) and every stored email with the address. */
  timeline(address: string): Promise<Timeline>;
  /** Runs contact matching now (after a sync or a connect); null when not connected. Never rejects. */
  matchContacts(): Promise<ContactMatchResult | null>;
  /** After a sync: matches new correspondents, then applies the auto-log rule to these messages. Never rejects. */
  onSyncedMessages(messageIds: number[]): Promise<void>;
  /** Outbox items of these messages changed. Returns unsubscribe. */
  onChange(listener: (change: { messageIds: number[] }) => void): () => void;
  /** status() may have changed (connection, online, counts). Returns unsubscribe. */
  onStatusChange(listener: (status: CrmStatus) => void): () => void;
  /** Resolves when the outbox has nothing running and nothing due (tests, benchmarks). */
  whenIdle(): Promise<void>;
  /** Stops the outbox and matching; resolves once running sends are recorded. Call before closing the store. */
  close(): Promise<void>;
}
