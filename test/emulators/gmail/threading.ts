// Assigns Gmail-style threadIds deterministically: a message joins the thread of a message
// it names in In-Reply-To/References; otherwise the latest thread with the same normalised
// subject that shares a participant other than the mailbox owner; otherwise it starts a thread whose id is its own id
// (as in Gmail, where a thread's id is its first message's id).

export interface ThreadingInput {
  id: string;
  messageId: string | null;
  /** In-Reply-To first, then References newest first; without angle brackets. */
  parents: string[];
  subject: string;
  /** Lower-cased addresses from From, To, Cc. */
  participants: string[];
}

/** Strips reply/forward prefixes (Re:, Fw:, Fwd:, AW:, WG:, SV:, also "Re[2]:"), extra spaces and case. */
export function normaliseSubject(subject: string): string {
  let s = subject.trim();
  for (;;) {
    const next = s.replace(/^(?:re|fw|fwd|aw|wg|sv|vs|antw)(?:\[\d+\]|\(\d+\))?\s*:\s*/i, '').trim();
    if (next === s) break;
    s = next;
  }
  return s.replace(/\s+/g, ' ').toLowerCase();
}

export class Threader {
  readonly #threadByMessageId = new Map<string, string>();
  readonly #threadsBySubject = new Map<string, string[]>();
  readonly #participants = new Map<string, Set<string>>();
  readonly #owner: string | undefined;

  /** `owner` (the mailbox's own address) is left out when looking for a shared participant. */
  constructor(owner?: string) {
    this.#owner = owner?.toLowerCase();
  }

  /**
   * Returns the threadId for `message` and records it. `exists(threadId)` lets deleted
   * threads drop out; `preferred` (messages.send's threadId) wins when it exists;
   * `bySubject` false joins only threads In-Reply-To/References name.
   */
  assign(message: ThreadingInput, exists: (threadId: string) => boolean, preferred?: string, bySubject = true): string {
    let threadId: string | undefined = preferred && exists(preferred) ? preferred : undefined;
    for (const parent of threadId ? [] : message.parents) {
      const t = this.#threadByMessageId.get(parent);
      if (t && exists(t)) {
        threadId = t;
        break;
      }
    }
    const subject = normaliseSubject(message.subject);
    if (!threadId && subject && bySubject) {
      const candidates = this.#threadsBySubject.get(subject) ?? [];
      for (let i = candidates.length - 1; i >= 0 && !threadId; i -= 1) {
        const t = candidates[i]!;
        const people = this.#participants.get(t);
        if (exists(t) && people && message.participants.some((p) => p !== this.#owner && people.has(p))) threadId = t;
      }
    }
    threadId ??= message.id;
    if (message.messageId && !this.#threadByMessageId.has(message.messageId)) {
      this.#threadByMessageId.set(message.messageId, threadId);
    }
    if (subject) {
      const list = this.#threadsBySubject.get(subject) ?? [];
      if (list[list.length - 1] !== threadId) list.push(threadId);
      this.#threadsBySubject.set(subject, list);
    }
    const people = this.#participants.get(threadId) ?? new Set<string>();
    for (const p of message.participants) people.add(p);
    this.#participants.set(threadId, people);
    return threadId;
  }
}

/** Message-IDs inside a header value, without angle brackets. */
export function messageIds(value: string | null): string[] {
  return value ? [...value.matchAll(/<([^<>\s]+)>/g)].map((m) => m[1]!) : [];
}

/** Lower-cased addr-specs found in address header values. */
export function addresses(...values: (string | null)[]): string[] {
  const out = new Set<string>();
  for (const v of values) {
    for (const m of (v ?? '').matchAll(/[^\s<>,;:"()[\]]+@[^\s<>,;:"()[\]]+/g)) out.add(m[0].toLowerCase());
  }
  return [...out];
}
