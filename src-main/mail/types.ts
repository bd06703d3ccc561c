// The shapes that cross between mail providers, the MIME parser and the store.
// Providers deliver raw RFC 5322 bytes; the parser turns them into ParsedMessage;
// the store keeps both, so a better parser later can re-derive everything.

/** A mailbox address (RFC 5322 §3.4). `address` is lower-cased; `name` is the decoded display name or "". */
export interface Address {
  name: string;
  address: string;
}

/** Metadata of one attachment; the bytes stay inside the raw source. */
export interface AttachmentInfo {
  filename: string | null;
  mimeType: string;
  /** Decoded size in bytes. */
  size: number;
  contentId: string | null;
  disposition: 'attachment' | 'inline' | null;
}

/**
 * A message as the parser read it. Every field is best effort: where the source is
 * malformed the field is empty and `warnings` says why; a message is never dropped.
 */
export interface ParsedMessage {
  /** Message-ID (RFC 5322 §3.6.4) without angle brackets, or null when absent. */
  messageId: string | null;
  inReplyTo: string | null;
  /** Message-IDs from References, oldest first, without angle brackets. */
  references: string[];
  subject: string;
  from: Address | null;
  to: Address[];
  cc: Address[];
  bcc: Address[];
  replyTo: Address[];
  /** Date header as ms since the Unix epoch, or null when absent or unparseable. */
  date: number | null;
  /** Plain-text body (derived from HTML when the message has no text part). */
  text: string;
  /** HTML body as sent, unsanitised; the renderer sanitises before display. */
  html: string | null;
  /** First ~200 characters of the body text, whitespace collapsed. */
  snippet: string;
  attachments: AttachmentInfo[];
  /** Human-readable notes about parts that could not be fully read. */
  warnings: string[];
}

/** A message a provider (Gmail, Graph, IMAP, offline import) hands to the store. */
export interface IncomingMessage {
  /** The provider's own id: Gmail message id, Graph message id, or an import source key. */
  providerMessageId: string;
  /** The provider's thread id (Gmail threadId, Graph conversationId) or null to thread locally. */
  providerThreadId: string | null;
  /** Provider label / folder ids (Gmail label ids such as INBOX, UNREAD). */
  labels: string[];
  /** Provider's receive time in ms since the epoch (Gmail internalDate), or null. */
  internalDate: number | null;
  /** Raw RFC 5322 source. */
  raw: Uint8Array;
}
