// Outlook's side of acting on mail through Microsoft Graph: PATCH isRead and flag, move to
// Archive, Deleted Items or the Inbox, sendMail with the MIME message, and the
// internetMessageId filter that finds a message whose send outcome is unknown.
// Reference: https://learn.microsoft.com/graph/api/message-update
//            https://learn.microsoft.com/graph/api/message-move
//            https://learn.microsoft.com/graph/api/user-sendmail (MIME in base64, text/plain)
//            https://learn.microsoft.com/graph/api/user-post-messages (a draft from MIME), .../message-send
//            PR_DEFERRED_SEND_TIME: https://learn.microsoft.com/office/client-developer/outlook/mapi/pidtagdeferredsendtime-canonical-property
import { ResponseType, type Client } from '@microsoft/microsoft-graph-client';
import { createLogger } from '../../platform/logger.ts';
import type { MailActionName } from '../../store/mail-action-repository.ts';
import { graphClient, IMMUTABLE_IDS } from '../providers/graph.ts';
import { RequestPacer, statusOf } from '../providers/request-pacing.ts';
import { classifyProviderError, type OutgoingMessage, type RemoteMailbox } from './remote-mailbox.ts';

const log = createLogger('mail.graph-actions');

/** PR_DEFERRED_SEND_TIME as a Graph extended property id. */
const DEFERRED_SEND_TIME = 'SystemTime 0x3FEF';

/** What each action asks of Graph: a PATCH body or a move's destination (a well-known folder name). */
const REQUESTS: Record<Exclude<MailActionName, 'label' | 'unlabel'>, { patch: Record<string, unknown> } | { moveTo: string }> = {
  read: { patch: { isRead: true } },
  unread: { patch: { isRead: false } },
  star: { patch: { flag: { flagStatus: 'flagged' } } },
  unstar: { patch: { flag: { flagStatus: 'notFlagged' } } },
  archive: { moveTo: 'archive' },
  trash: { moveTo: 'deleteditems' },
  inbox: { moveTo: 'inbox' },
};

export interface GraphMailboxOptions {
  getAccessToken(): Promise<string>;
  onUnauthorized?(): void;
  graphUrl?: string;
  timeoutMs?: number;
}

export class GraphMailbox implements RemoteMailbox {
  readonly #client: Client;
  readonly #o: GraphMailboxOptions;
  /** Outlook allows 4 concurrent requests per mailbox; PATCH and move are idempotent and retried at once. */
  readonly #pacer = new RequestPacer({ concurrency: 4, budget: null, attempts: 3, max429: 5, service: 'Microsoft Graph', log });
  /** sendMail: never retried blindly; the outbox looks the Message-ID up first. */
  readonly #once = new RequestPacer({ concurrency: 1, budget: null, attempts: 1, max429: 3, service: 'Microsoft Graph', log });

  constructor(options: GraphMailboxOptions) {
    this.#o = options;
    this.#client = graphClient(options);
  }

  async apply(action: MailActionName, providerIds: readonly string[], label?: string): Promise<void> {
    // Outlook files mail in folders: labelling moves it there, unlabelling back to the Inbox.
    const request = action === 'label' ? { moveTo: label! } : action === 'unlabel' ? { moveTo: 'inbox' } : REQUESTS[action];
    await Promise.all(
      providerIds.map((id) => {
        const path = `/me/messages/${encodeURIComponent(id)}`;
        const call = 'patch' in request
          ? () => this.#client.api(path).header('Prefer', IMMUTABLE_IDS).patch(request.patch)
          : () => this.#client.api(`${path}/move`).header('Prefer', IMMUTABLE_IDS).post({ destinationId: request.moveTo });
        // A message already gone (404) needs nothing more.
        return this.#request(this.#pacer, call).catch((error: unknown) => {
          if (statusOf(error) !== 404) throw error;
        });
      }),
    ).catch((error: unknown) => {
      throw classifyProviderError(error, 'Microsoft Graph');
    });
  }

  /**
   * At once: sendMail with the MIME. Held for later: a draft made from the MIME (or the one an
   * interrupted attempt left), PR_DEFERRED_SEND_TIME set on it, then send; Outlook keeps it in
   * the Outbox until that time.
   */
  async send(message: OutgoingMessage): Promise<{ providerMessageId: string | null }> {
    const mime = message.raw.toString('base64');
    try {
      if (!message.deliverAt || message.deliverAt <= Date.now()) {
        await this.#request(this.#once, () => this.#client.api('/me/sendMail').header('Content-Type', 'text/plain').post(mime));
        return { providerMessageId: null };
      }
      const draft =
        (await this.#lookup(message.messageIdHeader)).find((m) => m.isDraft)?.id ??
        ((await this.#request(this.#once, () =>
          this.#client.api('/me/messages').header('Prefer', IMMUTABLE_IDS).header('Content-Type', 'text/plain').post(mime),
        )) as { id: string }).id;
      const path = `/me/messages/${encodeURIComponent(draft)}`;
      const when = new Date(message.deliverAt).toISOString();
      await this.#request(this.#pacer, () =>
        this.#client.api(path).header('Prefer', IMMUTABLE_IDS).patch({ singleValueExtendedProperties: [{ id: DEFERRED_SEND_TIME, value: when }] }),
      );
      await this.#request(this.#once, () => this.#client.api(`${path}/send`).header('Prefer', IMMUTABLE_IDS).post(null));
      return { providerMessageId: draft };
    } catch (error) {
      throw classifyProviderError(error, 'Microsoft Graph');
    }
  }

  async findByMessageId(messageIdHeader: string): Promise<boolean> {
    try {
      return (await this.#lookup(messageIdHeader)).some((m) => !m.isDraft);
    } catch (error) {
      throw classifyProviderError(error, 'Microsoft Graph');
    }
  }

  async fetchSource(providerMessageId: string): Promise<Uint8Array | null> {
    try {
      const body = (await this.#request(this.#pacer, () =>
        this.#client.api(`/me/messages/${encodeURIComponent(providerMessageId)}/$value`).header('Prefer', IMMUTABLE_IDS).responseType(ResponseType.ARRAYBUFFER).get(),
      )) as ArrayBuffer;
      return new Uint8Array(body);
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode === 404) return null;
      throw classifyProviderError(error, 'Microsoft Graph');
    }
  }

  /** Messages anywhere in the mailbox (Drafts, Outbox, Sent Items …) with this Message-ID. */
  async #lookup(messageIdHeader: string): Promise<Array<{ id: string; isDraft: boolean }>> {
    const quoted = `<${messageIdHeader}>`.replace(/'/g, "''");
    const page = (await this.#request(this.#pacer, () =>
      this.#client.api('/me/messages').header('Prefer', IMMUTABLE_IDS).filter(`internetMessageId eq '${quoted}'`).select('id,isDraft').top(10).get(),
    )) as { value?: Array<{ id?: string; isDraft?: boolean }> };
    return (page.value ?? []).filter((m): m is { id: string; isDraft?: boolean } => typeof m.id === 'string').map((m) => ({ id: m.id, isDraft: m.isDraft === true }));
  }

  async close(): Promise<void> {
    this.#pacer.clear();
    this.#once.clear();
  }

  /** The token first (a dead grant stays a ReconnectRequiredError); one refresh after a 401. */
  #request<T>(pacer: RequestPacer, send: () => Promise<T>): Promise<T> {
    let refreshed = false;
    return pacer.run(async () => {
      await this.#o.getAccessToken();
      try {
        return await send();
      } catch (error) {
        if (statusOf(error) !== 401 || refreshed || !this.#o.onUnauthorized) throw error;
        refreshed = true;
        this.#o.onUnauthorized();
        await this.#o.getAccessToken();
        return send();
      }
    });
  }
}
