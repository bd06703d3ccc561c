// Matching an IMAP folder's stored messages with what it holds after a new UIDVALIDITY
// (imap-sync.ts): the server says nothing of which new UID was which old one.
import type { ParsedMessage } from './types.ts';
import type { MessageIdentity } from '../store/message-reads.ts';

/**
 * A folder's stored messages from before its new UIDVALIDITY, waiting to be matched with the
 * messages fetched under the new one (RFC 3501 §2.3.1.1 gives no mapping between the two):
 * by the digest of the source, or, where the source is not kept offline or the server
 * rewrote it (a migration), by Message-ID and Date when no other stored message shares them.
 * Each stored message is claimed at most once, so a copy the folder really holds twice is
 * stored twice, as it was before.
 */
export class StaleMessages {
  readonly #byDigest = new Map<string, string[]>();
  /** Message-ID and Date → the one stored message with them (keys two share are left out). */
  readonly #byHeaders = new Map<string, string>();
  readonly #unclaimed: Set<string>;

  constructor(identities: readonly MessageIdentity[]) {
    this.#unclaimed = new Set(identities.map((i) => i.providerMessageId));
    const shared = new Set<string>();
    for (const i of identities) {
      if (i.digest) {
        const ids = this.#byDigest.get(i.digest);
        if (ids) ids.push(i.providerMessageId);
        else this.#byDigest.set(i.digest, [i.providerMessageId]);
      }
      if (i.messageId === null) continue;
      const key = StaleMessages.#headers(i.messageId, i.date);
      if (this.#byHeaders.has(key)) shared.add(key);
      this.#byHeaders.set(key, i.providerMessageId);
    }
    for (const key of shared) this.#byHeaders.delete(key);
  }

  static #headers(messageId: string, date: number | null): string {
    return `${messageId}\n${date ?? ''}`;
  }

  /** The stored message this fetched one is, or null when none is left; `parsed` is asked for only when the digest matches none. */
  async claim(digest: string, parsed: () => Promise<Pick<ParsedMessage, 'messageId' | 'date'>>): Promise<string | null> {
    let id = this.#byDigest.get(digest)?.find((candidate) => this.#unclaimed.has(candidate)) ?? null;
    if (id === null && this.#byHeaders.size) {
      const { messageId, date } = await parsed();
      const candidate = messageId === null ? undefined : this.#byHeaders.get(StaleMessages.#headers(messageId, date));
      if (candidate !== undefined && this.#unclaimed.has(candidate)) id = candidate;
    }
    if (id !== null) this.#unclaimed.delete(id);
    return id;
  }

  /** The stored messages nothing fetched matched: gone from the folder. */
  unclaimed(): string[] {
    return [...this.#unclaimed];
  }
}
