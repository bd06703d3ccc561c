// Thread keys for messages whose provider gives no thread id (IMAP, offline import):
// the root Message-ID from References / In-Reply-To (RFC 5322 §3.6.4), else the subject
// with reply/forward prefixes and list tags removed.
import { normaliseSubject } from '../../store/base-subject.ts';
import type { ParsedMessage } from '../types.ts';

export { normaliseSubject };

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
