// The single source of truth for main ↔ renderer calls: channel names, zod schemas for
// every payload, and the inferred types both sides compile against. Main validates every
// request against `input` before a handler sees it.
import { z } from 'zod';
import type { Result } from './result.ts';
import { Id, Label, MessageLogState, SearchPage, Stats, ThreadFilter, ThreadPage, ThreadView } from './mail.ts';
import { CrmKind, CrmStatus, Timeline } from './crm.ts';
import { Settings, SettingsPatch } from './settings.ts';
import { AddressSuggestion, ComposeMode, Draft, DraftPatch, MailAction, SendItem } from './compose.ts';

export * from './result.ts';
export * from './mail.ts';
export * from './crm.ts';
export * from './settings.ts';
export * from './compose.ts';

const Provider = z.enum(['gmail', 'microsoft', 'imap', 'import']);

const AccountSummary = z.object({
  id: Id,
  provider: Provider,
  email: z.string(),
  status: z.enum(['connected', 'reconnect_required', 'disconnected']),
  syncState: z.enum(['never_synced', 'full_sync', 'incremental', 'idle', 'error']),
  lastSyncAt: z.number().nullable(),
  /** The last sync's failure, in words for the rep; null after a good sync. */
  lastError: z.string().nullable(),
  /** Threads with an unread message. */
  unreadThreads: z.number().int().nonnegative(),
  /** The account was granted sending and changing mail (older sign-ins were read-only). */
  canSend: z.boolean(),
});

export const SyncProgress = z.object({
  accountId: Id,
  phase: z.enum(['full', 'incremental', 'idle', 'error']),
  done: z.number().int(),
  total: z.number().int(),
  /** Estimated time left, ms, at the rate seen so far; null until there is one. */
  remainingMs: z.number().int().min(0).nullable().optional(),
});

const Email = z.email().max(320).toLowerCase();

/** Request/response channels: `input` is validated in main, `output` documents the reply. */
export const channels = {
  'accounts:list': { input: z.undefined(), output: z.array(AccountSummary) },
  /** Opens the system browser for OAuth; resolves once the account is connected (and its first sync started). */
  'accounts:connect': {
    input: z.object({ provider: z.enum(['gmail', 'microsoft']), loopback: z.boolean().default(false) }),
    output: AccountSummary,
  },
  /**
   * An IMAP account (any mailbox): the address and password; server settings found from the
   * address (a table of large providers, RFC 6186 SRV) unless given. The sign-in is tried first;
   * invalid_input says why it failed (wrong password, app password needed, untrusted
   * certificate, no such server, TLS mismatch) and nothing is stored.
   */
  'accounts:connect-imap': {
    input: z.object({
      email: Email,
      password: z.string().min(1).max(1_000),
      host: z.string().trim().min(1).max(253).optional(),
      port: z.number().int().min(1).max(65_535).optional(),
      security: z.enum(['tls', 'starttls']).optional(),
      user: z.string().trim().min(1).max(320).optional(),
      /** The outgoing server (same user and password); discovered when absent; `smtpHost: null` for none. */
      smtpHost: z.string().trim().min(1).max(253).nullable().optional(),
      smtpPort: z.number().int().min(1).max(65_535).optional(),
      smtpSecurity: z.enum(['tls', 'starttls']).optional(),
    }),
    output: AccountSummary,
  },
  /**
   * Microsoft 365 or Google mail over IMAP and SMTP (a company that gives its mail that way):
   * the issuer's sign-in in the system browser, then XOAUTH2 to the servers, the issuer's
   * unless given. No password is asked or kept; failures as accounts:connect-imap, or the
   * sign-in's. `loopback` is Microsoft's fallback redirect; Google's is always loopback.
   */
  'accounts:connect-imap-oauth': {
    input: z.object({
      issuer: z.enum(['microsoft', 'google']),
      host: z.string().trim().min(1).max(253).optional(),
      port: z.number().int().min(1).max(65_535).optional(),
      security: z.enum(['tls', 'starttls']).optional(),
      user: z.string().trim().min(1).max(320).optional(),
      smtpHost: z.string().trim().min(1).max(253).nullable().optional(),
      smtpPort: z.number().int().min(1).max(65_535).optional(),
      smtpSecurity: z.enum(['tls', 'starttls']).optional(),
      loopback: z.boolean().default(false),
    }),
    output: AccountSummary,
  },
  /** Starts a sync now; progress arrives as sync:progress events. */
  'accounts:sync': { input: z.object({ accountId: Id }), output: z.null() },
  /** Revokes the account's tokens; with deleteLocalData also removes its mail from this computer. */
  'accounts:disconnect': { input: z.object({ accountId: Id, deleteLocalData: z.boolean() }), output: z.null() },

  'mail:threads': {
    input: z.object({
      filter: ThreadFilter.default({}),
      offset: z.number().int().min(0).default(0),
      limit: z.number().int().min(1).max(500).default(100),
    }),
    output: ThreadPage,
  },
  'mail:labels': { input: z.object({ accountId: Id.optional() }).default({}), output: z.array(Label) },
  'mail:thread': { input: z.object({ threadId: Id }), output: ThreadView },
  /** One page of conversations matching a query with Gmail's operators, newest first. */
  'mail:search': {
    input: z.object({
      query: z.string().min(1).max(500),
      limit: z.number().int().min(1).max(200).default(50),
      before: z.number().int().nonnegative().optional(),
      excludeThreadIds: z.array(Id).max(10_000).default([]),
    }),
    output: SearchPage,
  },
  /** How many conversations match, counted up to 1,000. */
  'mail:search-count': { input: z.object({ query: z.string().min(1).max(500) }), output: z.object({ count: z.number().int(), capped: z.boolean() }) },
  'mail:stats': { input: z.undefined(), output: Stats },
  /** Decodes the attachment into a private folder and opens it with the system's handler. */
  'mail:open-attachment': { input: z.object({ messageId: Id, index: z.number().int().nonnegative() }), output: z.null() },
  /** Saves the attachment where the rep chooses; the file name saved, or null when cancelled. */
  'mail:save-attachment': { input: z.object({ messageId: Id, index: z.number().int().nonnegative() }), output: z.string().nullable() },
  /** Allows remote images and styles in mail from this sender from now on. */
  'mail:allow-remote-content': { input: z.object({ sender: Email }), output: z.null() },

  /** Marks, stars, archives or trashes whole conversations: stored at once, replayed to the provider in order. */
  'mail:act': { input: z.object({ threadIds: z.array(Id).min(1).max(500), action: MailAction }), output: z.null() },
  /**
   * Applies or removes one of an account's labels on whole conversations (Gmail: a label;
   * Outlook and IMAP: files them in that folder, or back in the Inbox). Stored at once,
   * replayed to the provider in order, like mail:act. not_found for an unknown label.
   */
  'mail:label': { input: z.object({ threadIds: z.array(Id).min(1).max(500), labelId: Id, add: z.boolean() }), output: z.null() },
  /** Correspondents and CRM contacts whose address or name starts with `prefix`, most used first. */
  'mail:addresses': {
    input: z.object({ prefix: z.string().trim().min(1).max(100), limit: z.number().int().min(1).max(20).default(8) }),
    output: z.array(AddressSuggestion),
  },

  /** A new draft: recipients, subject and quoted original filled in from the source message. */
  'drafts:create': {
    input: z.object({ mode: ComposeMode, messageId: Id.optional(), accountId: Id.optional() }),
    output: Draft,
  },
  /** Drafts kept on this computer (a crash or restart loses none), newest first. */
  'drafts:list': { input: z.undefined(), output: z.array(Draft) },
  'drafts:save': { input: DraftPatch, output: Draft },
  'drafts:discard': { input: z.object({ draftId: Id }), output: z.null() },
  /** Attaches a file the rep picked (bytes as base64, at most 25 MB decoded). */
  'drafts:attach': {
    input: z.object({
      draftId: Id,
      filename: z.string().min(1).max(500),
      contentType: z.string().max(200).default('application/octet-stream'),
      base64: z.string().max(35_000_000),
    }),
    output: Draft,
  },
  /**
   * Puts a saved template into the draft: its body above the rep's text (and the quote), its
   * subject where the draft has none, fields filled from the first recipient's CRM record and
   * the sending account. Fields without a value stay as {{…}} and block sending until edited.
   */
  'drafts:apply-template': { input: z.object({ draftId: Id, templateId: z.string().max(64) }), output: Draft },
  'drafts:detach': { input: z.object({ draftId: Id, index: z.number().int().nonnegative() }), output: Draft },
  /**
   * Queues the draft for sending: it leaves after the undo window, or at `sendAt` (send later,
   * while the app runs). Refused with invalid_input when it has no recipient.
   */
  'send:queue': { input: z.object({ draftId: Id, sendAt: z.number().int().positive().optional() }), output: SendItem },
  /** Takes a message back before it left: it becomes a draft again. not_found once it has left. */
  'send:undo': { input: z.object({ sendId: Id }), output: Draft },
  /** Messages waiting, failed, or sent in the last day. */
  'send:list': { input: z.undefined(), output: z.array(SendItem) },
  'send:retry': { input: z.object({ sendId: Id }), output: z.null() },

  'contacts:timeline': { input: z.object({ address: Email }), output: Timeline },

  'crm:status': { input: z.undefined(), output: CrmStatus },
  /**
   * Verifies a token with the CRM before storing it (encrypted) and makes that CRM the active
   * one: HubSpot's private-app token (default) or Pipedrive's personal API token.
   */
  'crm:connect': {
    input: z.object({ crm: z.enum(['hubspot', 'pipedrive']).default('hubspot'), accessToken: z.string().trim().min(10).max(500) }),
    output: CrmStatus,
  },
  /**
   * Salesforce: OAuth 2.0 + PKCE in the system browser (no client secret), the org's
   * instance_url and refresh token kept encrypted; Salesforce becomes the active CRM.
   * `loginUrl`: https://login.salesforce.com (default), https://test.salesforce.com, or a My Domain.
   */
  'crm:connect-salesforce': {
    input: z.object({ loginUrl: z.url({ protocol: /^https$/ }).max(300).optional() }),
    output: CrmStatus,
  },
  /**
   * Of these addresses, those the active CRM has no contact for (from the contact cache only,
   * never asking the CRM): compose warns that the email will not be logged for them.
   */
  'crm:unknown-addresses': { input: z.object({ emails: z.array(z.email().max(320).toLowerCase()).max(200) }), output: z.array(z.string()) },
  /** Makes another CRM the active one; each keeps its credentials, contacts and log history. */
  'crm:use': { input: z.object({ crm: CrmKind }), output: CrmStatus },
  'crm:disconnect': { input: z.undefined(), output: CrmStatus },
  /**
   * Logs the email to its CRM contacts, with the contact's company and a deal: `dealId` one of
   * the contact's open deals, null for none, absent for the default (the only open deal, else none).
   */
  'crm:log-message': { input: z.object({ messageId: Id, dealId: z.string().min(1).max(64).nullable().optional() }), output: MessageLogState },
  'crm:log-thread': { input: z.object({ threadId: Id, dealId: z.string().min(1).max(64).nullable().optional() }), output: z.array(MessageLogState) },
  /**
   * "Add to <CRM>": creates the person (a Lead in Salesforce) with the name and company from
   * the mail, then answers with the timeline now showing the contact. AppError when the CRM refuses.
   */
  'crm:add-contact': {
    input: z.object({ email: z.email().max(320).toLowerCase(), name: z.string().trim().max(200).default(''), company: z.string().trim().max(200).default('') }),
    output: Timeline,
  },
  'crm:retry': { input: z.object({ outboxId: Id }), output: z.null() },

  'settings:get': { input: z.undefined(), output: Settings },
  'settings:set': { input: SettingsPatch, output: Settings },
} as const;

/** Events main pushes to the renderer. */
export const events = {
  'sync:progress': SyncProgress,
  /** An account was added, removed or changed status: re-read accounts:list. */
  'accounts:changed': z.null(),
  /** New or changed mail: re-read visible lists. */
  'mail:changed': z.object({ accountId: Id }),
  /** Outbox items of these messages changed state. */
  'crm:log-states': z.object({ messageIds: z.array(Id) }),
  'crm:status': CrmStatus,
  /** Send outbox items changed state: re-read send:list. */
  'send:changed': z.object({ items: z.array(SendItem) }),
  'settings:changed': Settings,
} as const;

export type Channels = typeof channels;
export type ChannelName = keyof Channels;
export type ChannelInput<C extends ChannelName> = z.input<Channels[C]['input']>;
export type ChannelOutput<C extends ChannelName> = z.output<Channels[C]['output']>;
export type EventName = keyof typeof events;
export type EventPayload<E extends EventName> = z.output<(typeof events)[E]>;

export type AccountSummary = z.output<typeof AccountSummary>;
export type SyncProgress = z.output<typeof SyncProgress>;

/** What the preload exposes as `window.mailbridge`. */
export interface MailbridgeApi {
  invoke<C extends ChannelName>(channel: C, input: ChannelInput<C>): Promise<Result<ChannelOutput<C>>>;
  /** Subscribes to a main-process event; returns the unsubscribe function. */
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
}

export const CHANNEL_NAMES = Object.keys(channels) as ChannelName[];
export const EVENT_NAMES = Object.keys(events) as EventName[];
