// Thread keys for messages whose provider gives no thread id (IMAP, offline import):
// the root Message-ID from References / In-Reply-To (RFC 5322 §3.6.4), else the subject
// with reply/forward prefixes and list tags removed.
import type { ParsedMessage } from '../types.ts';

// Reply and forward prefixes: English Re/Fw/Fwd, German AW/WG, Scandinavian SV/VS,
// Dutch Antw, Italian R/RIF, French TR; optionally numbered ("Re[2]:", "Re(3):").
const PREFIX = /^(?:re|fwd?|aw|sv|vs|wg|antw|rif|tr|odp|r)\s*(?:\[\d+\]|\(\d+\)|\^\d+)?\s*[:：]\s*/i;
const LIST_TAG = /^\[[^\]]{1,60}\]\s*/;
const FWD_SUFFIX = /\s*\((?:fwd|fw)\)\s*$/i;

/**
 * A subject with every leading reply/forward prefix (Re:, Fw:, Fwd:, AW:, SV:, WG:, …)
 * and mailing-list tag ("[notmuch]") removed, repeatedly, plus a trailing "(fwd)";
 * whitespace collapsed. Case is kept: `localThreadKey` lower-cases for matching.
 * Example: "Re: [list] AW: Fwd: Budget" → "Budget".
 */
export function normaliseSubject(subject: string): string {
  let s = subject.replace(/\s+/g, ' ').trim();
  for (let i = 0; i < 50; i++) {
    const next = s.replace(PREFIX, '').replace(LIST_TAG, '').replace(FWD_SUFFIX, '').trim();
    if (next === s) break;
    s = next;
  }
  return s;
}

/**
 * The key that groups a message into a thread when the provider has none: the first
 * References id (the thread root, RFC 5322 §3.6.4), else In-Reply-To, else the message's
 * own Message-ID, else "subject:" + the normalised, lower-cased subject. A message with
 * none of these and an empty subject gets "nosubject:" + sender + date, so unrelated
 * subjectless mail is not merged into one thread.
 *
 * Limitation: a reply that carries only In-Reply-To (no References) keys on its parent,
 * not on the root; merging such chains needs the store's view of earlier messages.
 */
export function localThreadKey(
  parsed: Pick<ParsedMessage, 'references' | 'inReplyTo' | 'messageId' | 'subject' | 'from' | 'date'>,
): string {
  const root = parsed.references[0] ?? parsed.inReplyTo ?? parsed.messageId;
  if (root) return root;
  const subject = normaliseSubject(parsed.subject).toLowerCase();
  if (subject) return `subject:${subject}`;
  return `nosubject:${parsed.from?.address ?? ''}:${parsed.date ?? ''}`;
}
