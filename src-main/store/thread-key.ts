// Which thread a message belongs to. The provider's thread id wins (Gmail threadId, Graph
// conversationId); without one we thread locally like RFC 5256 REFERENCES, simplified:
// the root of the References chain, else In-Reply-To, else the message's own Message-ID,
// else the normalised subject.
import type { IncomingMessage, ParsedMessage } from '../mail/types.ts';

export interface ThreadKey {
  /** Unique per account: 'p:' + provider thread id, or 'l:' + local key. */
  key: string;
  providerThreadId: string | null;
}

/** The thread key for a message; never throws. */
export function threadKeyFor(incoming: IncomingMessage, parsed: ParsedMessage): ThreadKey {
  if (incoming.providerThreadId) return { key: `p:${incoming.providerThreadId}`, providerThreadId: incoming.providerThreadId };
  const root = [parsed.references[0], parsed.inReplyTo, parsed.messageId]
    .map((id) => id?.trim())
    .find((id): id is string => Boolean(id));
  if (root) return { key: `l:m:${root}`, providerThreadId: null };
  const subject = normaliseSubject(parsed.subject);
  // No ids and no subject: nothing ties the message to others, so it stands alone.
  return { key: subject ? `l:s:${subject}` : `l:x:${incoming.providerMessageId}`, providerThreadId: null };
}

// Reply/forward prefixes in the languages mail clients commonly emit (Re, Fwd, AW, WG, SV, VS, Antw, Rif, Tr, Enc).
const PREFIX = /^\s*(?:(?:re|fwd?|aw|wg|sv|vs|antw|rif|tr|enc)(?:\s*\[\d+\])?\s*:|\[[^\]]*\])\s*/i;

/** Subject without reply/forward prefixes and [list] tags, whitespace collapsed, lower-cased. */
export function normaliseSubject(subject: string): string {
  let s = subject;
  for (let previous = ''; previous !== s; ) {
    previous = s;
    s = s.replace(PREFIX, '');
  }
  return s.replace(/\s+/g, ' ').trim().toLowerCase();
}
