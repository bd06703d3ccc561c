// The sObjects the Salesforce emulator knows, with the fields Mailbridge touches and their
// properties as the Object Reference gives them (type, Create, Filter, required, picklist
// values, reference targets), so the emulator refuses what a real org would refuse.
// Sources (developer.salesforce.com/docs/atlas.en-us.object_reference.meta/object_reference/…):
//   sforce_api_objects_emailmessage.htm, …_emailmessagerelation.htm, …_task.htm, …_contact.htm,
//   …_lead.htm, …_account.htm, …_opportunity.htm, …_opportunitycontactrole.htm, …_user.htm,
//   …_organization.htm; lengths from developer.salesforce.com/docs/platform/field-reference
//   (salesforce-field-reference-emailmessage / -emailmessagerelation).

export type FieldType =
  | 'id' | 'string' | 'email' | 'phone' | 'url' | 'picklist' | 'reference' | 'boolean'
  | 'date' | 'datetime' | 'currency' | 'percent' | 'textarea';

export interface FieldDef {
  type: FieldType;
  /** Settable on create (the Object Reference's "Create" property). */
  create?: boolean;
  /** Usable in WHERE (long text areas are not: "Filter" property absent). */
  filter?: boolean;
  /** Required on create (not Nillable, no default). */
  required?: boolean;
  /** Maximum length for string-like fields. */
  length?: number;
  /** Restricted picklist values; absent = any value. */
  values?: readonly string[];
  /** Reference targets (polymorphic when more than one). */
  to?: readonly string[];
  /** Relationship name for Parent.Field paths (AccountId → Account). */
  relationship?: string;
  /** Value on create when none is given. */
  defaultValue?: string | boolean | null;
}

export interface ObjectDef {
  /** The 3-character key prefix of its ids. */
  prefix: string;
  /** Whether POST /sobjects/<type> is allowed at all. */
  createable: boolean;
  fields: Record<string, FieldDef>;
}

const id: FieldDef = { type: 'id', filter: true };
const created: FieldDef = { type: 'datetime', filter: true };
const owner: FieldDef = { type: 'reference', create: true, filter: true, to: ['User'], relationship: 'Owner' };
const text = (length: number, extra: Partial<FieldDef> = {}): FieldDef => ({ type: 'string', create: true, filter: true, length, ...extra });
/** A long text area: creatable, never filterable. */
const longText = (length: number): FieldDef => ({ type: 'textarea', create: true, length });

export const LEAD_STATUSES = ['Open - Not Contacted', 'Working - Contacted', 'Closed - Converted', 'Closed - Not Converted'] as const;
export const OPPORTUNITY_STAGES = [
  'Prospecting', 'Qualification', 'Needs Analysis', 'Value Proposition', 'Id. Decision Makers',
  'Perception Analysis', 'Proposal/Price Quote', 'Negotiation/Review', 'Closed Won', 'Closed Lost',
] as const;
export const CLOSED_STAGES = new Set(['Closed Won', 'Closed Lost']);
/** EmailMessage.Status: 0 New, 1 Read, 2 Replied, 3 Sent, 4 Forwarded, 5 Draft. */
export const EMAIL_STATUSES = ['0', '1', '2', '3', '4', '5'] as const;
export const RELATION_TYPES = ['ToAddress', 'CcAddress', 'BccAddress', 'FromAddress'] as const;
export const TASK_SUBTYPES = ['Task', 'Email', 'ListEmail', 'Cadence', 'Call', 'LinkedIn'] as const;
export const TASK_STATUSES = ['Not Started', 'In Progress', 'Completed', 'Waiting on someone else', 'Deferred'] as const;

export const SOBJECTS: Record<string, ObjectDef> = {
  Organization: {
    prefix: '00D',
    createable: false,
    fields: { Id: id, Name: text(80, { create: false }), OrganizationType: text(40, { create: false }), InstanceName: text(5, { create: false }), IsSandbox: { type: 'boolean', filter: true } },
  },
  User: {
    prefix: '005',
    createable: false,
    fields: {
      Id: id, Name: text(121, { create: false }), FirstName: text(40), LastName: text(80), Email: { type: 'email', create: true, filter: true, length: 128 },
      Username: text(80), IsActive: { type: 'boolean', create: true, filter: true, defaultValue: true }, CreatedDate: created,
    },
  },
  Account: {
    prefix: '001',
    createable: true,
    fields: {
      Id: id, Name: text(255, { required: true }), Website: { type: 'url', create: true, filter: true, length: 255 }, Industry: { type: 'picklist', create: true, filter: true },
      Phone: { type: 'phone', create: true, filter: true, length: 40 }, OwnerId: owner, CreatedDate: created, LastActivityDate: { type: 'date', filter: true },
    },
  },
  Contact: {
    prefix: '003',
    createable: true,
    fields: {
      Id: id, FirstName: text(40), LastName: text(80, { required: true }), Name: text(121, { create: false }),
      Email: { type: 'email', create: true, filter: true, length: 80 }, Title: text(128), Phone: { type: 'phone', create: true, filter: true, length: 40 },
      MobilePhone: { type: 'phone', create: true, filter: true, length: 40 },
      AccountId: { type: 'reference', create: true, filter: true, to: ['Account'], relationship: 'Account' },
      OwnerId: owner, CreatedDate: created, LastActivityDate: { type: 'date', filter: true },
    },
  },
  Lead: {
    prefix: '00Q',
    createable: true,
    fields: {
      Id: id, FirstName: text(40), LastName: text(80, { required: true }), Name: text(121, { create: false }),
      Email: { type: 'email', create: true, filter: true, length: 80 }, Company: text(255, { required: true }), Title: text(128),
      Phone: { type: 'phone', create: true, filter: true, length: 40 }, LeadSource: { type: 'picklist', create: true, filter: true },
      Status: { type: 'picklist', create: true, filter: true, values: LEAD_STATUSES, defaultValue: 'Open - Not Contacted' },
      IsConverted: { type: 'boolean', filter: true, defaultValue: false },
      ConvertedContactId: { type: 'reference', filter: true, to: ['Contact'], relationship: 'ConvertedContact' },
      ConvertedAccountId: { type: 'reference', filter: true, to: ['Account'], relationship: 'ConvertedAccount' },
      OwnerId: owner, CreatedDate: created, LastActivityDate: { type: 'date', filter: true },
    },
  },
  Opportunity: {
    prefix: '006',
    createable: true,
    fields: {
      Id: id, Name: text(120, { required: true }), AccountId: { type: 'reference', create: true, filter: true, to: ['Account'], relationship: 'Account' },
      StageName: { type: 'picklist', create: true, filter: true, required: true, values: OPPORTUNITY_STAGES },
      Amount: { type: 'currency', create: true, filter: true }, CloseDate: { type: 'date', create: true, filter: true, required: true },
      Probability: { type: 'percent', create: true, filter: true }, IsClosed: { type: 'boolean', filter: true }, IsWon: { type: 'boolean', filter: true },
      OwnerId: owner, CreatedDate: created, LastActivityDate: { type: 'date', filter: true },
    },
  },
  OpportunityContactRole: {
    prefix: '00K',
    createable: true,
    fields: {
      Id: id,
      OpportunityId: { type: 'reference', create: true, filter: true, required: true, to: ['Opportunity'], relationship: 'Opportunity' },
      ContactId: { type: 'reference', create: true, filter: true, required: true, to: ['Contact'], relationship: 'Contact' },
      Role: { type: 'picklist', create: true, filter: true }, IsPrimary: { type: 'boolean', create: true, filter: true, defaultValue: false }, CreatedDate: created,
    },
  },
  EmailMessage: {
    prefix: '02s',
    createable: true,
    fields: {
      Id: id, Subject: text(3000), TextBody: longText(131_072), HtmlBody: longText(131_072), Headers: longText(32_000),
      FromAddress: { type: 'email', create: true, filter: true, length: 1000 }, FromName: text(1000),
      ToAddress: text(4000), CcAddress: text(4000), BccAddress: text(4000),
      MessageDate: { type: 'datetime', create: true, filter: true }, Incoming: { type: 'boolean', create: true, filter: true, defaultValue: false },
      Status: { type: 'picklist', create: true, filter: true, values: EMAIL_STATUSES, defaultValue: '0' },
      MessageIdentifier: text(255), ThreadIdentifier: text(255), ClientThreadIdentifier: text(765),
      // Enhanced Email: the one non-human record (Opportunity, Account, …) the email is about.
      RelatedToId: { type: 'reference', create: true, filter: true, to: ['Account', 'Opportunity'], relationship: 'RelatedTo' },
      ParentId: { type: 'reference', create: true, filter: true, to: ['Case'], relationship: 'Parent' },
      ActivityId: { type: 'reference', filter: true, to: ['Task'], relationship: 'Activity' },
      HasAttachment: { type: 'boolean', filter: true, defaultValue: false }, CreatedDate: created,
    },
  },
  EmailMessageRelation: {
    prefix: '0EA',
    createable: true,
    fields: {
      Id: id,
      EmailMessageId: { type: 'reference', create: true, filter: true, required: true, to: ['EmailMessage'], relationship: 'EmailMessage' },
      RelationId: { type: 'reference', create: true, filter: true, to: ['Contact', 'Lead', 'User'], relationship: 'Relation' },
      RelationType: { type: 'picklist', create: true, filter: true, required: true, values: RELATION_TYPES },
      RelationAddress: { type: 'email', create: true, filter: true, length: 255 },
      RelationObjectType: { type: 'string', filter: true, length: 50 }, CreatedDate: created,
    },
  },
  Task: {
    prefix: '00T',
    createable: true,
    fields: {
      Id: id, Subject: text(255), Description: longText(32_000), ActivityDate: { type: 'date', create: true, filter: true },
      Status: { type: 'picklist', create: true, filter: true, values: TASK_STATUSES, defaultValue: 'Not Started' },
      Priority: { type: 'picklist', create: true, filter: true, values: ['High', 'Normal', 'Low'], defaultValue: 'Normal' },
      TaskSubtype: { type: 'picklist', create: true, filter: true, values: TASK_SUBTYPES, defaultValue: 'Task' },
      Type: { type: 'picklist', create: true, filter: true },
      WhoId: { type: 'reference', create: true, filter: true, to: ['Contact', 'Lead'], relationship: 'Who' },
      WhatId: { type: 'reference', create: true, filter: true, to: ['Account', 'Opportunity'], relationship: 'What' },
      IsClosed: { type: 'boolean', filter: true }, OwnerId: owner, CreatedDate: created,
    },
  },
};

/** The sObject type an id belongs to, by its key prefix; undefined for an unknown prefix. */
export function typeOfId(value: string): string | undefined {
  const prefix = value.slice(0, 3);
  return Object.entries(SOBJECTS).find(([, def]) => def.prefix === prefix)?.[0];
}

/** The field's canonical name on `type`, matched case-insensitively as Salesforce does; undefined when unknown. */
export function canonicalField(type: string, name: string): string | undefined {
  const fields = SOBJECTS[type]?.fields;
  if (!fields) return undefined;
  if (fields[name]) return name;
  const lower = name.toLowerCase();
  return Object.keys(fields).find((f) => f.toLowerCase() === lower);
}

export function canonicalType(name: string): string | undefined {
  const lower = name.toLowerCase();
  return Object.keys(SOBJECTS).find((t) => t.toLowerCase() === lower);
}
