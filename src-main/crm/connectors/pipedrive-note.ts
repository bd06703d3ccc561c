// A logged email as a Pipedrive note, and the way back. Pipedrive's Mailbox API is read-only,
// so an email becomes a Note whose HTML content carries a header (direction, subject, from, to,
// cc, date), the body, and a one-line footer "Logged by Mailbridge · ref <idempotency key>".
// Why a visible footer: note content is "in HTML format. Subject to sanitization on the
// back-end" (openapi/upstream/v1.yaml, POST /notes, in github.com/juhokoskela/pipedrive-go),
// and what the sanitiser keeps is not documented — text survives it, attributes may not.
import type { EmailActivity, EmailDirection } from '../types.ts';

/** The footer's words before the key. */
export const MARKER_TEXT = 'Logged by Mailbridge · ref';
/** Characters of body text kept in a note (Pipedrive states no cap; this keeps a note readable). */
export const MAX_BODY_CHARS = 65_536;

const HEADLINE: Record<EmailDirection, string> = { incoming: 'Email received', outgoing: 'Email sent', forwarded: 'Email forwarded' };

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

function addressList(addresses: readonly { address: string; name: string }[]): string {
  return addresses.map((a) => (a.name.trim() ? `${a.name.trim()} <${a.address}>` : a.address)).join(', ');
}

/** "2001-05-14 16:39:00": UTC, the format of a note's add_time (v1 POST /notes). */
export function noteTime(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}

/**
 * The note's HTML: `<p><b>Email received: <subject></b></p>`, a paragraph of From/To/Cc/Date,
 * the body as paragraphs (the plain-text part; an HTML-only mail is reduced to its text, since
 * Pipedrive sanitises markup anyway), cut at MAX_BODY_CHARS, then the footer with the key.
 */
export function noteContent(activity: EmailActivity): string {
  const meta = [
    `From: ${addressList([activity.from])}`,
    ...(activity.to.length ? [`To: ${addressList(activity.to)}`] : []),
    ...(activity.cc.length ? [`Cc: ${addressList(activity.cc)}`] : []),
    `Date: ${noteTime(activity.timestamp)} UTC`,
  ];
  let body = activity.text.trim() || (activity.html ? htmlToLines(activity.html).join('\n') : '');
  if (body.length > MAX_BODY_CHARS) body = `${body.slice(0, MAX_BODY_CHARS)}\n[…truncated by Mailbridge]`;
  const paragraphs = body.split(/\r?\n\s*\r?\n/).map((p) => p.trim()).filter(Boolean)
    .map((p) => `<p>${p.split(/\r?\n/).map(escapeHtml).join('<br>')}</p>`);
  return [
    `<p><b>${escapeHtml(`${HEADLINE[activity.direction]}: ${activity.subject}`)}</b></p>`,
    `<p>${meta.map(escapeHtml).join('<br>')}</p>`,
    ...paragraphs,
    `<p>${escapeHtml(`${MARKER_TEXT} ${activity.idempotencyKey}`)}</p>`,
  ].join('\n');
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', middot: '·' };

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (whole, name: string) => {
    if (name[0] === '#') {
      const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return ENTITIES[name.toLowerCase()] ?? whole;
  });
}

/** HTML as trimmed, non-empty text lines: block ends and <br> break lines, other tags vanish. */
export function htmlToLines(html: string): string[] {
  const text = html
    .replace(/<(script|style|head)\b[\s\S]*?<\/\1\s*>/gi, '')
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/<br\s*\/?>|<\/(p|div|li|h[1-6]|tr|blockquote|pre)\s*>|<hr\s*\/?>/gi, '\n')
    .replace(/<[^>]*>/g, '');
  return decodeEntities(text).split(/\r?\n/).map((line) => line.trim()).filter(Boolean);
}

/**
 * Reads a note back: the subject (the headline after "Email received: " and its kin; for a note
 * written elsewhere, its first line, at most 200 characters) and the idempotency key from the
 * last footer in the content (null when there is none).
 */
export function readNote(content: string | null | undefined): { subject: string; idempotencyKey: string | null } {
  const lines = htmlToLines(content ?? '');
  const first = lines[0] ?? '';
  const headline = /^Email (?:received|sent|forwarded):\s?(.*)$/.exec(first);
  const text = lines.join('\n');
  let key: string | null = null;
  for (const match of text.matchAll(/Logged by Mailbridge\s*·?\s*ref\s+(\S+)/g)) key = match[1]!;
  return { subject: headline ? headline[1]! : first.slice(0, 200), idempotencyKey: key };
}
