// Which thread a message belongs to. The provider's thread id wins (Gmail threadId, Graph
// conversationId); without one the MIME layer's local key applies (References root,
// In-Reply-To, own Message-ID, else the normalised subject).
import type { IncomingMessage, ParsedMessage } from './types.ts';
import { localThreadKey } from './mime/index.ts';

export interface ThreadKey {
  /** Unique per account: 'p:' + provider thread id, or 'l:' + local key. */
  key: string;
  providerThreadId: string | null;
}

/** The thread key for a message; never throws. */
export function threadKeyFor(incoming: IncomingMessage, parsed: ParsedMessage): ThreadKey {
  if (incoming.providerThreadId) return { key: `p:${incoming.providerThreadId}`, providerThreadId: incoming.providerThreadId };
  const local = localThreadKey(parsed);
  // With no ids and no subject nothing ties the message to others: it stands alone, keyed
  // by its provider id (the MIME layer's sender + date key could still collide).
  return { key: local.startsWith('nosubject:') ? `l:x:${incoming.providerMessageId}` : `l:${local}`, providerThreadId: null };
}
