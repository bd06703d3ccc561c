// What acting on mail needs of a provider, beside sync: change messages (read state, star,
// archive, trash) and send a message built as RFC 5322 MIME, then look a sent message up by
// its Message-ID when the outcome of an attempt is unknown. One implementation per provider.
import type { MailActionName } from '../../store/mail-action-repository.ts';
import { isRetryable, statusOf } from '../providers/request-pacing.ts';

export interface OutgoingMessage {
  /** The complete RFC 5322 message, Bcc header included (the provider strips it on delivery). */
  raw: Buffer;
  /** The Message-ID inside `raw`, without <>. */
  messageIdHeader: string;
  /** Gmail: the threadId a reply joins (users.messages.send); null for a new conversation. */
  providerThreadId: string | null;
  /**
   * Send later, held by the provider (ms): Outlook keeps the message in its Outbox until then
   * (PR_DEFERRED_SEND_TIME), so it leaves while the laptop is closed. Null: at once.
   */
  deliverAt: number | null;
}

export interface RemoteMailbox {
  /**
   * Applies one action to these provider message ids; idempotent, so a replay is harmless.
   * `label` / `unlabel` name the provider label (Gmail) or folder (Outlook, IMAP: a move there, or back to the Inbox).
   */
  apply(action: MailActionName, providerIds: readonly string[], label?: string): Promise<void>;
  /** Hands the message to the provider; its id there when the provider says (Graph's sendMail does not). */
  send(message: OutgoingMessage): Promise<{ providerMessageId: string | null }>;
  /** Whether the mailbox holds a sent message with this Message-ID (without <>), or one the provider holds for later (never a draft). */
  findByMessageId(messageIdHeader: string): Promise<boolean>;
  /**
   * The RFC 5322 source of one message (a body not kept on this computer); null when the
   * provider no longer has it. Gmail users.messages.get format=raw, Graph GET
   * /me/messages/{id}/$value, IMAP UID FETCH BODY.PEEK[] (read state untouched).
   */
  fetchSource(providerMessageId: string): Promise<Uint8Array | null>;
  close(): Promise<void>;
}

/** A refusal that trying again will not change (4xx other than 401/408/429), in words for the rep. */
export class PermanentProviderError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PermanentProviderError';
  }
}

/**
 * Sorts a provider failure into "retry later" (network, 5xx, 429, an expired token) or
 * "refused" (PermanentProviderError with the reason: a missing scope, a malformed message).
 */
export function classifyProviderError(error: unknown, service: string): Error {
  if (error instanceof PermanentProviderError) return error;
  const status = statusOf(error);
  if (status === undefined || isRetryable(error) || status === 401) return error instanceof Error ? error : new Error(String(error));
  const detail = providerMessage(error);
  if (status === 403 && /scope|permission|insufficient|access ?denied/i.test(detail)) {
    return new PermanentProviderError(
      `${service} did not allow this: the account was connected without permission to change or send mail. Reconnect it in Settings to allow sending.`,
      { cause: error },
    );
  }
  return new PermanentProviderError(`${service} refused it (HTTP ${status}${detail ? `: ${detail}` : ''})`, { cause: error });
}

function providerMessage(error: unknown): string {
  const e = error as { message?: unknown; response?: { data?: { error?: { message?: unknown } } }; body?: unknown } | null;
  const fromBody = e?.response?.data?.error?.message;
  if (typeof fromBody === 'string') return fromBody;
  return typeof e?.message === 'string' ? e.message.slice(0, 300) : '';
}
