// Every send call a mail emulator accepted, in order, keyed by the Message-ID the message
// carried, so a test can assert exactly-once delivery across retries and dropped answers
// (a provider offers no idempotency key for sending: the Message-ID is the client's only handle).
import { headerValue, parseHeaders, splitHeaderBody } from './gmail/mime.ts';

export interface SentRecord {
  /** The Message-ID header without angle brackets; null when the message had none. */
  messageId: string | null;
  /** The RFC 5322 bytes as the provider stored (or composed) them. */
  raw: Buffer;
  /** The stored copy's stable id (Gmail message id, Graph immutable id); null when no copy was kept. */
  id: string | null;
  /** When the call was accepted, ms since the epoch. */
  at: number;
  /** True when the commit-then-drop fault destroyed the connection instead of answering. */
  answerDropped: boolean;
}

/** "<a@b>", "a@b" or " <a@b> " → "a@b"; null for an empty value. */
export function bareMessageId(value: string | null | undefined): string | null {
  const trimmed = value?.trim().replace(/^<|>$/g, '').trim();
  return trimmed ? trimmed : null;
}

export class SendLedger {
  readonly #records: SentRecord[] = [];
  readonly #counts = new Map<string, number>();

  /** Records one accepted send of `raw` (its Message-ID read from the header). */
  record(raw: Buffer, id: string | null, answerDropped: boolean): SentRecord {
    const messageId = bareMessageId(headerValue(parseHeaders(splitHeaderBody(raw).head), 'message-id'));
    const record: SentRecord = { messageId, raw, id, at: Date.now(), answerDropped };
    this.#records.push(record);
    if (messageId) this.#counts.set(messageId, (this.#counts.get(messageId) ?? 0) + 1);
    return record;
  }

  /** Accepted send calls whose Message-ID is `messageId` (with or without angle brackets). */
  count(messageId: string): number {
    return this.#counts.get(bareMessageId(messageId) ?? '') ?? 0;
  }

  /** Accepted send calls per Message-ID (bare, without angle brackets). */
  counts(): Record<string, number> {
    return Object.fromEntries(this.#counts);
  }

  /** Every accepted send, oldest first. */
  list(): readonly SentRecord[] {
    return this.#records;
  }

  clear(): void {
    this.#records.length = 0;
    this.#counts.clear();
  }
}
