// Which thread a message belongs to. The provider's thread id wins (Gmail threadId, Graph
// conversationId); without one the MIME layer's local key applies (References root,
// In-Reply-To, own Message-ID, else the normalised subject).
import type { IncomingMessage, ParsedMessage } from './types.ts';
import type { MessageToSave } from '../store/message-repository.ts';
import type { EncodedContent } from '../store/message-values.ts';
import type { ThreadKey } from '../store/types.ts';
import { localThreadKey } from './mime/index.ts';

/** The thread key for a message; never throws. */
export function threadKeyFor(incoming: IncomingMessage, parsed: ParsedMessage): ThreadKey {
  if (incoming.providerThreadId) return { key: `p:${incoming.providerThreadId}`, providerThreadId: incoming.providerThreadId };
  const local = localThreadKey(parsed);
  // With no ids and no subject nothing ties the message to others: it stands alone, keyed
  // by its provider id (the MIME layer's sender + date key could still collide).
  return { key: local.startsWith('nosubject:') ? `l:x:${incoming.providerMessageId}` : `l:${local}`, providerThreadId: null };
}

/** A fetched or imported message with its thread key, as the store saves it. */
export function messageToSave(incoming: IncomingMessage, parsed: ParsedMessage, encoded?: EncodedContent): MessageToSave {
  return { incoming, parsed, thread: threadKeyFor(incoming, parsed), ...(encoded ? { encoded } : {}) };
}
