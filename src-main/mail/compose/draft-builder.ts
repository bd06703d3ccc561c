// A new draft's starting point, as Gmail and Outlook fill it in: who a reply goes to (Reply-To,
// else From; reply all adds To and Cc, never the rep's own address), "Re:"/"Fwd:" once, the
// quoted original with its attribution line, In-Reply-To and References (RFC 5322 §3.6.4),
// the signature, and for a forward the original's attachments.
import PostalMime from 'postal-mime';
import type { Account, MessageRecord } from '../../store/types.ts';
import type { ComposeModeName, DraftAttachmentContent, DraftRecipient, NewDraft } from '../../store/draft-repository.ts';
import { cleanHtml, escapeHtml } from './outgoing-html.ts';

const RE = /^\s*(re|aw|sv|antw)\s*:/i;
const FWD = /^\s*(fwd?|wg|tr)\s*:/i;

export function replySubject(subject: string): string {
  return RE.test(subject) ? subject.trim() : `Re: ${subject.trim()}`;
}

export function forwardSubject(subject: string): string {
  return FWD.test(subject) ? subject.trim() : `Fwd: ${subject.trim()}`;
}

const people = (m: MessageRecord, role: string): DraftRecipient[] =>
  m.participants.filter((p) => p.role === role).map((p) => ({ address: p.address, name: p.name }));

/** To and Cc of a reply (all) to `source`, the rep's own address and duplicates left out. */
export function replyRecipients(source: MessageRecord, ownAddress: string, all: boolean): { to: DraftRecipient[]; cc: DraftRecipient[] } {
  const own = ownAddress.toLowerCase();
  const replyTo = people(source, 'reply_to');
  const sender = replyTo.length ? replyTo : source.from ? [{ address: source.from.address, name: source.from.name }] : [];
  // A reply to one's own sent message goes to its recipients, as Gmail does.
  const fromSelf = sender.every((p) => p.address === own);
  const seen = new Set<string>([own]);
  const take = (list: DraftRecipient[]) => list.filter((p) => p.address && !seen.has(p.address) && seen.add(p.address));
  const to = take(fromSelf ? people(source, 'to') : sender);
  if (!all) return { to: to.length ? to : take(people(source, 'to')).slice(0, 1), cc: [] };
  const cc = take([...(fromSelf ? [] : people(source, 'to')), ...people(source, 'cc')]);
  return { to, cc };
}

const formatDate = (ms: number) =>
  new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' }).format(ms) + ' UTC';

const nameAndAddress = (p: { name: string; address: string } | null) =>
  p ? escapeHtml(p.name ? `${p.name} <${p.address}>` : p.address) : 'unknown sender';

/** The original as HTML, cleaned: its HTML body, else its text with line breaks kept. */
function originalBody(source: MessageRecord): string {
  return source.html ? cleanHtml(source.html) : `<p>${escapeHtml(source.text).replace(/\n/g, '<br>')}</p>`;
}

export function quotedOriginal(mode: ComposeModeName, source: MessageRecord): string {
  const when = formatDate(source.date ?? source.receivedAt);
  if (mode === 'forward') {
    const to = people(source, 'to').map(nameAndAddress).join(', ');
    return `<p>---------- Forwarded message ---------<br>From: ${nameAndAddress(source.from)}<br>Date: ${when}<br>Subject: ${escapeHtml(source.subject)}<br>To: ${to}</p>${originalBody(source)}`;
  }
  return `<p>On ${when}, ${nameAndAddress(source.from)} wrote:</p><blockquote>${originalBody(source)}</blockquote>`;
}

/** The signature below the rep's text ("-- " delimiter, RFC 3676 §4.3), or "". */
export function signatureHtml(signature: string | undefined): string {
  if (!signature?.trim()) return '';
  return `<p></p><p>-- <br>${escapeHtml(signature.trim()).replace(/\n/g, '<br>')}</p>`;
}

/** The References of `source` as its own header lists them (parsed again from the stored source). */
async function referencesOf(source: MessageRecord): Promise<string[]> {
  if (!source.raw.byteLength) return [];
  const email = await PostalMime.parse(source.raw);
  return (email.references ?? '').split(/\s+/).map((r) => r.replace(/^<|>$/g, '')).filter(Boolean);
}

/** The original's attachments, decoded, for a forward. */
export async function forwardedAttachments(source: MessageRecord): Promise<DraftAttachmentContent[]> {
  if (!source.attachments.length || !source.raw.byteLength) return [];
  const email = await PostalMime.parse(source.raw, { attachmentEncoding: 'arraybuffer' });
  return email.attachments.map((a, i) => ({
    filename: a.filename || `attachment-${i + 1}`,
    contentType: a.mimeType || 'application/octet-stream',
    content: Buffer.from(typeof a.content === 'string' ? new TextEncoder().encode(a.content) : new Uint8Array(a.content)),
  }));
}

/** The draft for `mode` in `account`; `source` is required for every mode but new; `logToCrm` the toggle's default. */
export async function startDraft(
  mode: ComposeModeName,
  account: Account,
  source: MessageRecord | null,
  options: { signature?: string | undefined; logToCrm: boolean },
): Promise<NewDraft> {
  const base = { accountId: account.id, mode, html: `<p></p>${signatureHtml(options.signature)}`, bcc: [] as DraftRecipient[], logToCrm: options.logToCrm };
  if (!source || mode === 'new') {
    return { ...base, mode: 'new', sourceMessageId: null, threadId: null, to: [], cc: [], subject: '', quotedHtml: '', inReplyTo: null, references: [] };
  }
  if (mode === 'forward') {
    return { ...base, sourceMessageId: source.id, threadId: null, to: [], cc: [], subject: forwardSubject(source.subject), quotedHtml: quotedOriginal(mode, source), inReplyTo: null, references: [] };
  }
  const references = [...(await referencesOf(source)), ...(source.messageId ? [source.messageId] : [])];
  return {
    ...base,
    sourceMessageId: source.id,
    threadId: source.threadId,
    ...replyRecipients(source, account.email, mode === 'reply-all'),
    subject: replySubject(source.subject),
    quotedHtml: quotedOriginal(mode, source),
    inReplyTo: source.messageId,
    references: [...new Set(references)],
  };
}
