// POST /me/sendMail in both of Graph's forms: a base64 MIME message (Content-Type text/plain),
// stored byte for byte with the client's Message-ID, or JSON {message, saveToSentItems}
// composed into MIME. The Sent Items copy joins the conversation its In-Reply-To/References name.
// Source: https://learn.microsoft.com/en-us/graph/api/user-sendmail
import MailComposer from 'nodemailer/lib/mail-composer';
import { headerValue, parseHeaders, splitHeaderBody } from '../gmail/mime.ts';
import { badRequest, type GraphApiError } from './graph-errors.ts';
import { recipients } from './message-resource.ts';
import { json, type ApiContext, type ApiRequest, type ApiResult } from './api-common.ts';

interface GraphRecipientInput {
  emailAddress?: { address?: string; name?: string };
}

interface SendMailInput {
  message?: {
    subject?: string;
    body?: { contentType?: string; content?: string };
    toRecipients?: GraphRecipientInput[];
    ccRecipients?: GraphRecipientInput[];
    bccRecipients?: GraphRecipientInput[];
    replyTo?: GraphRecipientInput[];
    internetMessageHeaders?: { name: string; value: string }[];
  };
  saveToSentItems?: boolean | string;
}

/**
 * 202 with no body; the message lands in Sent Items (read) unless JSON saveToSentItems is
 * false. Errors: 400 ErrorMimeContentInvalidBase64String ("Invalid base64 string for MIME
 * content.", the reference's wording) for a body that is not base64 of a MIME message;
 * 400 ErrorInvalidRecipients without a To/Cc/Bcc address.
 */
export async function sendMail(ctx: ApiContext, req: ApiRequest): Promise<ApiResult> {
  const body = await req.body();
  const type = String(req.headers['content-type'] ?? '').toLowerCase();
  const { raw, save } = type.startsWith('text/plain') ? { raw: fromMime(body), save: true } : await fromJson(ctx, body);
  const stored = save
    ? ctx.mailbox.add(raw, ctx.mailbox.folder('sentitems')!, { isRead: true, receivedMs: Date.now(), referencesOnly: true })
    : null;
  return { status: 202, sent: { raw, id: stored?.immutableId ?? null } };
}

/**
 * A base64 MIME body (sendMail's and POST /messages' text/plain form) → the RFC 5322 bytes,
 * given a Message-ID when it has none. Errors: 400 ErrorMimeContentInvalidBase64String,
 * 400 ErrorInvalidRecipients without a To/Cc/Bcc address.
 */
export function fromMime(body: Buffer): Buffer {
  const text = body.toString('latin1').replace(/\s+/g, '');
  if (!text || !/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.replace(/=+$/, '').length % 4 === 1) throw invalidMime();
  let raw = Buffer.from(text, 'base64');
  const { head } = splitHeaderBody(raw);
  if (!/^[!-9;-~]+:/.test(raw.toString('latin1', 0, 200))) throw invalidMime();
  const headers = parseHeaders(head);
  const addresses = ['to', 'cc', 'bcc'].flatMap((h) => recipients(headerValue(headers, h))).filter((r) => r.emailAddress.address);
  if (!addresses.length) throw invalidRecipients();
  // Exchange gives a message without a Message-ID one; a client's own is kept as it is.
  if (!headerValue(headers, 'message-id')) raw = Buffer.concat([Buffer.from(`Message-ID: <${crypto.randomUUID()}@emulator.graph.test>\r\n`), raw]);
  return raw;
}

async function fromJson(ctx: ApiContext, body: Buffer): Promise<{ raw: Buffer; save: boolean }> {
  const input = json(body) as SendMailInput;
  const m = input.message;
  if (!m || typeof m !== 'object') throw badRequest("The 'message' parameter is required.", 'ErrorInvalidParameter');
  const save = input.saveToSentItems !== false && input.saveToSentItems !== 'false';
  const list = (r: GraphRecipientInput[] | undefined): { name: string; address: string }[] =>
    (r ?? []).map((x) => ({ name: x.emailAddress?.name ?? '', address: x.emailAddress?.address ?? '' }));
  const to = list(m.toRecipients);
  const cc = list(m.ccRecipients);
  const bcc = list(m.bccRecipients);
  if (![...to, ...cc, ...bcc].length) throw invalidRecipients();
  if ([...to, ...cc, ...bcc].some((r) => !/^[^\s@]+@[^\s@]+$/.test(r.address))) throw badRequest('Invalid recipients.', 'ErrorInvalidRecipients');
  const html = m.body?.contentType?.toLowerCase() === 'html';
  const mime = new MailComposer({
    from: { name: ctx.user.displayName, address: ctx.user.mail },
    to, cc, bcc,
    replyTo: list(m.replyTo),
    subject: m.subject ?? '',
    date: new Date(),
    messageId: `<${crypto.randomUUID()}@emulator.graph.test>`,
    ...(html ? { html: m.body?.content ?? '' } : { text: m.body?.content ?? '' }),
    headers: Object.fromEntries((m.internetMessageHeaders ?? []).map((h) => [h.name, h.value])),
  }).compile();
  mime.keepBcc = true; // Exchange keeps Bcc on the Sent Items copy
  return { raw: await mime.build(), save };
}

const invalidMime = (): GraphApiError => badRequest('Invalid base64 string for MIME content.', 'ErrorMimeContentInvalidBase64String');

const invalidRecipients = (): GraphApiError =>
  badRequest('At least one recipient is required, but none were found.', 'ErrorInvalidRecipients');
