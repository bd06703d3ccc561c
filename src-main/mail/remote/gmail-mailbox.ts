// Gmail's side of acting on mail: labels changed with users.messages.batchModify, trash and
// untrash, users.messages.send with the reply's threadId, and the rfc822msgid: search that
// finds a message whose send outcome is unknown.
// Reference: https://developers.google.com/gmail/api/reference/rest/v1/users.messages
//            https://developers.google.com/gmail/api/guides/sending
import { gmail, type gmail_v1 } from '@googleapis/gmail';
import type { OAuth2Client } from 'google-auth-library';
import { createLogger } from '../../platform/logger.ts';
import type { MailActionName } from '../../store/mail-action-repository.ts';
import { REQUEST_TIMEOUT_MS, RequestPacer } from '../providers/request-pacing.ts';
import { classifyProviderError, type OutgoingMessage, type RemoteMailbox } from './remote-mailbox.ts';

const log = createLogger('mail.gmail-actions');

/** Quota units (developers.google.com/gmail/api/reference/quota). */
const UNITS = { batchModify: 50, trash: 5, send: 100, list: 5, get: 5 } as const;
/** batchModify takes at most 1,000 ids per call. */
const BATCH_MODIFY_MAX = 1_000;

/** The label change of each action that batchModify can make (trash and inbox have calls of their own). */
const LABEL_CHANGES: Partial<Record<MailActionName, { addLabelIds?: string[]; removeLabelIds?: string[] }>> = {
  read: { removeLabelIds: ['UNREAD'] },
  unread: { addLabelIds: ['UNREAD'] },
  star: { addLabelIds: ['STARRED'] },
  unstar: { removeLabelIds: ['STARRED'] },
  archive: { removeLabelIds: ['INBOX'] },
};

export interface GmailMailboxOptions {
  auth: OAuth2Client;
  rootUrl?: string;
  timeoutMs?: number;
}

export class GmailMailbox implements RemoteMailbox {
  readonly #api: gmail_v1.Gmail;
  readonly #timeoutMs: number;
  /** Idempotent calls: transient failures are retried at once. */
  readonly #pacer = new RequestPacer({ concurrency: 4, budget: null, attempts: 3, max429: 5, service: 'Gmail', log });
  /** Sending: never retried blindly (a dropped answer may hide a sent message); the outbox decides. */
  readonly #once = new RequestPacer({ concurrency: 1, budget: null, attempts: 1, max429: 3, service: 'Gmail', log });

  constructor(options: GmailMailboxOptions) {
    this.#api = gmail({ version: 'v1', auth: options.auth, rootUrl: options.rootUrl ?? 'https://gmail.googleapis.com/' });
    this.#timeoutMs = options.timeoutMs ?? REQUEST_TIMEOUT_MS;
  }

  async apply(action: MailActionName, providerIds: readonly string[], label?: string): Promise<void> {
    const options = { retry: false, timeout: this.#timeoutMs } as const;
    try {
      if (action === 'trash' || action === 'inbox') {
        for (const id of providerIds) {
          await this.#pacer.run(() => this.#api.users.messages[action === 'trash' ? 'trash' : 'untrash']({ userId: 'me', id }, options), { units: UNITS.trash });
        }
        if (action === 'trash') return;
      }
      const change =
        action === 'inbox' ? { addLabelIds: ['INBOX'] }
        : action === 'label' ? { addLabelIds: [label!] }
        : action === 'unlabel' ? { removeLabelIds: [label!] }
        : LABEL_CHANGES[action]!;
      for (let start = 0; start < providerIds.length; start += BATCH_MODIFY_MAX) {
        const ids = providerIds.slice(start, start + BATCH_MODIFY_MAX);
        await this.#pacer.run(
          () => this.#api.users.messages.batchModify({ userId: 'me', requestBody: { ids, ...change } }, options),
          { units: UNITS.batchModify },
        );
      }
    } catch (error) {
      throw classifyProviderError(error, 'Gmail');
    }
  }

  /** Gmail holds no message for later: the outbox sends at the chosen time itself (`deliverAt` is ignored). */
  async send(message: OutgoingMessage): Promise<{ providerMessageId: string | null }> {
    try {
      const { data } = await this.#once.run(
        () =>
          this.#api.users.messages.send(
            {
              userId: 'me',
              requestBody: { raw: message.raw.toString('base64url'), ...(message.providerThreadId ? { threadId: message.providerThreadId } : {}) },
            },
            { retry: false, timeout: this.#timeoutMs },
          ),
        { units: UNITS.send },
      );
      return { providerMessageId: data.id ?? null };
    } catch (error) {
      throw classifyProviderError(error, 'Gmail');
    }
  }

  async findByMessageId(messageIdHeader: string): Promise<boolean> {
    try {
      const { data } = await this.#pacer.run(
        () =>
          this.#api.users.messages.list(
            { userId: 'me', q: `rfc822msgid:${messageIdHeader}`, includeSpamTrash: true, maxResults: 1 },
            { retry: false, timeout: this.#timeoutMs },
          ),
        { units: UNITS.list },
      );
      return (data.messages ?? []).length > 0;
    } catch (error) {
      throw classifyProviderError(error, 'Gmail');
    }
  }

  async fetchSource(providerMessageId: string): Promise<Uint8Array | null> {
    try {
      const { data } = await this.#pacer.run(
        () => this.#api.users.messages.get({ userId: 'me', id: providerMessageId, format: 'raw' }, { retry: false, timeout: this.#timeoutMs }),
        { units: UNITS.get },
      );
      return data.raw ? Buffer.from(data.raw, 'base64url') : null;
    } catch (error) {
      if ((error as { status?: number; code?: number }).status === 404 || (error as { code?: number }).code === 404) return null;
      throw classifyProviderError(error, 'Gmail');
    }
  }

  async close(): Promise<void> {
    this.#pacer.clear();
    this.#once.clear();
  }
}
