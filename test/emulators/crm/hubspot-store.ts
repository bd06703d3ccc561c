// The emulator's CRM data: contacts, owners, email engagements and their associations,
// held in memory with HubSpot's id and timestamp conventions so answers look like the
// real API's (string ids, ISO 8601 datetimes, `hs_object_id` echoed in properties).

/** A contact given to the emulator up front (seed.ts builds these from a mailbox). */
export interface SeedContact {
  email: string;
  firstname?: string;
  lastname?: string;
  company?: string;
  /** An id from HUBSPOT_TEST_OWNERS (or any owner added with addOwner); absent = unassigned. */
  hubspot_owner_id?: string;
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

/** Association type ids (developers.hubspot.com/docs/api/crm/associations/associations-v4). */
export const EMAIL_TO_CONTACT = 198;
export const CONTACT_TO_EMAIL = 197;

export class HubSpotStore {
  readonly contacts = new Map<string, CrmRecord>();
  readonly owners = new Map<string, HubSpotOwner>();
  readonly emails = new Map<string, CrmRecord>();
  /** email id → contact ids, and the reverse, in creation order. */
  readonly emailContacts = new Map<string, string[]>();
  readonly contactEmails = new Map<string, string[]>();
  readonly #byEmail = new Map<string, string>();
  #nextContactId = 101;
  #nextEmailId = 50_000_000_001;

  constructor() {
    for (const owner of HUBSPOT_TEST_OWNERS) this.owners.set(owner.id, { ...owner });
  }

  /** Creates a contact; throws `{conflict: existingId}` when the email is taken (HubSpot's unique email). */
  addContact(properties: Record<string, string>, now = new Date()): CrmRecord {
    const email = properties.email?.trim().toLowerCase();
    if (email) {
      const existing = this.#byEmail.get(email);
      if (existing) throw Object.assign(new Error('conflict'), { conflict: existing });
    }
    const id = String(this.#nextContactId++);
    const iso = now.toISOString();
    const record: CrmRecord = {
      id,
      properties: {
        ...properties,
        ...(email ? { email } : {}),
        hs_object_id: id,
        createdate: iso,
        lastmodifieddate: iso,
      },
      createdAt: iso,
      updatedAt: iso,
    };
    this.contacts.set(id, record);
    if (email) this.#byEmail.set(email, id);
    return record;
  }

  contactByEmail(email: string): CrmRecord | undefined {
    const id = this.#byEmail.get(email.trim().toLowerCase());
    return id ? this.contacts.get(id) : undefined;
  }

  /** Stores an email engagement associated with `contactIds` (already validated). */
  addEmail(properties: Record<string, string>, contactIds: string[], now = new Date()): CrmRecord {
    const id = String(this.#nextEmailId++);
    const iso = now.toISOString();
    const record: CrmRecord = {
      id,
      properties: { ...properties, hs_object_id: id, hs_createdate: iso, hs_lastmodifieddate: iso },
      createdAt: iso,
      updatedAt: iso,
    };
    this.emails.set(id, record);
    const unique = [...new Set(contactIds)];
    this.emailContacts.set(id, unique);
    for (const contactId of unique) {
      const list = this.contactEmails.get(contactId) ?? [];
      list.push(id);
      this.contactEmails.set(contactId, list);
    }
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
