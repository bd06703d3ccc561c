// The emulator's CRM data: contacts, companies, deals, owners, email engagements and the
// associations between them (both directions, with v4 type ids and labels), held in memory
// with HubSpot's id and timestamp conventions so answers look like the real API's (string ids,
// ISO 8601 datetimes, `hs_object_id` echoed in properties).

/** A contact given to the emulator up front (seed.ts builds these from a mailbox). */
export interface SeedContact {
  email: string;
  firstname?: string;
  lastname?: string;
  company?: string;
  /** An id from HUBSPOT_TEST_OWNERS (or any owner added with addOwner); absent = unassigned. */
  hubspot_owner_id?: string;
  jobtitle?: string;
  phone?: string;
  /** A lifecycle stage's internal value (lead, salesqualifiedlead, customer, …). */
  lifecyclestage?: string;
}

export interface HubSpotOwner {
  id: string;
  email: string;
  firstName: string;
  lastName: string;
  userId: number;
}

/** The fixed sales team every emulator starts with. */
export const HUBSPOT_TEST_OWNERS: readonly HubSpotOwner[] = [
  { id: '41000001', email: 'alice.owner@mailbridge.test', firstName: 'Alice', lastName: 'Owner', userId: 9000001 },
  { id: '41000002', email: 'bob.seller@mailbridge.test', firstName: 'Bob', lastName: 'Seller', userId: 9000002 },
  { id: '41000003', email: 'carol.closer@mailbridge.test', firstName: 'Carol', lastName: 'Closer', userId: 9000003 },
  { id: '41000004', email: 'dan.deals@mailbridge.test', firstName: 'Dan', lastName: 'Deals', userId: 9000004 },
];

/** A CRM record (contact or email engagement) as stored. Property values are strings, as in HubSpot. */
export interface CrmRecord {
  id: string;
  properties: Record<string, string>;
  createdAt: string;
  updatedAt: string;
}

/** An email engagement as a test inspects it. */
export interface EmulatedEmail {
  id: string;
  properties: Record<string, string>;
  contactIds: string[];
  createdAt: string;
}

/** A company given to the emulator up front (seed.ts derives them from the contacts' domains). */
export interface SeedCompany {
  name: string;
  /** Lower-cased web domain; seeded contacts with an address at it get the company as primary. */
  domain: string;
}

/** A deal given up front, associated with the contacts whose addresses are listed. */
export interface SeedDeal {
  dealname: string;
  /** A stage id of DEAL_PIPELINES (closedwon and closedlost are closed). */
  dealstage: string;
  pipeline?: string;
  /** A decimal string, as HubSpot stores numbers. */
  amount?: string;
  /** ISO 8601. */
  closedate?: string;
  deal_currency_code?: string;
  /** ISO 8601; default now. Orders a contact's deals (newest first). */
  createdate?: string;
  contactEmails: string[];
}

export type CrmObjectType = 'contacts' | 'companies' | 'deals' | 'emails';
export const CRM_OBJECT_TYPES: readonly CrmObjectType[] = ['contacts', 'companies', 'deals', 'emails'];

/** One association's type as the v4 API reports it. */
export interface AssociationType {
  category: 'HUBSPOT_DEFINED';
  typeId: number;
  label: string | null;
}

/**
 * HUBSPOT_DEFINED association type ids, both directions (developers.hubspot.com/docs/api/crm/
 * associations/associations-v4, "association type id values").
 */
export const ASSOCIATION_TYPE_IDS = {
  emailToContact: 198, contactToEmail: 197,
  emailToCompany: 186, companyToEmail: 185,
  emailToDeal: 210, dealToEmail: 209,
  contactToCompany: 279, companyToContact: 280,
  contactToCompanyPrimary: 1, companyToContactPrimary: 2,
  contactToDeal: 4, dealToContact: 3,
} as const;
export const EMAIL_TO_CONTACT = ASSOCIATION_TYPE_IDS.emailToContact;
export const CONTACT_TO_EMAIL = ASSOCIATION_TYPE_IDS.contactToEmail;

const unlabelled = (typeId: number): AssociationType => ({ category: 'HUBSPOT_DEFINED', typeId, label: null });

/** A deal pipeline stage: HubSpot's default sales pipeline (ids, labels and probabilities as a new account has them). */
export interface PipelineStage {
  id: string;
  label: string;
  displayOrder: number;
  probability: string;
  isClosed: boolean;
}

export const DEAL_PIPELINES: ReadonlyArray<{ id: string; label: string; stages: readonly PipelineStage[] }> = [{
  id: 'default',
  label: 'Sales Pipeline',
  stages: [
    { id: 'appointmentscheduled', label: 'Appointment Scheduled', displayOrder: 0, probability: '0.2', isClosed: false },
    { id: 'qualifiedtobuy', label: 'Qualified To Buy', displayOrder: 1, probability: '0.4', isClosed: false },
    { id: 'presentationscheduled', label: 'Presentation Scheduled', displayOrder: 2, probability: '0.6', isClosed: false },
    { id: 'decisionmakerboughtin', label: 'Decision Maker Bought-In', displayOrder: 3, probability: '0.8', isClosed: false },
    { id: 'contractsent', label: 'Contract Sent', displayOrder: 4, probability: '0.9', isClosed: false },
    { id: 'closedwon', label: 'Closed Won', displayOrder: 5, probability: '1.0', isClosed: true },
    { id: 'closedlost', label: 'Closed Lost', displayOrder: 6, probability: '0.0', isClosed: true },
  ],
}];

const ID_START: Record<CrmObjectType, number> = { contacts: 101, companies: 20_000_001, deals: 30_000_001, emails: 50_000_000_001 };

export class HubSpotStore {
  readonly contacts = new Map<string, CrmRecord>();
  readonly companies = new Map<string, CrmRecord>();
  readonly deals = new Map<string, CrmRecord>();
  readonly owners = new Map<string, HubSpotOwner>();
  readonly emails = new Map<string, CrmRecord>();
  readonly #byEmail = new Map<string, string>();
  /** `${fromType}/${fromId}/${toType}` → to id → association types, in creation order. */
  readonly #links = new Map<string, Map<string, AssociationType[]>>();
  readonly #nextId: Record<CrmObjectType, number> = { ...ID_START };

  constructor() {
    for (const owner of HUBSPOT_TEST_OWNERS) this.owners.set(owner.id, { ...owner });
  }

  records(type: CrmObjectType): Map<string, CrmRecord> {
    return type === 'contacts' ? this.contacts : type === 'companies' ? this.companies : type === 'deals' ? this.deals : this.emails;
  }

  /** Creates a contact; throws `{conflict: existingId}` when the email is taken (HubSpot's unique email). */
  addContact(properties: Record<string, string>, now = new Date()): CrmRecord {
    const email = properties.email?.trim().toLowerCase();
    if (email) {
      const existing = this.#byEmail.get(email);
      if (existing) throw Object.assign(new Error('conflict'), { conflict: existing });
    }
    const record = this.#add('contacts', { ...properties, ...(email ? { email } : {}) }, { createdate: 'createdate', modified: 'lastmodifieddate' }, now);
    if (email) this.#byEmail.set(email, record.id);
    return record;
  }

  contactByEmail(email: string): CrmRecord | undefined {
    const id = this.#byEmail.get(email.trim().toLowerCase());
    return id ? this.contacts.get(id) : undefined;
  }

  /** Sets (or, with '', clears) contact properties as a PATCH would. The email is not changed here. */
  updateContact(id: string, properties: Record<string, string>, now = new Date()): CrmRecord {
    const record = this.contacts.get(id);
    if (!record) throw new Error(`no contact ${id}`);
    for (const [name, value] of Object.entries(properties)) {
      if (name === 'email' || name === 'hs_object_id') continue;
      if (value === '') delete record.properties[name];
      else record.properties[name] = value;
    }
    record.properties.lastmodifieddate = record.updatedAt = now.toISOString();
    return record;
  }

  addCompany(properties: Record<string, string>, now = new Date()): CrmRecord {
    const domain = properties.domain?.trim().toLowerCase();
    return this.#add('companies', { ...properties, ...(domain ? { domain } : {}) }, { createdate: 'createdate', modified: 'hs_lastmodifieddate' }, now);
  }

  /** Creates a deal; hs_is_closed follows its stage (HubSpot calculates it from the stage's isClosed). */
  addDeal(properties: Record<string, string>, now = new Date()): CrmRecord {
    const pipeline = properties.pipeline ?? DEAL_PIPELINES[0]!.id;
    const stage = DEAL_PIPELINES.find((p) => p.id === pipeline)?.stages.find((s) => s.id === properties.dealstage);
    return this.#add('deals', { ...properties, pipeline, hs_is_closed: String(stage?.isClosed ?? false) }, { createdate: 'createdate', modified: 'hs_lastmodifieddate' }, now);
  }

  /** Stores an email engagement associated with `links` (ids already validated); an array is contact ids alone. */
  addEmail(properties: Record<string, string>, associated: string[] | { contacts: string[]; companies?: string[]; deals?: string[] }, now = new Date()): CrmRecord {
    const links = Array.isArray(associated) ? { contacts: associated } : associated;
    const record = this.#add('emails', properties, { createdate: 'hs_createdate', modified: 'hs_lastmodifieddate' }, now);
    const t = ASSOCIATION_TYPE_IDS;
    for (const id of links.contacts) this.associate('emails', record.id, 'contacts', id, [unlabelled(t.emailToContact)], [unlabelled(t.contactToEmail)]);
    for (const id of links.companies ?? []) this.associate('emails', record.id, 'companies', id, [unlabelled(t.emailToCompany)], [unlabelled(t.companyToEmail)]);
    for (const id of links.deals ?? []) this.associate('emails', record.id, 'deals', id, [unlabelled(t.emailToDeal)], [unlabelled(t.dealToEmail)]);
    return record;
  }

  /**
   * Associates contact and company (279/280), as primary when `primary` (1/2 as well), which
   * also sets the contact's associatedcompanyid as HubSpot does. A new primary replaces the old one's label.
   */
  associateContactWithCompany(contactId: string, companyId: string, primary: boolean): void {
    const t = ASSOCIATION_TYPE_IDS;
    if (primary) {
      for (const other of this.associations('contacts', contactId, 'companies')) {
        this.#unlabel('contacts', contactId, 'companies', other.id, t.contactToCompanyPrimary);
        this.#unlabel('companies', other.id, 'contacts', contactId, t.companyToContactPrimary);
      }
    }
    this.associate('contacts', contactId, 'companies', companyId,
      [unlabelled(t.contactToCompany), ...(primary ? [{ category: 'HUBSPOT_DEFINED' as const, typeId: t.contactToCompanyPrimary, label: 'Primary' }] : [])],
      [unlabelled(t.companyToContact), ...(primary ? [{ category: 'HUBSPOT_DEFINED' as const, typeId: t.companyToContactPrimary, label: 'Primary' }] : [])]);
    if (primary) this.contacts.get(contactId)!.properties.associatedcompanyid = companyId;
  }

  associateContactWithDeal(contactId: string, dealId: string): void {
    const t = ASSOCIATION_TYPE_IDS;
    this.associate('contacts', contactId, 'deals', dealId, [unlabelled(t.contactToDeal)], [unlabelled(t.dealToContact)]);
  }

  /** Both directions; types merge with those already there (by typeId). */
  associate(fromType: CrmObjectType, fromId: string, toType: CrmObjectType, toId: string, forward: AssociationType[], reverse: AssociationType[]): void {
    this.#link(fromType, fromId, toType, toId, forward);
    this.#link(toType, toId, fromType, fromId, reverse);
  }

  /** The records of `toType` associated with `fromType` `fromId`, in association order. */
  associations(fromType: CrmObjectType, fromId: string, toType: CrmObjectType): Array<{ id: string; types: AssociationType[] }> {
    return [...(this.#links.get(`${fromType}/${fromId}/${toType}`) ?? [])].map(([id, types]) => ({ id, types: types.map((t) => ({ ...t })) }));
  }

  #link(fromType: CrmObjectType, fromId: string, toType: CrmObjectType, toId: string, types: AssociationType[]): void {
    const key = `${fromType}/${fromId}/${toType}`;
    const targets = this.#links.get(key) ?? new Map<string, AssociationType[]>();
    const existing = targets.get(toId) ?? [];
    for (const type of types) if (!existing.some((e) => e.typeId === type.typeId)) existing.push(type);
    targets.set(toId, existing);
    this.#links.set(key, targets);
  }

  #unlabel(fromType: CrmObjectType, fromId: string, toType: CrmObjectType, toId: string, typeId: number): void {
    const types = this.#links.get(`${fromType}/${fromId}/${toType}`)?.get(toId);
    const at = types?.findIndex((t) => t.typeId === typeId) ?? -1;
    if (at >= 0) types!.splice(at, 1);
  }

  #add(type: CrmObjectType, properties: Record<string, string>, names: { createdate: string; modified: string }, now: Date): CrmRecord {
    const id = String(this.#nextId[type]++);
    const iso = now.toISOString();
    const created = properties[names.createdate] ?? iso;
    const record: CrmRecord = {
      id,
      properties: { ...properties, hs_object_id: id, [names.createdate]: created, [names.modified]: iso },
      createdAt: created,
      updatedAt: iso,
    };
    this.records(type).set(id, record);
    return record;
  }
}

/** The object shape every v3 object endpoint answers with (SimplePublicObject). */
export function publicObject(record: CrmRecord, properties: Record<string, string | null>): Record<string, unknown> {
  return { id: record.id, properties, createdAt: record.createdAt, updatedAt: record.updatedAt, archived: false };
}

/**
 * Properties to return for a record: the requested names (null when unset) plus the ones
 * HubSpot always includes; with no request, `defaults` (the object's default property set).
 */
export function selectProperties(record: CrmRecord, requested: readonly string[] | null, always: readonly string[], defaults: readonly string[]): Record<string, string | null> {
  const names = requested && requested.length ? [...new Set([...always, ...requested])] : defaults;
  return Object.fromEntries(names.map((name) => [name, record.properties[name] ?? null]));
}
