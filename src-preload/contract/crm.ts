// CRM shapes: connection status, contacts and a contact's timeline.
import { z } from 'zod';
import { Id, MessageLogState } from './mail.ts';

export const CrmStatus = z.object({
  crm: z.literal('hubspot'),
  state: z.enum(['not_connected', 'connected', 'reconnect_required']),
  /** e.g. the HubSpot portal; null when not connected. */
  accountLabel: z.string().nullable(),
  /** False while the CRM cannot be reached; queued logs wait. */
  online: z.boolean(),
  pending: z.number().int(),
  failed: z.number().int(),
  lastError: z.string().nullable(),
});

export const Contact = z.object({
  crmContactId: z.string(),
  email: z.string(),
  name: z.string(),
  company: z.string(),
  owner: z.string(),
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
  /** Null when the address is not a CRM contact (or the CRM is unknown offline). */
  contact: Contact.nullable(),
  /** Every stored email with this address in From, To or Cc, newest first. */
  emails: z.array(TimelineEntry),
});

export type CrmStatus = z.output<typeof CrmStatus>;
export type Contact = z.output<typeof Contact>;
export type TimelineEntry = z.output<typeof TimelineEntry>;
export type Timeline = z.output<typeof Timeline>;
