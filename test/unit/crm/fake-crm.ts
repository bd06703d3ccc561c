// An in-memory CrmConnector for the outbox and service tests: contacts, logged emails, and
// scripted failures (401, 429, unreachable, 5xx, a response lost after the CRM committed).
import type { CrmConnector, CrmContact, CrmDeal, CrmKind, EmailActivity, EmailAssociations, LoggedEmail, NewContact } from '../../../src-main/crm/types.ts';
import { CrmAuthError, CrmError, CrmRateLimitError, CrmUnreachableError } from '../../../src-main/crm/types.ts';

export type Fault = 'auth' | 'unreachable' | 'refused' | 'server' | 'bad_request' | 'drop_after_commit' | { rateLimitMs: number } | { dailyLimitMs: number };

export interface FakeEmail {
  crmActivityId: string;
  activity: EmailActivity;
  contactIds: string[];
  companyIds: string[];
  dealIds: string[];
}

export class FakeCrm implements CrmConnector {
  readonly crm: CrmKind;
  readonly contacts: CrmContact[];
  /** Open deals per CRM contact id (openDealsOf). */
  readonly deals = new Map<string, CrmDeal[]>();
  readonly emails: FakeEmail[] = [];
  /** Faults applied to the next logEmail calls, in order. */
  readonly logFaults: Fault[] = [];
  /** Faults applied to the next listLoggedEmails calls. */
  readonly listFaults: Fault[] = [];
  readonly calls = { verify: 0, find: 0, log: 0, list: 0 };
  /** Order in which logEmail was attempted: idempotency keys. */
  readonly attempts: string[] = [];
  down = false;
  accountLabel = 'Portal 4242';
  token: string;
  validToken: string;
  /** Called at the start of each logEmail; can await to hold a request in flight. */
  gate: (() => Promise<void>) | null = null;

  constructor(contacts: CrmContact[], token = 'good-token-123', crm: CrmKind = 'hubspot') {
    this.crm = crm;
    this.contacts = contacts;
    this.token = token;
    this.validToken = token;
  }

  async verify() {
    this.calls.verify += 1;
    this.#check();
    return { accountLabel: this.accountLabel };
  }

  async findContactsByEmail(emails: readonly string[]) {
    this.calls.find += 1;
    this.#check();
    return this.contacts.filter((c) => emails.includes(c.email));
  }

  async openDealsOf(crmContactId: string): Promise<CrmDeal[]> {
    this.#check();
    return this.deals.get(crmContactId) ?? [];
  }

  async createContact(person: NewContact): Promise<CrmContact> {
    this.#check();
    const contact = { crmContactId: String(500 + this.contacts.length), email: person.email, name: person.name, company: person.company, owner: '' };
    this.contacts.push(contact);
    return contact;
  }

  async logEmail(activity: EmailActivity, associations: EmailAssociations) {
    const crmContactIds = associations.contacts;
    this.#associations = associations;
    this.calls.log += 1;
    this.attempts.push(activity.idempotencyKey);
    if (this.gate) await this.gate();
    this.#check();
    const fault = this.logFaults.shift();
    if (fault === 'drop_after_commit') {
      this.#commit(activity, crmContactIds);
      throw new CrmUnreachableError('socket hang up', { cause: Object.assign(new Error('reset'), { code: 'ECONNRESET' }) });
    }
    if (fault) throw toError(fault);
    return { crmActivityId: this.#commit(activity, crmContactIds) };
  }

  async listLoggedEmails(crmContactId: string): Promise<LoggedEmail[]> {
    this.calls.list += 1;
    this.#check();
    const fault = this.listFaults.shift();
    if (fault) throw toError(fault as Exclude<Fault, 'drop_after_commit'>);
    return this.emails
      .filter((e) => e.contactIds.includes(crmContactId))
      .map((e) => ({ crmActivityId: e.crmActivityId, timestamp: e.activity.timestamp, subject: e.activity.subject, idempotencyKey: e.activity.idempotencyKey }))
      .reverse();
  }

  /** Emails per idempotency key (a duplicate shows as a count above 1). */
  countsByKey(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const e of this.emails) counts.set(e.activity.idempotencyKey, (counts.get(e.activity.idempotencyKey) ?? 0) + 1);
    return counts;
  }

  #check() {
    if (this.down) throw toError('refused');
    if (this.token !== this.validToken) throw toError('auth');
  }

  #associations: EmailAssociations | null = null;

  #commit(activity: EmailActivity, contactIds: readonly string[]): string {
    const crmActivityId = String(9000 + this.emails.length);
    const companyIds = [...(this.#associations?.companies ?? [])];
    const dealIds = [...(this.#associations?.deals ?? [])];
    this.emails.push({ crmActivityId, activity, contactIds: [...contactIds], companyIds, dealIds });
    return crmActivityId;
  }
}

function toError(fault: Exclude<Fault, 'drop_after_commit'>): Error {
  if (fault === 'auth') return new CrmAuthError('401 Unauthorized');
  if (fault === 'unreachable') return new CrmUnreachableError('timeout', { cause: Object.assign(new Error('t'), { code: 'ETIMEDOUT' }) });
  if (fault === 'refused') return new CrmUnreachableError('connect ECONNREFUSED', { cause: Object.assign(new Error('r'), { code: 'ECONNREFUSED' }) });
  if (fault === 'server') return new CrmError('502 Bad Gateway', { retryable: true });
  if (fault === 'bad_request') return new CrmError('400 Property values were not valid', { retryable: false });
  if ('dailyLimitMs' in fault) return new CrmRateLimitError('429 DAILY', fault.dailyLimitMs, { policy: 'daily' });
  return new CrmRateLimitError('429 RATE_LIMIT', fault.rateLimitMs);
}
