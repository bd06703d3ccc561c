// Threads for mail whose provider gives no thread id (offline import, IMAP next), in the
// manner of JWZ's algorithm (https://www.jwz.org/doc/threading.html, RFC 5256 REFERENCES):
// a message joins the thread of any stored message its References or In-Reply-To names;
// failing that, as Thunderbird does, the thread with the same base subject (RFC 5256 §2.1)
// whose last message is within 30 days and that shares a correspondent with it. Mail the
// provider threads (Gmail, Outlook) is never regrouped.
import { normaliseSubject } from './base-subject.ts';
import type { ParsedMessage } from '../mail/types.ts';
import type { Db } from './types.ts';

/** How far apart two messages with the same base subject may be and still be one thread, ms. */
export const SUBJECT_WINDOW_MS = 30 * 86_400_000;

export interface LocalMessageFacts {
  messageId: string | null;
  inReplyTo: string | null;
  references: readonly string[];
  subject: string;
  receivedAt: number;
  /** Every correspondent's address (from, to, cc), lower-case. */
  addresses: readonly string[];
}

export class LocalThreading {
  readonly #s;

  constructor(db: Db) {
    this.#s = {
      byMessageId: db
        .prepare<[number, string], number>(
          `SELECT m.thread_id FROM messages m JOIN threads t ON t.id = m.thread_id
           WHERE m.account_id = ? AND m.message_id_header = ? AND t.provider_thread_id IS NULL LIMIT 1`,
        )
        .pluck(),
      bySubject: db
        .prepare<[number, string, number, number, number, string], number>(
          `SELECT t.id FROM threads t
           WHERE t.account_id = ? AND t.base_subject = ? AND t.provider_thread_id IS NULL AND t.id <> ? AND t.last_message_at BETWEEN ? AND ?
             AND EXISTS (SELECT 1 FROM messages m JOIN message_participants p ON p.message_id = m.id JOIN addresses a ON a.id = p.address_id
                         WHERE m.thread_id = t.id AND a.address IN (SELECT value FROM json_each(?)))
           ORDER BY t.last_message_at DESC LIMIT 1`,
        )
        .pluck(),
    };
  }

  /** The stored thread a message belongs to, or null when it starts one of its own; `exclude` is never the answer. */
  threadFor(accountId: number, facts: LocalMessageFacts, exclude = -1): number | null {
    // The nearest named ancestor first: In-Reply-To, then References from the newest back to the root.
    const named = [facts.inReplyTo, ...[...facts.references].reverse()].filter((id): id is string => !!id && id !== facts.messageId);
    for (const id of named) {
      const thread = this.#s.byMessageId.get(accountId, id);
      if (thread !== undefined && thread !== exclude) return thread;
    }
    const base = baseSubjectKey(facts.subject);
    if (!base || !facts.addresses.length) return null;
    return (
      this.#s.bySubject.get(accountId, base, exclude, facts.receivedAt - SUBJECT_WINDOW_MS, facts.receivedAt + SUBJECT_WINDOW_MS, JSON.stringify(facts.addresses)) ??
      null
    );
  }
}

/**
 * What threading needs of a parsed message received at `receivedAt` (ms). The mailbox's own
 * address (`owner`) is left out of the correspondents: it is on nearly every message, so
 * sharing it says nothing about two messages being one conversation.
 */
export function localFacts(
  parsed: Pick<ParsedMessage, 'messageId' | 'inReplyTo' | 'references' | 'subject' | 'from' | 'to' | 'cc'>,
  receivedAt: number,
  owner: string,
): LocalMessageFacts {
  const addresses = [...(parsed.from ? [parsed.from] : []), ...parsed.to, ...parsed.cc]
    .map((a) => a.address.trim().toLowerCase())
    .filter((a) => a && a !== owner);
  return { messageId: parsed.messageId, inReplyTo: parsed.inReplyTo, references: parsed.references, subject: parsed.subject, receivedAt, addresses: [...new Set(addresses)] };
}

/** threads.base_subject: the base subject, lower-cased; '' when nothing is left. */
export function baseSubjectKey(subject: string): string {
  return normaliseSubject(subject).toLowerCase();
}
