// Acting on mail: the actions a rep takes on conversations (read state, star, archive,
// trash), drafts being written, and the send outbox that delivers them exactly once.
// Times are ms since the Unix epoch; ids are the local database's integer ids.
import { z } from 'zod';
import { Id } from './mail.ts';

/**
 * What the rep does to conversations. Applied to the local store at once, then queued and
 * replayed to the provider in order (Gmail messages.batchModify / messages.trash; Graph
 * PATCH isRead and flag, POST move). `inbox` moves archived or trashed mail back.
 */
export const MailAction = z.enum(['read', 'unread', 'star', 'unstar', 'archive', 'trash', 'inbox']);

export const ComposeMode = z.enum(['new', 'reply', 'reply-all', 'forward']);

/** An address as typed or completed; the name is optional display text. */
export const Recipient = z.object({
  address: z.email().max(320).toLowerCase(),
  name: z.string().max(200).default(''),
});

export const DraftAttachment = z.object({
  filename: z.string(),
  contentType: z.string(),
  /** Bytes. */
  size: z.number().int().nonnegative(),
});

/** A message being written, saved in the encrypted store as the rep types. */
export const Draft = z.object({
  id: Id,
  accountId: Id,
  /** The sending address: the account's own. */
  from: z.string(),
  mode: ComposeMode,
  /** The message replied to or forwarded; null for a new message. */
  sourceMessageId: Id.nullable(),
  /** The conversation a reply joins; null for new messages and forwards until sent. */
  threadId: Id.nullable(),
  to: z.array(Recipient),
  cc: z.array(Recipient),
  bcc: z.array(Recipient),
  subject: z.string(),
  /** The rep's part of the body as editor HTML (sanitised by main before sending). */
  html: z.string(),
  /** The quoted original (HTML), shown collapsed below the reply; "" for a new message. */
  quotedHtml: z.string(),
  attachments: z.array(DraftAttachment),
  /** Log the sent message to the CRM (outgoing email) once the provider has it; off keeps the auto-log rule off it too. */
  logToCrm: z.boolean(),
  updatedAt: z.number(),
});

export const DraftPatch = z.object({
  draftId: Id,
  to: z.array(Recipient).max(500).optional(),
  cc: z.array(Recipient).max(500).optional(),
  bcc: z.array(Recipient).max(500).optional(),
  subject: z.string().max(998).optional(),
  html: z.string().max(2_000_000).optional(),
  /** The rep removed the quoted original. */
  quotedHtml: z.literal('').optional(),
  logToCrm: z.boolean().optional(),
});

/**
 * One message in the send outbox. `scheduled`: waiting for its send time (the undo window or
 * "send later"); `pending`: due, waiting for the network or a retry; `sending`: handed to the
 * provider, outcome not yet recorded; `sent`; `failed`: the provider refused it, with its reason.
 */
export const SendState = z.enum(['scheduled', 'pending', 'sending', 'sent', 'failed']);

export const SendItem = z.object({
  id: Id,
  accountId: Id,
  state: SendState,
  subject: z.string(),
  /** Addresses of To, Cc and Bcc, for the outbox list. */
  recipients: z.array(z.string()),
  /** When it leaves (or left): the end of the undo window or the chosen send-later time. */
  sendAt: z.number(),
  /** Handed to the provider, which sends it at `sendAt` (Outlook's deferred delivery), app running or not. */
  heldByProvider: z.boolean(),
  /** The provider's reason for the last failure, in words; null otherwise. */
  error: z.string().nullable(),
  attempts: z.number().int().nonnegative(),
});

/** An address known from the store (correspondents) or the CRM contacts cache. */
export const AddressSuggestion = z.object({
  address: z.string(),
  name: z.string(),
  isContact: z.boolean(),
});

export type MailAction = z.output<typeof MailAction>;
export type ComposeMode = z.output<typeof ComposeMode>;
export type Recipient = z.output<typeof Recipient>;
export type Draft = z.output<typeof Draft>;
export type DraftPatch = z.input<typeof DraftPatch>;
export type SendState = z.output<typeof SendState>;
export type SendItem = z.output<typeof SendItem>;
export type AddressSuggestion = z.output<typeof AddressSuggestion>;
