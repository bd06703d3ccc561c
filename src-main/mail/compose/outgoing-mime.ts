// The message as it leaves: RFC 5322 built by nodemailer's MailComposer (RFC 2047 encoded
// words and RFC 2231 parameters for non-ASCII names, multipart/alternative with a text part),
// with a Message-ID of our own that is the send outbox's idempotency key, and In-Reply-To and
// References so the reply joins its conversation (RFC 5322 §3.6.4). Bcc stays in the source:
// Gmail's messages.send and Graph's MIME sendMail read it for delivery and drop it.
import { randomUUID } from 'node:crypto';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import type { DraftAttachmentContent, DraftRecipient, DraftRecord } from '../../store/draft-repository.ts';
import { cleanHtml, plainTextOf } from './outgoing-html.ts';

/** A draft as it leaves: the rep's HTML and the quoted original (both cleaned here), from the account's address. */
export type OutgoingDraft = Pick<DraftRecord, 'to' | 'cc' | 'bcc' | 'subject' | 'html' | 'quotedHtml' | 'inReplyTo' | 'references'> & {
  from: DraftRecipient;
  attachments: DraftAttachmentContent[];
};

/** A new Message-ID (without <>) on the sender's domain, as mail clients write them. */
export function newMessageId(fromAddress: string): string {
  const domain = fromAddress.split('@')[1] || 'mailbridge.invalid';
  return `${randomUUID()}@${domain}`;
}

const angle = (id: string) => `<${id}>`;

/** The complete message, ready for Gmail's raw or Graph's MIME sendMail. */
export async function buildMime(draft: OutgoingDraft, messageId: string, date: Date): Promise<Buffer> {
  const html = cleanHtml(draft.quotedHtml ? `${draft.html}<br>${draft.quotedHtml}` : draft.html);
  const composer = new MailComposer({
    from: draft.from,
    to: draft.to,
    cc: draft.cc,
    bcc: draft.bcc,
    subject: draft.subject,
    html,
    text: plainTextOf(html),
    messageId: angle(messageId),
    date,
    ...(draft.inReplyTo ? { inReplyTo: angle(draft.inReplyTo) } : {}),
    ...(draft.references.length ? { references: draft.references.map(angle) } : {}),
    attachments: draft.attachments.map((a) => ({ filename: a.filename, contentType: a.contentType, content: a.content })),
  });
  const node = composer.compile();
  node.keepBcc = true;
  return node.build();
}
