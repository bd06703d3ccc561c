// The seam between Mailbridge and a CRM: everything the outbox, contact matching and
// timelines need, and nothing HubSpot-specific. One implementation per CRM in connectors/.

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
  /** Creates the email activity associated with the given contacts; resolves to the CRM's activity id. */
  logEmail(activity: EmailActivity, crmContactIds: readonly string[]): Promise<{ crmActivityId: string }>;
  /** The email activities associated with a contact, newest first. */
  listLoggedEmails(crmContactId: string): Promise<LoggedEmail[]>;
}

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
  constructor(message: string, retryAfterMs: number, options: { cause?: unknown } = {}) {
    super(message, { retryable: true, ...options });
    this.name = 'CrmRateLimitError';
    this.retryAfterMs = retryAfterMs;
  }
}

/** The CRM could not be reached at all (DNS, refused, reset, timeout): the app is offline for the CRM. */
export class CrmUnreachableError extends CrmError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, { retryable: true, ...options });
    this.name = 'CrmUnreachableError';
  }
}
