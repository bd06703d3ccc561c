// CRM shapes: connection status, contacts and a contact's timeline.
import { z } from 'zod';
import { Id, MessageLogState } from './mail.ts';

/** The CRMs Mailbridge logs to; one is active at a time. */
export const CrmKind = z.enum(['hubspot', 'salesforce', 'pipedrive']);

export const CrmStatus = z.object({
  /** The active CRM. */
  crm: CrmKind,
  /** Its name for the rep ('HubSpot'). */
  name: z.string(),
  state: z.enum(['not_connected', 'connected', 'reconnect_required']),
  /** e.g. the HubSpot portal; null when not connected. */
  accountLabel: z.string().nullable(),
  /** False while the CRM cannot be reached; queued logs wait. */
  online: z.boolean(),
  pending: z.number().int(),
  failed: z.number().int(),
  lastError: z.string().nullable(),
  /** Salesforce: the login host the sign-in form starts with (salesforce.loginUrl in the profile config); absent for other CRMs or when unset. */
  loginUrl: z.string().optional(),
});

/** An open deal (HubSpot deal, Salesforce Opportunity, Pipedrive deal). */
export const Deal = z.object({
  crmDealId: z.string(),
  name: z.string(),
  stage: z.string(),
  amount: z.number().nullable(),
  currency: z.string().nullable().optional(),
  closeDate: z.number().nullable(),
  url: z.string().optional(),
});

export const Contact = z.object({
  crmContactId: z.string(),
  email: z.string(),
  name: z.string(),
  company: z.string(),
  owner: z.string(),
  /** 'lead' for a Salesforce Lead. */
  kind: z.enum(['contact', 'lead']).optional(),
  title: z.string().optional(),
  phone: z.string().optional(),
  /** Lifecycle stage (HubSpot), Lead Status (Salesforce), label (Pipedrive). */
  status: z.string().optional(),
  /** ms since the epoch; null when the CRM records none. */
  lastActivityAt: z.number().nullable().optional(),
  /** "Open in <CRM>": an https link the app hands to the system browser. */
  url: z.string().optional(),
  /** Open deals as last fetched; null when they could not be read yet. */
  deals: z.array(Deal).nullable(),
});

export const TimelineEntry = z.object({
  messageId: Id,
  threadId: Id,
  subject: z.string(),
  date: z.number(),
  direction: z.enum(['incoming', 'outgoing']),
  snippet: z.string(),
  logState: MessageLogState,
});

export const Timeline = z.object({
  address: z.string(),
  /** The name the address carries in mail ('' when none): "Add to <CRM>" starts from it. */
  displayName: z.string(),
  /** Null when the address is not a CRM contact (or the CRM is unknown offline). */
  contact: Contact.nullable(),
  /** Every stored email with this address in From, To or Cc, newest first. */
  emails: z.array(TimelineEntry),
});

export type CrmStatus = z.output<typeof CrmStatus>;
export type Contact = z.output<typeof Contact>;
export type Deal = z.output<typeof Deal>;
export type CrmKind = z.output<typeof CrmKind>;
export type TimelineEntry = z.output<typeof TimelineEntry>;
export type Timeline = z.output<typeof Timeline>;
