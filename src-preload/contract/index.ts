// The single source of truth for main ↔ renderer calls: channel names, zod schemas for
// every payload, and the inferred types both sides compile against. Main validates every
// request against `input` before a handler sees it.
import { z } from 'zod';
import type { Result } from './result.ts';

export * from './result.ts';

const AccountSummary = z.object({
  id: z.number().int(),
  provider: z.enum(['gmail', 'microsoft', 'import']),
  email: z.string(),
  status: z.enum(['connected', 'reconnect_required', 'disconnected']),
  lastSyncAt: z.number().nullable(),
});

const SearchHit = z.object({
  messageId: z.number().int(),
  threadId: z.number().int(),
  subject: z.string(),
  from: z.string().nullable(),
  date: z.number().nullable(),
  snippet: z.string(),
});

const Stats = z.object({
  accounts: z.number().int(),
  messages: z.number().int(),
  threads: z.number().int(),
  warnings: z.number().int(),
});

export const SyncProgress = z.object({
  accountId: z.number().int(),
  phase: z.enum(['full', 'incremental', 'idle', 'error']),
  done: z.number().int(),
  total: z.number().int(),
});

/** Request/response channels: `input` is validated in main, `output` documents the reply. */
export const channels = {
  'accounts:list': { input: z.undefined(), output: z.array(AccountSummary) },
  'mail:search': {
    input: z.object({ query: z.string().min(1).max(500), limit: z.number().int().min(1).max(200).default(50) }),
    output: z.array(SearchHit),
  },
  'mail:stats': { input: z.undefined(), output: Stats },
} as const;

/** Events main pushes to the renderer. */
export const events = {
  'sync:progress': SyncProgress,
} as const;

export type Channels = typeof channels;
export type ChannelName = keyof Channels;
export type ChannelInput<C extends ChannelName> = z.input<Channels[C]['input']>;
export type ChannelOutput<C extends ChannelName> = z.output<Channels[C]['output']>;
export type EventName = keyof typeof events;
export type EventPayload<E extends EventName> = z.output<(typeof events)[E]>;

export type AccountSummary = z.output<typeof AccountSummary>;
export type SearchHit = z.output<typeof SearchHit>;
export type Stats = z.output<typeof Stats>;

/** What the preload exposes as `window.mailbridge`. */
export interface MailbridgeApi {
  invoke<C extends ChannelName>(channel: C, input: ChannelInput<C>): Promise<Result<ChannelOutput<C>>>;
  /** Subscribes to a main-process event; returns the unsubscribe function. */
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
}

export const CHANNEL_NAMES = Object.keys(channels) as ChannelName[];
export const EVENT_NAMES = Object.keys(events) as EventName[];
