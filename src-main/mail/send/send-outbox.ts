// Sending, exactly once. A message the rep sends is built into its final MIME at once and
// waits in the send outbox (store) for its time: the undo window, or a chosen send-later
// time. Then it is handed to the provider; an attempt whose outcome is unknown (the app was
// killed, the answer was lost) is looked up at the provider by its Message-ID before any
// other attempt, so a message never leaves twice. Refusals stay with the provider's reason.
import type { SendItem } from '../../../src-preload/contract/index.ts';
import { backoffDelay, type BackoffPolicy } from '../../platform/backoff.ts';
import type { AppEvents } from '../../platform/app-events.ts';
import { AppError } from '../../platform/app-error.ts';
import { createLogger } from '../../platform/logger.ts';
import type { ProfileStore } from '../../store/profile-store.ts';
import type { SendRecord } from '../../store/send-outbox-repository.ts';
import { PermanentProviderError, type RemoteMailbox } from '../remote/remote-mailbox.ts';
import { buildMime, newMessageId } from '../compose/outgoing-mime.ts';

const log = createLogger('mail.send');

/** Sent messages stay in the outbox list this long, ms. */
const SENT_SHOWN_MS = 24 * 3600_000;
/** Template variables ({{contact.firstname}}) still in a message block sending. */
const UNFILLED_VARIABLE = /\{\{\s*[\w.]+\s*\}\}/;

export interface SendOutboxOptions {
  store: ProfileStore;
  mailbox(accountId: number): RemoteMailbox;
  /** Whether the account may send (granted gmail.send / Mail.Send). */
  canSend(accountId: number): boolean;
  /** Whether the account's provider holds a message until a later time (Outlook); else the outbox waits itself. */
  defersDelivery?(accountId: number): boolean;
  events: AppEvents;
  /** The undo window, seconds. */
  undoSeconds(): number;
  /** A message left: sync the account's new mail so its sent copy shows. */
  onSent?(accountId: number): void;
  backoff?: BackoffPolicy;
  random?: () => number;
}

export function toSendItem(r: SendRecord, now = Date.now()): SendItem {
  return {
    id: r.id,
    accountId: r.accountId,
    state: r.state,
    subject: r.subject,
    recipients: r.recipients,
    sendAt: r.sendAt,
    heldByProvider: r.state === 'sent' && r.sendAt > now,
    error: r.lastError,
    attempts: r.attempts,
  };
}

export class SendOutbox {
  readonly #o: SendOutboxOptions;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #closed = false;

  constructor(options: SendOutboxOptions) {
    this.#o = options;
  }

  /**
   * Queues draft `draftId`: leaves at `sendAt` (ms), else after the undo window. AppError
   * not_found (no draft), invalid_input (no recipient, an unfilled variable, a read-only account).
   */
  async queue(draftId: number, sendAt?: number): Promise<SendItem> {
    const { store } = this.#o;
    const draft = store.drafts.get(draftId);
    if (!draft || store.sendOutbox.isQueued(draftId)) throw new AppError('not_found', 'this draft was sent or discarded');
    const account = store.accounts.get(draft.accountId);
    if (!account) throw new AppError('not_found', 'the account of this draft is no longer connected');
    const recipients = [...draft.to, ...draft.cc, ...draft.bcc];
    if (!recipients.length) throw new AppError('invalid_input', 'Add at least one recipient');
    if (UNFILLED_VARIABLE.test(draft.subject) || UNFILLED_VARIABLE.test(draft.html)) {
      throw new AppError('invalid_input', 'Fill in or remove the {{…}} fields before sending');
    }
    if (!this.#o.canSend(account.id)) {
      throw new AppError('invalid_input', `${account.email} was connected read-only: reconnect it in Settings to allow sending`);
    }
    const undoEnds = Date.now() + this.#o.undoSeconds() * 1000;
    const leavesAt = sendAt ?? undoEnds;
    // Outlook holds a send-later message itself: it is handed over once the undo window ends.
    const handOverAt = sendAt !== undefined && this.#o.defersDelivery?.(account.id) ? Math.min(undoEnds, sendAt) : leavesAt;
    const messageIdHeader = newMessageId(account.email);
    const thread = draft.threadId === null ? null : store.threads.getThread(draft.threadId);
    const raw = await buildMime(
      {
        from: { address: account.email, name: account.displayName ?? '' },
        ...draft,
        attachments: store.drafts.attachmentContents(draftId),
      },
      messageIdHeader,
      new Date(Math.max(leavesAt, Date.now())),
    );
    const record = store.sendOutbox.insert({
      accountId: account.id,
      draftId,
      messageIdHeader,
      providerThreadId: thread?.providerThreadId ?? null,
      subject: draft.subject,
      recipients: recipients.map((r) => r.address),
      raw,
      sendAt: leavesAt,
      nextAttemptAt: handOverAt,
      logToCrm: draft.logToCrm,
    });
    log.info('message queued', { sendId: record.id, accountId: account.id, inMs: leavesAt - Date.now(), heldByProvider: handOverAt < leavesAt });
    this.#changed();
    this.#schedule();
    return toSendItem(record);
  }

  /** Takes a message back before it left; returns its draft id. AppError not_found once it has left. */
  undo(sendId: number): number {
    const record = this.#o.store.sendOutbox.get(sendId);
    if (!record || record.draftId === null || !this.#o.store.sendOutbox.takeBack(sendId)) {
      throw new AppError('not_found', 'this message has already left');
    }
    this.#changed();
    return record.draftId;
  }

  list(): SendItem[] {
    return this.#o.store.sendOutbox.recent(Date.now() - SENT_SHOWN_MS).map(toSendItem);
  }

  retry(sendId: number): void {
    if (!this.#o.store.sendOutbox.requeue(sendId)) throw new AppError('not_found', 'this message is not waiting for a retry');
    this.#changed();
    this.#schedule();
  }

  /** Sends whatever is due now (start-up, the network back). */
  retryNow(): void {
    this.#schedule();
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
    await this.#running;
  }

  #schedule(): void {
    if (this.#closed) return;
    // A drain under way schedules again when it ends.
    if (this.#running) return;
    clearTimeout(this.#timer);
    const next = this.#o.store.sendOutbox.nextDueAt();
    if (next === null) return;
    const wait = next - Date.now();
    if (wait > 0) {
      this.#timer = setTimeout(() => this.#schedule(), Math.min(wait, 2 ** 31 - 1)).unref();
      return;
    }
    this.#running = this.#drain().finally(() => {
      this.#running = undefined;
      this.#schedule();
    });
  }

  async #drain(): Promise<void> {
    for (const item of this.#o.store.sendOutbox.due()) {
      if (this.#closed) return;
      await this.#attempt(item);
    }
  }

  async #attempt(item: SendRecord): Promise<void> {
    const { store } = this.#o;
    let mailbox: RemoteMailbox | undefined;
    const unknownOutcome = item.attempts > 0;
    store.sendOutbox.claim(item.id);
    this.#changed();
    try {
      mailbox = this.#o.mailbox(item.accountId);
      if (unknownOutcome && (await mailbox.findByMessageId(item.messageIdHeader))) {
        log.info('an earlier attempt had sent it; not sending again', { sendId: item.id });
        this.#sent(item, null);
        return;
      }
      const raw = store.sendOutbox.raw(item.id);
      if (!raw) return;
      const deliverAt = item.sendAt > Date.now() ? item.sendAt : null;
      const result = await mailbox.send({ raw, messageIdHeader: item.messageIdHeader, providerThreadId: item.providerThreadId, deliverAt });
      this.#sent(item, result.providerMessageId);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      if (error instanceof PermanentProviderError) {
        log.warn('the provider refused the message', { sendId: item.id, reason });
        store.sendOutbox.markFailed(item.id, reason);
      } else {
        const delay = backoffDelay(item.attempts + 1, this.#o.backoff ?? { baseMs: 2_000, capMs: 60_000 }, this.#o.random);
        log.info('message waits for the provider', { sendId: item.id, retryInMs: delay, reason });
        store.sendOutbox.markRetry(item.id, reason, Date.now() + delay);
      }
      this.#changed();
    } finally {
      await mailbox?.close();
    }
  }

  #sent(item: SendRecord, providerMessageId: string | null): void {
    const { store } = this.#o;
    store.transaction(() => {
      store.sendOutbox.markSent(item.id, providerMessageId);
      if (item.draftId !== null) store.drafts.delete(item.draftId);
    });
    log.info('message sent', { sendId: item.id, accountId: item.accountId });
    this.#changed();
    this.#o.onSent?.(item.accountId);
  }

  #changed(): void {
    this.#o.events.publish({ name: 'send:changed', payload: { items: this.list() } });
  }
}
