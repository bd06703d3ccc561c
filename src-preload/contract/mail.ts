// Mail shapes the renderer reads: thread lists, threads, messages, labels, search hits.
// Times are ms since the Unix epoch; ids are the local database's integer ids.
import { z } from 'zod';

export const Id = z.number().int().positive();

export const LogStateName = z.enum(['none', 'queued', 'logged', 'failed', 'paused']);

/** Where a message stands with the CRM: one outbox item per CRM contact among its participants. */
export const MessageLogState = z.object({
  messageId: Id,
  state: LogStateName,
  /** Why the last attempt failed or why logging is paused; null otherwise. */
  error: z.string().nullable(),
  items: z.array(
    z.object({
      outboxId: Id,
      contactEmail: z.string(),
      /** The CRM it is logged (or queued) to: 'hubspot', 'salesforce', 'pipedrive'. */
      crm: z.string(),
      /** Logged with the contact's company too. */
      withCompany: z.boolean(),
      /** Names of the deals it is logged to ('' for a deal no longer cached). */
      deals: z.array(z.string()),
      state: z.enum(['queued', 'logged', 'failed', 'paused']),
      error: z.string().nullable(),
    }),
  ),
});

export const Participant = z.object({
  address: z.string(),
  name: z.string(),
  /** A cached CRM contact has this address. */
  isContact: z.boolean(),
});

export const ThreadListItem = z.object({
  id: Id,
  accountId: Id,
  subject: z.string(),
  /** Display name (else address) of the newest message's sender. */
  from: z.string().nullable(),
  snippet: z.string(),
  lastMessageAt: z.number(),
  messageCount: z.number().int(),
  unread: z.boolean(),
  starred: z.boolean(),
  hasAttachments: z.boolean(),
  /** At least one message of the thread is logged to the CRM. */
  logged: z.boolean(),
});

export const ThreadFilter = z.object({
  accountId: Id.optional(),
  labelId: Id.optional(),
});

export const ThreadPage = z.object({
  /** Threads matching the filter, for sizing a virtualised list. */
  total: z.number().int(),
  offset: z.number().int(),
  threads: z.array(ThreadListItem),
});

export const Attachment = z.object({
  filename: z.string(),
  contentType: z.string(),
  /** Bytes. */
  size: z.number().int(),
});

export const MessageView = z.object({
  id: Id,
  accountId: Id,
  subject: z.string(),
  from: Participant.nullable(),
  to: z.array(Participant),
  cc: z.array(Participant),
  /** Sent or received time. */
  date: z.number(),
  unread: z.boolean(),
  starred: z.boolean(),
  text: z.string(),
  /** The message's HTML exactly as received; the renderer sanitises it before display. */
  html: z.string().nullable(),
  /** Only the provider holds its text and attachments now (older than "keep full messages"); main is fetching them. */
  serverOnly: z.boolean().optional(),
  attachments: z.array(Attachment),
  /** Parser warnings (malformed parts are kept, never dropped). */
  warnings: z.array(z.string()),
  /** The rep allowed remote content (images, styles) from this sender. */
  remoteContentAllowed: z.boolean(),
  logState: MessageLogState,
});

export const ThreadView = z.object({
  id: Id,
  accountId: Id,
  subject: z.string(),
  /** Labels (Outlook, IMAP: folders) some message of the conversation carries, local label ids. */
  labelIds: z.array(Id),
  /** Oldest first. */
  messages: z.array(MessageView),
});

export const Label = z.object({
  id: Id,
  accountId: Id,
  name: z.string(),
  type: z.enum(['system', 'user']),
  /** Threads with an unread message carrying this label. */
  unreadThreads: z.number().int().nonnegative(),
});

/** [start, end) offsets of a matched word in a string. */
const Range = z.tuple([z.number().int().nonnegative(), z.number().int().nonnegative()]);

/** One conversation of a search page: its newest matching message, the matched words marked. */
export const SearchThread = z.object({
  threadId: Id,
  accountId: Id,
  subject: z.string(),
  subjectHighlights: z.array(Range),
  messageCount: z.number().int(),
  messageId: Id,
  /** Display name, else address, of that message's sender. */
  from: z.string().nullable(),
  /** Receive time of that message, ms. */
  date: z.number(),
  snippet: z.string(),
  snippetHighlights: z.array(Range),
  unread: z.boolean(),
  hasAttachments: z.boolean(),
});

export const SearchPage = z.object({
  threads: z.array(SearchThread),
  /** The next page's `before` (pass the threads shown so far as `excludeThreadIds`); null at the end. */
  next: z.number().int().nullable(),
  /** How the query was read, where the rep should know (an unknown operator searched as words). */
  hints: z.array(z.string()),
});

export const Stats = z.object({
  accounts: z.number().int(),
  messages: z.number().int(),
  threads: z.number().int(),
  warnings: z.number().int(),
  /** Files imports did not read as mail. */
  skippedFiles: z.number().int(),
});

export type MessageLogState = z.output<typeof MessageLogState>;
export type LogStateName = z.output<typeof LogStateName>;
export type Participant = z.output<typeof Participant>;
export type ThreadListItem = z.output<typeof ThreadListItem>;
export type ThreadFilter = z.output<typeof ThreadFilter>;
export type ThreadPage = z.output<typeof ThreadPage>;
export type MessageView = z.output<typeof MessageView>;
export type ThreadView = z.output<typeof ThreadView>;
export type Label = z.output<typeof Label>;
export type SearchThread = z.output<typeof SearchThread>;
export type SearchPage = z.output<typeof SearchPage>;
export type Stats = z.output<typeof Stats>;
