// The seam between Mailbridge and a CRM: everything the outbox, contact matching and
// timelines need, and nothing HubSpot-specific. One implementation per CRM in connectors/.
// The words are generic; each CRM's own are in the comments: a contact is a HubSpot contact,
// a Salesforce Contact or Lead, a Pipedrive person; a company is a HubSpot company, a
// Salesforce Account, a Pipedrive organization; a deal is a Salesforce Opportunity.

/** A CRM contact as cached locally (the `contacts` table). */
export interface CrmContact {
  /** The CRM's own id (HubSpot: the contact's `hs_object_id`). */
  crmContactId: string;
  /** Lower-cased primary email address. */
  email: string;
  name: string;
  company: string;
  /** The owner's display name (or id when the name is unknown); '' when unassigned. */
  owner: string;
  /** 'lead' for a Salesforce Lead (a person not yet converted); absent means 'contact'. */
  kind?: 'contact' | 'lead';
  /** Job title (HubSpot jobtitle, Salesforce Title, Pipedrive job_title); '' or absent when unknown. */
  title?: string;
  /** The first phone number the CRM holds; '' or absent when none. */
  phone?: string;
  /** Where the person stands: HubSpot lifecyclestage, Salesforce Lead Status, Pipedrive label. */
  status?: string;
  /** The company's id in the CRM (HubSpot primary company, Salesforce AccountId, Pipedrive org_id); null when none. */
  crmCompanyId?: string | null;
  /** The last activity the CRM records with this person, ms since the epoch; null when none or unknown. */
  lastActivityAt?: number | null;
  /** An https link to the record in the CRM's web app ("Open in <CRM>"). */
  url?: string;
}

/** A company a contact belongs to (HubSpot company, Salesforce Account, Pipedrive organization). */
export interface CrmCompany {
  crmCompanyId: string;
  name: string;
  /** Lower-cased web domain, when the CRM knows one. */
  domain: string | null;
}

/** An open deal (HubSpot deal, Salesforce Opportunity, Pipedrive deal). */
export interface CrmDeal {
  crmDealId: string;
  name: string;
  /** The pipeline stage in the CRM's words. */
  stage: string;
  /** In the deal's currency; null when not set. */
  amount: number | null;
  /** Expected close, ms since the epoch; null when not set. */
  closeDate: number | null;
  /** ISO 4217 code of `amount`, when the CRM says. */
  currency?: string | null;
  /** An https link to the deal in the CRM's web app. */
  url?: string;
}

/** A person to add to the CRM from a mail's sender: a contact, or a Lead in Salesforce. */
export interface NewContact {
  email: string;
  /** The display name from the mail ('' when it had none). */
  name: string;
  /** The company, from the display name's context or the address's domain; '' when unknown. */
  company: string;
}

/** The records one logged email is attached to. At least one contact; companies and deals are optional. */
export interface EmailAssociations {
  contacts: readonly string[];
  companies?: readonly string[];
  deals?: readonly string[];
}

export type EmailDirection = 'outgoing' | 'incoming' | 'forwarded';

/** One email to log as a CRM activity, snapshotted when the rep clicks "Log to CRM". */
export interface EmailActivity {
  /** When the email was sent or received, ms since the Unix epoch (HubSpot: hs_timestamp). */
  timestamp: number;
  direction: EmailDirection;
  subject: string;
  text: string;
  html: string | null;
  from: { address: string; name: string };
  to: { address: string; name: string }[];
  cc: { address: string; name: string }[];
  /** The RFC 5322 Message-ID, kept so a retry can recognise an email already logged. */
  messageIdHeader: string | null;
  /** Stable per (message, contact): the outbox's idempotency key. */
  idempotencyKey: string;
  /** The contact's company and the deal the rep chose, logged with the contact; absent: the contact alone. */
  related?: { companies?: string[]; deals?: string[] };
}

/** An email activity already in the CRM, as read back for a contact. */
export interface LoggedEmail {
  crmActivityId: string;
  timestamp: number;
  subject: string;
  /** The idempotency key Mailbridge attached when it logged this email; null for emails logged elsewhere. */
  idempotencyKey: string | null;
}

export interface CrmConnector {
  /** 'hubspot', …: the `crm` column of contacts, activities and outbox rows. */
  readonly crm: string;
  /** Checks the credentials; resolves to a label for settings (e.g. the HubSpot portal id). Throws CrmAuthError. */
  verify(): Promise<{ accountLabel: string }>;
  /** Looks up contacts by email address (any number; the connector batches). Unknown addresses are absent. */
  findContactsByEmail(emails: readonly string[]): Promise<CrmContact[]>;
  /**
   * How many addresses one findContactsByEmail call should carry for the fewest requests
   * (HubSpot: 100 values per search filter; Salesforce: ~2,500 per Composite call; Pipedrive:
   * the whole pass, as it lists persons once). Absent: 100.
   */
  readonly matchBatchSize?: number;
  /**
   * Creates one email activity attached to every record in `associations`; resolves to the
   * CRM's activity id. Throws CrmError (not retryable) without a contact. Sent once: on
   * CrmUnreachableError the email may exist, so the caller checks listLoggedEmails first.
   */
  logEmail(activity: EmailActivity, associations: EmailAssociations): Promise<{ crmActivityId: string }>;
  /** The email activities associated with a contact, newest first: the CRM's side of a timeline. */
  listLoggedEmails(crmContactId: string): Promise<LoggedEmail[]>;
  /** Capability: the company each contact belongs to, by contact id (contacts without one are absent). */
  companiesOf?(crmContactIds: readonly string[]): Promise<Map<string, CrmCompany>>;
  /** Capability: the open deals a contact takes part in, newest first. */
  openDealsOf?(crmContactId: string): Promise<CrmDeal[]>;
  /**
   * Capability: creates the person (HubSpot: a contact whose primary company is the one of
   * its address's domain or named `company`, else one created when `company` is given;
   * Pipedrive: a person with the organization named `company`, created when none is;
   * Salesforce: a Lead) and resolves to it as findContactsByEmail would. Sent once: on CrmUnreachableError the
   * caller looks the address up before creating again.
   */
  createContact?(person: NewContact): Promise<CrmContact>;
}

/** The CRMs Mailbridge speaks to; one is active at a time. */
export type CrmKind = 'hubspot' | 'salesforce' | 'pipedrive';
export const CRM_NAMES: Record<CrmKind, string> = { hubspot: 'HubSpot', salesforce: 'Salesforce', pipedrive: 'Pipedrive' };

/** Base of every connector failure; `retryable` says whether the outbox should try again later. */
export class CrmError extends Error {
  readonly retryable: boolean;
  constructor(message: string, options: { retryable: boolean; cause?: unknown }) {
    super(message, { cause: options.cause });
    this.name = 'CrmError';
    this.retryable = options.retryable;
  }
}

/** 401/403: the token is wrong, revoked or lacks a scope. Nothing is retried until the rep reconnects. */
export class CrmAuthError extends CrmError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, { retryable: false, ...options });
    this.name = 'CrmAuthError';
  }
}

/** 429: retry no earlier than `retryAfterMs` from now. */
export class CrmRateLimitError extends CrmError {
  readonly retryAfterMs: number;
  /** 'burst' (default): a window of seconds. 'daily': the day's quota is spent; `retryAfterMs` reaches its reset. */
  readonly policy: 'burst' | 'daily';
  constructor(message: string, retryAfterMs: number, options: { cause?: unknown; policy?: 'burst' | 'daily' } = {}) {
    const { policy = 'burst', ...rest } = options;
    super(message, { retryable: true, ...rest });
    this.name = 'CrmRateLimitError';
    this.retryAfterMs = retryAfterMs;
    this.policy = policy;
  }
}

/** The CRM could not be reached at all (DNS, refused, reset, timeout): the app is offline for the CRM. */
export class CrmUnreachableError extends CrmError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, { retryable: true, ...options });
    this.name = 'CrmUnreachableError';
  }
}
