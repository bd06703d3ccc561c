// Gmail API v1 request handlers over a GmailMailbox: route matching (method id for quota and
// counters) and the JSON each method answers, field for field as the REST reference shows.
// Source: https://developers.google.com/gmail/api/reference/rest (discovery rev 20240520)
import { badRequest, GoogleApiError, notFound } from './google-errors.ts';
import type { HistoryType } from './history.ts';
import { attachmentId, refOf, type GmailMailbox, type StoredMessage } from './mailbox.ts';
import { headerValue, parseHeaders, parseParams, splitHeaderBody, splitMultipart } from './mime.ts';

export interface ApiRequest {
  httpMethod: string;
  /** Path segments after /gmail/v1/users/{userId}/ (or the upload prefix). */
  segments: string[];
  query: URLSearchParams;
  upload: boolean;
  headers: Record<string, string | string[] | undefined>;
  body: () => Promise<Buffer>;
}

export interface ApiResult {
  status: number;
  body?: unknown;
  /** The message a messages.send call stored (for the send ledger and the commit-then-drop fault). */
  sent?: StoredMessage;
}

export interface Route {
  /** googleapis method id, e.g. "gmail.users.messages.get". */
  method: string;
  run(mailbox: GmailMailbox, profileEmail: string): Promise<ApiResult> | ApiResult;
}

const HISTORY_TYPES = new Set<HistoryType>(['messageAdded', 'messageDeleted', 'labelAdded', 'labelRemoved']);

/** The route for a request, or null (the caller answers 404). */
export function route(req: ApiRequest): Route | null {
  const [a, b, c, d] = req.segments;
  const n = req.segments.length;
  const get = req.httpMethod === 'GET';
  const post = req.httpMethod === 'POST';
  const q = req.query;
  if (req.upload) {
    return post && a === 'messages' && b === 'send' && n === 2 ? { method: 'gmail.users.messages.send', run: (m) => send(m, req) } : null;
  }
  if (get && a === 'profile' && n === 1) {
    return { method: 'gmail.users.getProfile', run: (m, email) => ok({
      emailAddress: email, messagesTotal: m.size, threadsTotal: m.threadCount, historyId: String(m.history.current) }) };
  }
  if (get && a === 'labels' && n === 1) return { method: 'gmail.users.labels.list', run: (m) => ok({ labels: m.labels.list() }) };
  if (get && a === 'labels' && n === 2) {
    return { method: 'gmail.users.labels.get', run: (m) => {
      const label = m.labels.get(b!);
      if (!label) throw notFound();
      return ok({ ...label, messagesTotal: m.labels.count(label.id) });
    } };
  }
  if (get && a === 'history' && n === 1) return { method: 'gmail.users.history.list', run: (m) => history(m, q) };
  if (get && a === 'threads' && n === 2) return { method: 'gmail.users.threads.get', run: (m) => thread(m, b!, q) };
  if (a !== 'messages') return null;
  if (get && n === 1) return { method: 'gmail.users.messages.list', run: (m) => list(m, q) };
  if (post && n === 2 && b === 'send') return { method: 'gmail.users.messages.send', run: (m) => send(m, req) };
  if (post && n === 2 && b === 'batchModify') return { method: 'gmail.users.messages.batchModify', run: async (m) => batchModify(m, json(await req.body())) };
  if (get && n === 2) return { method: 'gmail.users.messages.get', run: (m) => ok(message(m, find(m, b!), format(q, true), q.getAll('metadataHeaders'))) };
  if (req.httpMethod === 'DELETE' && n === 2) {
    return { method: 'gmail.users.messages.delete', run: (m) => (m.delete(find(m, b!).id), { status: 204 }) };
  }
  if (get && n === 4 && c === 'attachments') return { method: 'gmail.users.messages.attachments.get', run: (m) => attachment(m, b!, d!) };
  if (post && n === 3 && c === 'modify') {
    return { method: 'gmail.users.messages.modify', run: async (m) => {
      const body = json(await req.body()) as { addLabelIds?: string[]; removeLabelIds?: string[] };
      return changeLabels(m, b!, body.addLabelIds ?? [], body.removeLabelIds ?? []);
    } };
  }
  if (post && n === 3 && c === 'trash') return { method: 'gmail.users.messages.trash', run: (m) => changeLabels(m, b!, ['TRASH'], []) };
  if (post && n === 3 && c === 'untrash') return { method: 'gmail.users.messages.untrash', run: (m) => changeLabels(m, b!, [], ['TRASH']) };
  return null;
}

const ok = (body: unknown): ApiResult => ({ status: 200, body });

function find(mailbox: GmailMailbox, id: string): StoredMessage {
  if (!/^[0-9a-f]{1,16}$/.test(id)) throw badRequest('Invalid id value');
  const message = mailbox.get(id);
  if (!message) throw notFound();
  return message;
}

type Format = 'minimal' | 'metadata' | 'full' | 'raw';

function format(q: URLSearchParams, rawAllowed: boolean): Format {
  const value = (q.get('format') ?? 'full').toLowerCase();
  const allowed = rawAllowed ? ['minimal', 'metadata', 'full', 'raw'] : ['minimal', 'metadata', 'full'];
  if (!allowed.includes(value)) throw badRequest(`Invalid value at 'format' (${value})`);
  return value as Format;
}

function maxResults(q: URLSearchParams): number {
  const raw = q.get('maxResults');
  if (raw === null) return 100;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw badRequest(`Invalid value at 'max_results' (${raw})`);
  return Math.min(n, 500);
}

function pageCursor(q: URLSearchParams, prefix: string): string | null {
  const token = q.get('pageToken');
  if (!token) return null;
  const decoded = Buffer.from(token, 'base64url').toString();
  if (!decoded.startsWith(prefix)) throw badRequest('Invalid pageToken');
  return decoded.slice(prefix.length);
}

const pageToken = (prefix: string, cursor: string): string => Buffer.from(prefix + cursor).toString('base64url');

/** users.messages.get: Message in `format`; metadataHeaders filters headers (case-insensitive) for metadata. */
export function message(mailbox: GmailMailbox, m: StoredMessage, fmt: Format, metadataHeaders: string[] = []): Record<string, unknown> {
  const out: Record<string, unknown> = { id: m.id, threadId: m.threadId };
  if (m.labelIds.size) out.labelIds = [...m.labelIds];
  out.snippet = mailbox.snippet(m);
  out.sizeEstimate = m.raw.length;
  if (fmt === 'raw') out.raw = mailbox.base64url(m);
  if (fmt === 'metadata') {
    const tree = mailbox.tree(m);
    const wanted = new Set(metadataHeaders.map((h) => h.toLowerCase()));
    const headers = wanted.size ? tree.payload.headers.filter((h) => wanted.has(h.name.toLowerCase())) : tree.payload.headers;
    out.payload = { mimeType: tree.payload.mimeType, headers };
  }
  if (fmt === 'full') out.payload = mailbox.tree(m).payload;
  out.historyId = String(m.historyId);
  out.internalDate = String(m.internalDate);
  return out;
}

/**
 * messages.list. Of the search syntax (`q`) only `rfc822msgid:<Message-ID>` is served (angle
 * brackets optional), the operator a client needs to find a message it sent; any other query
 * answers 400 rather than being ignored. Source: https://support.google.com/mail/answer/7190
 */
function list(mailbox: GmailMailbox, q: URLSearchParams): ApiResult {
  const among = searchQuery(mailbox, q.get('q'));
  const labelIds = q.getAll('labelIds');
  for (const l of labelIds) if (!mailbox.labels.has(l)) throw badRequest(`Invalid label: ${l}`);
  const includeSpamTrash = q.get('includeSpamTrash') === 'true';
  const page = mailbox.list(pageCursor(q, 'm:'), maxResults(q), labelIds, includeSpamTrash, among);
  const body: Record<string, unknown> = {};
  if (page.ids.length) body.messages = page.ids.map((id) => ({ id, threadId: mailbox.get(id)!.threadId }));
  if (page.more) body.nextPageToken = pageToken('m:', page.ids[page.ids.length - 1]!);
  body.resultSizeEstimate = among
    ? mailbox.list(null, among.length, labelIds, includeSpamTrash, among).ids.length
    : mailbox.estimate(labelIds, includeSpamTrash);
  return ok(body);
}

/** The candidate ids of a `q` (newest first), or undefined for no query. */
function searchQuery(mailbox: GmailMailbox, query: string | null): string[] | undefined {
  if (query === null || !query.trim()) return undefined;
  const match = /^\s*rfc822msgid:\s*"?<?([^\s<>"]+)>?"?\s*$/i.exec(query);
  if (!match) throw badRequest(`The emulator serves only the rfc822msgid: search operator, not: ${query}`);
  return mailbox.withMessageId(match[1]!);
}

function thread(mailbox: GmailMailbox, id: string, q: URLSearchParams): ApiResult {
  if (!/^[0-9a-f]{1,16}$/.test(id)) throw badRequest('Invalid id value');
  const ids = mailbox.thread(id);
  if (!ids) throw notFound();
  const fmt = format(q, false);
  const messages = ids.map((mid) => mailbox.get(mid)!);
  return ok({
    id,
    historyId: String(Math.max(...messages.map((m) => m.historyId))),
    messages: messages.map((m) => message(mailbox, m, fmt, q.getAll('metadataHeaders'))),
  });
}

function history(mailbox: GmailMailbox, q: URLSearchParams): ApiResult {
  const startRaw = q.get('startHistoryId');
  if (!startRaw || !/^\d+$/.test(startRaw)) throw badRequest('Invalid startHistoryId');
  const start = Number(startRaw);
  if (!mailbox.history.covers(start)) throw notFound();
  const types = q.getAll('historyTypes');
  for (const t of types) if (!HISTORY_TYPES.has(t as HistoryType)) throw badRequest(`Invalid value at 'history_types' (${t})`);
  const cursor = pageCursor(q, 'h:');
  const page = mailbox.history.page(cursor === null ? start : Number(cursor), maxResults(q),
    types.length ? new Set(types as HistoryType[]) : null, q.get('labelId'));
  const body: Record<string, unknown> = {};
  if (page.records.length) body.history = page.records.map((r) => ({ ...r, id: String(r.id) }));
  if (page.nextAfter !== null) body.nextPageToken = pageToken('h:', String(page.nextAfter));
  body.historyId = String(mailbox.history.current);
  return ok(body);
}

function attachment(mailbox: GmailMailbox, messageId: string, id: string): ApiResult {
  const m = find(mailbox, messageId);
  const partId = Buffer.from(id, 'base64url').toString().split('/')[1];
  const leaf = partId === undefined || attachmentId(m.id, partId) !== id ? undefined : mailbox.tree(m).leaves.get(partId);
  if (!leaf) throw notFound();
  return ok({ attachmentId: id, size: leaf.bytes.length, data: leaf.bytes.toString('base64url') });
}

function changeLabels(mailbox: GmailMailbox, id: string, add: string[], remove: string[]): ApiResult {
  find(mailbox, id);
  checkLabels(mailbox, add, remove);
  const m = mailbox.modify(id, add, remove)!;
  return ok({ id: m.id, threadId: m.threadId, labelIds: [...m.labelIds] });
}

function checkLabels(mailbox: GmailMailbox, add: unknown, remove: unknown): void {
  for (const list of [add, remove]) {
    if (list !== undefined && !(Array.isArray(list) && list.every((l) => typeof l === 'string'))) throw badRequest('Invalid label list');
    for (const l of (list ?? []) as string[]) if (!mailbox.labels.has(l)) throw badRequest(`Invalid label: ${l}`);
  }
}

/**
 * messages.batchModify: at most 1,000 ids, every label checked before any change, one
 * history record per message that changed; ids of messages that no longer exist are
 * skipped (Gmail answers success for them too). 204, empty body.
 * Source: https://developers.google.com/gmail/api/reference/rest/v1/users.messages/batchModify
 */
function batchModify(mailbox: GmailMailbox, body: unknown): ApiResult {
  const { ids, addLabelIds, removeLabelIds } = body as { ids?: unknown; addLabelIds?: unknown; removeLabelIds?: unknown };
  if (ids !== undefined && !(Array.isArray(ids) && ids.every((id) => typeof id === 'string'))) throw badRequest('Invalid ids');
  const list = (ids ?? []) as string[];
  if (list.length > 1000) throw badRequest('Number of ids cannot exceed 1000');
  for (const id of list) if (!/^[0-9a-f]{1,16}$/.test(id)) throw badRequest('Invalid id value');
  checkLabels(mailbox, addLabelIds, removeLabelIds);
  for (const id of new Set(list)) mailbox.modify(id, (addLabelIds ?? []) as string[], (removeLabelIds ?? []) as string[]);
  return { status: 204 };
}

/** messages.send: JSON `{raw, threadId?}`, or /upload with uploadType=media|multipart. */
async function send(mailbox: GmailMailbox, req: ApiRequest): Promise<ApiResult> {
  const body = await req.body();
  let raw: Buffer;
  let threadId: string | undefined;
  const type = String(req.headers['content-type'] ?? '');
  if (!req.upload) {
    const resource = json(body) as { raw?: unknown; threadId?: unknown };
    if (!resource.raw) throw badRequest("'raw' RFC822 payload message string or uploading message via /upload/* URL required");
    raw = bytesField(resource.raw, 'message.raw');
    threadId = typeof resource.threadId === 'string' && resource.threadId ? resource.threadId : undefined;
  } else if (req.query.get('uploadType') === 'multipart' || type.startsWith('multipart/')) {
    const boundary = parseParams(type).params.get('boundary');
    const parts = boundary ? splitMultipart(body, boundary) : [];
    if (parts.length !== 2) throw badRequest('Multipart upload needs a JSON part and a message part');
    const resource = json(splitHeaderBody(parts[0]!).body) as { threadId?: string };
    threadId = resource.threadId;
    raw = splitHeaderBody(parts[1]!).body;
  } else if (!req.query.get('uploadType') || req.query.get('uploadType') === 'media') {
    raw = body;
  } else {
    throw badRequest(`Unsupported uploadType: ${req.query.get('uploadType')}`);
  }
  const headers = parseHeaders(splitHeaderBody(raw).head);
  if (!['to', 'cc', 'bcc'].some((h) => headerValue(headers, h)?.includes('@'))) throw badRequest('Recipient address required');
  const m = mailbox.add(raw, ['SENT'], { internalDate: Date.now(), ...(threadId ? { threadId } : {}) });
  return { status: 200, body: { id: m.id, threadId: m.threadId, labelIds: refOf(m).labelIds }, sent: m };
}

/**
 * A proto `bytes` field in JSON: standard or URL-safe base64, padding optional (the proto3
 * JSON mapping, https://protobuf.dev/programming-guides/json/). Anything else answers 400 as
 * Google's JSON transcoding does.
 */
function bytesField(value: unknown, field: string): Buffer {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  if (typeof value !== 'string' || !/^[A-Za-z0-9+/_-]*={0,2}$/.test(text) || text.replace(/=+$/, '').length % 4 === 1) {
    throw new GoogleApiError(400, `Invalid value at '${field}' (TYPE_BYTES), Base64 decoding failed for "${text.slice(0, 40)}"`, 'invalid');
  }
  return Buffer.from(text, 'base64');
}

function json(body: Buffer): unknown {
  try {
    return body.length ? JSON.parse(body.toString('utf8')) : {};
  } catch {
    throw badRequest('Invalid JSON payload received.');
  }
}
