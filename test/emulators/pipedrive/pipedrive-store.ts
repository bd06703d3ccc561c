// The emulator's Pipedrive company: users, persons, organizations, deals in one pipeline, and
// notes, held in memory with Pipedrive's conventions — integer ids, RFC 3339 times in v2
// answers and "YYYY-MM-DD HH:MM:SS" (UTC) in v1 ones. Keys the reference does not mark
// nullable are left out of an answer when there is no value, rather than sent as null.
// Shapes: openapi/upstream/v2.yaml (Persons, Organizations, Deals, Stages, PersonFields) and
// openapi/upstream/v1.yaml (Notes, Users) in github.com/juhokoskela/pipedrive-go.

export interface PipedriveUser {
  id: number;
  name: string;
  email: string;
}

/** The emulated company; the first user is the one the test token belongs to ("me"). */
export const PIPEDRIVE_TEST_COMPANY = { id: 13_370_042, name: 'Mailbridge Test Co', domain: 'mailbridge-test' } as const;
export const PIPEDRIVE_TEST_USERS: readonly PipedriveUser[] = [
  { id: 20_000_001, name: 'Riley Rep', email: 'riley.rep@mailbridge.test' },
  { id: 20_000_002, name: 'Alice Owner', email: 'alice.owner@mailbridge.test' },
  { id: 20_000_003, name: 'Bob Seller', email: 'bob.seller@mailbridge.test' },
  { id: 20_000_004, name: 'Carol Closer', email: 'carol.closer@mailbridge.test' },
  { id: 20_000_005, name: 'Dan Deals', email: 'dan.deals@mailbridge.test' },
];
/** Pipedrive's default person labels. */
export const PERSON_LABELS = [
  { id: 1, label: 'Customer', color: 'green' },
  { id: 2, label: 'Hot lead', color: 'red' },
  { id: 3, label: 'Warm lead', color: 'yellow' },
  { id: 4, label: 'Cold lead', color: 'blue' },
] as const;
/** Pipedrive's default pipeline and its stages. */
export const PIPELINE_ID = 1;
export const STAGES = [
  { id: 1, name: 'Qualified', deal_probability: 10 },
  { id: 2, name: 'Contact Made', deal_probability: 20 },
  { id: 3, name: 'Demo Scheduled', deal_probability: 40 },
  { id: 4, name: 'Proposal Made', deal_probability: 60 },
  { id: 5, name: 'Negotiations Started', deal_probability: 80 },
] as const;

interface ValueItem {
  value: string;
  primary: boolean;
  label: string;
}

export interface StoredPerson {
  id: number;
  name: string;
  firstName: string;
  lastName: string;
  ownerId: number;
  orgId: number | null;
  emails: ValueItem[];
  phones: ValueItem[];
  labelIds: number[];
  jobTitle: string | null;
  addTime: Date;
  updateTime: Date;
}

export interface StoredOrganization {
  id: number;
  name: string;
  ownerId: number;
  website: string | null;
  addTime: Date;
  updateTime: Date;
}

export interface StoredDeal {
  id: number;
  title: string;
  ownerId: number;
  personId: number | null;
  orgId: number | null;
  stageId: number;
  value: number;
  currency: string;
  status: 'open' | 'won' | 'lost';
  expectedCloseDate: string | null;
  addTime: Date;
  updateTime: Date;
}

export interface StoredNote {
  id: number;
  /** As stored, after sanitising. */
  content: string;
  personId: number | null;
  orgId: number | null;
  dealId: number | null;
  userId: number;
  addTime: Date;
  updateTime: Date;
}

export class PipedriveStore {
  readonly users = new Map<number, PipedriveUser>(PIPEDRIVE_TEST_USERS.map((u) => [u.id, { ...u }]));
  readonly persons = new Map<number, StoredPerson>();
  readonly organizations = new Map<number, StoredOrganization>();
  readonly deals = new Map<number, StoredDeal>();
  readonly notes = new Map<number, StoredNote>();
  readonly meId = PIPEDRIVE_TEST_USERS[0]!.id;
  #nextPersonId = 1001;
  #nextOrgId = 501;
  #nextDealId = 301;
  #nextNoteId = 9001;

  addPerson(input: { name: string; ownerId?: number; orgId?: number | null; emails?: ValueItem[]; phones?: ValueItem[]; labelIds?: number[]; jobTitle?: string | null }, now = new Date()): StoredPerson {
    const parts = input.name.trim().split(/\s+/);
    const person: StoredPerson = {
      id: this.#nextPersonId++,
      name: input.name.trim(),
      firstName: parts[0] ?? '',
      lastName: parts.slice(1).join(' '),
      ownerId: input.ownerId ?? this.meId,
      orgId: input.orgId ?? null,
      emails: input.emails ?? [],
      phones: input.phones ?? [],
      labelIds: input.labelIds ?? [],
      jobTitle: input.jobTitle ?? null,
      addTime: now,
      updateTime: now,
    };
    this.persons.set(person.id, person);
    return person;
  }

  addOrganization(input: { name: string; ownerId?: number; website?: string | null }, now = new Date()): StoredOrganization {
    const org: StoredOrganization = {
      id: this.#nextOrgId++, name: input.name.trim(), ownerId: input.ownerId ?? this.meId, website: input.website ?? null, addTime: now, updateTime: now,
    };
    this.organizations.set(org.id, org);
    return org;
  }

  organizationByName(name: string): StoredOrganization | undefined {
    const wanted = name.trim().toLowerCase();
    return [...this.organizations.values()].find((o) => o.name.toLowerCase() === wanted);
  }

  addDeal(input: Omit<StoredDeal, 'id' | 'addTime' | 'updateTime'>, now = new Date()): StoredDeal {
    const deal: StoredDeal = { ...input, id: this.#nextDealId++, addTime: now, updateTime: now };
    this.deals.set(deal.id, deal);
    return deal;
  }

  addNote(input: Omit<StoredNote, 'id' | 'updateTime'>, now = new Date()): StoredNote {
    const note: StoredNote = { ...input, id: this.#nextNoteId++, updateTime: now };
    this.notes.set(note.id, note);
    return note;
  }
}

/** RFC 3339 without fractions, as v2 sends: 2021-01-01T00:00:00Z. */
export function v2Time(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** "YYYY-MM-DD HH:MM:SS" in UTC, as v1 sends. */
export function v1Time(date: Date): string {
  return date.toISOString().slice(0, 19).replace('T', ' ');
}

/** v2 person (GET /persons, /persons/{id}, POST /persons `data`). */
export function personBody(p: StoredPerson): Record<string, unknown> {
  return {
    id: p.id,
    name: p.name,
    first_name: p.firstName,
    last_name: p.lastName,
    owner_id: p.ownerId,
    ...(p.orgId ? { org_id: p.orgId } : {}),
    add_time: v2Time(p.addTime),
    update_time: v2Time(p.updateTime),
    emails: p.emails.map((e) => ({ ...e })),
    phones: p.phones.map((e) => ({ ...e })),
    is_deleted: false,
    visible_to: 3,
    label_ids: [...p.labelIds],
    ...(p.jobTitle ? { job_title: p.jobTitle } : {}),
    custom_fields: {},
  };
}

/** One item of v2 GET /persons/search. */
export function personSearchItem(store: PipedriveStore, p: StoredPerson, score: number): Record<string, unknown> {
  const org = p.orgId ? store.organizations.get(p.orgId) : undefined;
  return {
    result_score: score,
    item: {
      id: p.id,
      type: 'person',
      name: p.name,
      phones: p.phones.map((x) => x.value),
      emails: p.emails.map((x) => x.value),
      visible_to: 3,
      owner: { id: p.ownerId },
      ...(org ? { organization: { id: org.id, name: org.name } } : {}),
      custom_fields: [],
      notes: [],
    },
  };
}

/** v2 organization. */
export function organizationBody(o: StoredOrganization): Record<string, unknown> {
  return {
    id: o.id,
    name: o.name,
    owner_id: o.ownerId,
    add_time: v2Time(o.addTime),
    update_time: v2Time(o.updateTime),
    is_deleted: false,
    visible_to: 3,
    label_ids: [],
    website: o.website,
    linkedin: null,
    industry: null,
    annual_revenue: null,
    employee_count: null,
    custom_fields: {},
  };
}

/** One item of v2 GET /organizations/search. */
export function organizationSearchItem(o: StoredOrganization, score: number): Record<string, unknown> {
  return { result_score: score, item: { id: o.id, type: 'organization', name: o.name, visible_to: 3, owner: { id: o.ownerId }, custom_fields: [], notes: [] } };
}

/** v2 deal. */
export function dealBody(d: StoredDeal): Record<string, unknown> {
  return {
    id: d.id,
    title: d.title,
    owner_id: d.ownerId,
    ...(d.personId ? { person_id: d.personId } : {}),
    ...(d.orgId ? { org_id: d.orgId } : {}),
    pipeline_id: PIPELINE_ID,
    stage_id: d.stageId,
    value: d.value,
    currency: d.currency,
    add_time: v2Time(d.addTime),
    update_time: v2Time(d.updateTime),
    stage_change_time: v2Time(d.updateTime),
    is_deleted: false,
    is_archived: false,
    status: d.status,
    probability: null,
    lost_reason: null,
    visible_to: 3,
    close_time: null,
    ...(d.expectedCloseDate ? { expected_close_date: d.expectedCloseDate } : {}),
    label_ids: [],
    origin: 'API',
    origin_id: null,
    channel: null,
    channel_id: null,
    source_lead_id: null,
    arr: null,
    mrr: null,
    acv: null,
    custom_fields: {},
  };
}

/** v2 stage. */
export function stageBody(s: (typeof STAGES)[number], orderNr: number): Record<string, unknown> {
  return {
    id: s.id,
    order_nr: orderNr,
    name: s.name,
    is_deleted: false,
    deal_probability: s.deal_probability,
    pipeline_id: PIPELINE_ID,
    is_deal_rot_enabled: false,
    days_to_rotten: null,
    add_time: '2024-01-02T09:00:00Z',
    update_time: '2024-01-02T09:00:00Z',
  };
}

/** v1 note (POST /notes and GET /notes `data`), with the names of what it is linked to. */
export function noteBody(store: PipedriveStore, n: StoredNote): Record<string, unknown> {
  const person = n.personId ? store.persons.get(n.personId) : undefined;
  const org = n.orgId ? store.organizations.get(n.orgId) : undefined;
  const deal = n.dealId ? store.deals.get(n.dealId) : undefined;
  const user = store.users.get(n.userId)!;
  return {
    id: n.id,
    active_flag: true,
    add_time: v1Time(n.addTime),
    content: n.content,
    ...(deal ? { deal: { title: deal.title }, deal_id: deal.id } : {}),
    last_update_user_id: n.userId,
    ...(org ? { org_id: org.id, organization: { name: org.name } } : {}),
    ...(person ? { person: { name: person.name }, person_id: person.id } : {}),
    pinned_to_deal_flag: false,
    pinned_to_organization_flag: false,
    pinned_to_person_flag: false,
    pinned_to_project_flag: false,
    pinned_to_task_flag: false,
    update_time: v1Time(n.updateTime),
    user: { email: user.email, icon_url: '', is_you: n.userId === store.meId, name: user.name },
    user_id: n.userId,
  };
}

/** v1 user (GET /users/me, /users). */
export function userBody(store: PipedriveStore, u: PipedriveUser): Record<string, unknown> {
  return {
    id: u.id,
    name: u.name,
    default_currency: 'USD',
    locale: 'en_US',
    lang: 1,
    email: u.email,
    phone: null,
    activated: true,
    last_login: '2024-01-02 09:00:00',
    created: '2024-01-02 09:00:00',
    modified: null,
    has_created_company: u.id === store.meId,
    access: [{ app: 'sales', admin: u.id === store.meId, permission_set_id: '00000000-0000-4000-8000-000000000001' }],
    active_flag: true,
    timezone_name: 'America/Los_Angeles',
    timezone_offset: '-08:00',
    role_id: 1,
    icon_url: null,
    is_you: u.id === store.meId,
    is_deleted: false,
  };
}

/** GET /users/me adds the company to the user. */
export function meBody(store: PipedriveStore): Record<string, unknown> {
  return {
    ...userBody(store, store.users.get(store.meId)!),
    company_id: PIPEDRIVE_TEST_COMPANY.id,
    company_name: PIPEDRIVE_TEST_COMPANY.name,
    company_domain: PIPEDRIVE_TEST_COMPANY.domain,
    company_country: 'US',
    company_industry: 'Energy',
    language: { language_code: 'en', country_code: 'US' },
  };
}
