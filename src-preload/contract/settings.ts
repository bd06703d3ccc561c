// The typed settings registry (CONVENTIONS.md §9): one definition per setting with its
// schema and default. Main owns and persists the values; changes are broadcast.
import { z } from 'zod';

/** An address (rep@example.com) or a whole domain (example.com, also written @example.com). */
export const AddressOrDomain = z
  .string()
  .trim()
  .toLowerCase()
  .transform((s) => s.replace(/^@/, ''))
  .pipe(z.string().regex(/^([^\s@]+@)?[a-z0-9-]+(\.[a-z0-9-]+)+$/, 'an email address or a domain'));

/** Bounds of the resizable split between the thread list and the open thread, CSS px. */
export const LIST_PANE_WIDTH = { min: 280, max: 900 } as const;

/**
 * A reply or message the rep reuses. Subject and body may hold fields filled from the first
 * recipient's CRM record and the sending account: {{contact.firstname}}, {{contact.lastname}},
 * {{contact.name}}, {{contact.email}}, {{company.name}}, {{owner.name}}, {{sender.firstname}},
 * {{sender.name}}, {{sender.email}}. A field with no value stays as written and blocks sending.
 */
export const EmailTemplate = z.object({
  id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
  name: z.string().trim().min(1).max(100),
  subject: z.string().max(998),
  /** Editor HTML. */
  html: z.string().max(100_000),
});
export type EmailTemplate = z.output<typeof EmailTemplate>;

export const settingDefinitions = {
  /** Seconds between checks for new mail (Gmail history, Outlook Inbox and Sent Items). */
  newMailCheckSeconds: { schema: z.number().int().min(10).max(3600), default: 30 },
  /** Minutes between whole syncs of each account, every folder included. */
  syncIntervalMinutes: { schema: z.number().int().min(1).max(1440), default: 5 },
  /** The CRM emails are logged to (one at a time; each keeps its own connection and history). */
  activeCrm: { schema: z.enum(['hubspot', 'salesforce', 'pipedrive']), default: 'hubspot' as 'hubspot' | 'salesforce' | 'pipedrive' },
  /** Log every synced email that has a known CRM contact among its participants. */
  autoLogKnownContacts: { schema: z.boolean(), default: false },
  /**
   * When the rule was switched on (ms since the epoch), set by main: only mail sent or
   * received since then is auto-logged, so switching it on never floods the CRM with history.
   */
  autoLogSince: { schema: z.number().int().nonnegative().nullable(), default: null as number | null },
  /** Addresses and domains never logged, by hand or by the auto-log rule. */
  neverLog: { schema: z.array(AddressOrDomain).max(1000), default: [] as string[] },
  /** Senders whose remote images and styles the rep allowed. */
  remoteContentSenders: { schema: z.array(z.email().toLowerCase()).max(10_000), default: [] as string[] },
  theme: { schema: z.enum(['system', 'light', 'dark']), default: 'system' as 'system' | 'light' | 'dark' },
  /** Thread list rows: three lines with the snippet (comfortable) or two without it (compact). */
  density: { schema: z.enum(['comfortable', 'compact']), default: 'comfortable' as 'comfortable' | 'compact' },
  /** Width of the thread list beside the open thread, CSS px (the rep drags the split). */
  listPaneWidth: { schema: z.number().int().min(LIST_PANE_WIDTH.min).max(LIST_PANE_WIDTH.max), default: 400 },
  /** Opening a conversation marks it read, as Gmail and Outlook do. */
  markReadOnOpen: { schema: z.boolean(), default: true },
  /** Seconds a sent message waits before it leaves, so it can be taken back (0: at once). */
  undoSendSeconds: { schema: z.number().int().min(0).max(30), default: 10 },
  /** Signature per account id (plain text, appended below the rep's text in new messages and replies). */
  signatures: { schema: z.record(z.string().regex(/^\d+$/), z.string().max(10_000)), default: {} as Record<string, string> },
  /**
   * Keep full messages (source, text, attachments) on this computer for the last N months;
   * older ones keep subject, sender, snippet and stay searchable, and are fetched from the
   * provider when opened. null: keep everything (the default).
   */
  keepFullMessagesMonths: { schema: z.number().int().min(1).max(240).nullable(), default: null as number | null },
  /** Saved templates, inserted from compose. */
  templates: { schema: z.array(EmailTemplate).max(200), default: [] as EmailTemplate[] },
} as const;

type Definitions = typeof settingDefinitions;

export const Settings = z.object(
  Object.fromEntries(Object.entries(settingDefinitions).map(([key, d]) => [key, d.schema])) as {
    [K in keyof Definitions]: Definitions[K]['schema'];
  },
);
/** What the renderer may change: everything but the values main derives. */
export const SettingsPatch = Settings.omit({ autoLogSince: true }).partial().strict();

export type Settings = z.output<typeof Settings>;
export type SettingsPatch = z.input<typeof SettingsPatch>;

export const DEFAULT_SETTINGS: Settings = Object.fromEntries(
  Object.entries(settingDefinitions).map(([key, d]) => [key, d.default]),
) as Settings;
