// Microsoft Graph v1.0 mail request handlers over a GraphMailbox: route matching (a route
// name for stats) and the JSON each call answers, field for field as the v1.0 reference shows.
// Source: https://learn.microsoft.com/en-us/graph/api/resources/mail-api-overview?view=graph-rest-1.0
import MailComposer from 'nodemailer/lib/mail-composer';
import { badRequest, itemNotFound, malformedId, GraphApiError, invalidSyncState } from './graph-errors.ts';
import { deltaPage, latestDeltaLink, type DeltaTokens } from './delta.ts';
import { ID_PATTERN, type GraphFolder, type GraphMailbox, type GraphMessage } from './mailbox.ts';
import { FOLDER_PROPERTIES, MESSAGE_PROPERTIES, folderObject, messageText, parseSelect, type MessageView } from './resources.ts';

/** The signed-in user as GET /me shows them. */
export interface GraphUser {
  id: string;
  displayName: string;
  mail: string;
  userPrincipalName: string;
}

export interface ApiRequest {
  httpMethod: string;
  /** Path segments after /v1.0/, decoded, with OData keys split out: mailFolders('x') → mailFolders, x. */
  segments: string[];
  query: URLSearchParams;
  headers: Record<string, string | string[] | undefined>;
  body: () => Promise<Buffer>;
}

export interface ApiContext {
  mailbox: GraphMailbox;
  tokens: DeltaTokens;
  user: GraphUser;
  /** https://host:port/v1.0 */
  base: string;
  /** Delta page size without a Prefer header, and the cap on any page size. */
  deltaPageSize: number;
  maxPageSize: number;
}

export interface ApiResult {
  status: number;
  /** JSON text, or raw bytes with `contentType`. */
  json?: string;
  bytes?: Buffer;
  contentType?: string;
  headers?: Record<string, string>;
  /** Messages returned (delta and list pages), for throughput stats. */
  items?: number;
}

export interface Route {
  /** e.g. "messages.delta", "messages.value", "mailFolders.list". */
  name: string;
  run(ctx: ApiContext): Promise<ApiResult> | ApiResult;
}

const ok = (body: unknown, items?: number): ApiResult => ({ status: 200, json: JSON.stringify(body), ...(items === undefined ? {} : { items }) });

/** Splits "/v1.0/me/mailFolders('AAMk…')/messages" style paths into segments. */
export function pathSegments(path: string): string[] {
  const out: string[] = [];
  for (const raw of path.split('/').filter(Boolean)) {
    const decoded = decodeURIComponent(raw);
    const key = /^([^(]+)\('([^']*)'\)$/.exec(decoded);
    if (key) out.push(key[1]!, key[2]!);
    else out.push(decoded);
  }
  return out;
}

/** The route for a request under /v1.0, or null (the caller answers 400 for the segment). */
export function route(req: ApiRequest): Route | null {
  const s = req.segments;
  const lower = s.map((x) => x.toLowerCase());
  // /me/… or /users/{id | userPrincipalName}/… — the emulator serves one mailbox.
  const rest = lower[0] === 'me' ? 1 : lower[0] === 'users' && s.length >= 2 ? 2 : -1;
  if (rest < 0) return null;
  const seg = s.slice(rest);
  const low = lower.slice(rest);
  const n = seg.length;
  const m = req.httpMethod;
  const q = req.query;
  if (n === 0 && m === 'GET') return { name: 'me.get', run: (ctx) => me(ctx, q) };
  if (low[0] === 'sendmail' && n === 1 && m === 'POST') return { name: 'sendMail', run: (ctx) => sendMail(ctx, req) };
  if (low[0] === 'mailfolders') {
    if (seg.length === 1 && m === 'GET') return { name: 'mailFolders.list', run: (ctx) => folderList(ctx, ctx.mailbox.root, q, 'mailFolders') };
    // mailFolders/{a}/childFolders/{b}/… addresses folder b (which must be a child of a).
    let parentRef: string | null = null;
    while (low[2] === 'childfolders' && seg.length >= 4) {
      parentRef = seg[1]!;
      seg.splice(1, 2);
      low.splice(1, 2);
    }
    const k = seg.length;
    const folderRef = seg[1]!;
    const folder = (ctx: ApiContext, ref: string): GraphFolder => {
      const found = folderOf(ctx, ref);
      if (parentRef !== null && ref === folderRef && found.parentFolderId !== folderOf(ctx, parentRef).id) throw itemNotFound();
      return found;
    };
    if (k === 2 && m === 'GET') return { name: 'mailFolders.get', run: (ctx) => ok(withContext(ctx, 'mailFolders/$entity', folderObject(folder(ctx, folderRef), select(q, 'folder')))) };
    if (k === 3 && low[2] === 'childfolders' && m === 'GET') {
      return { name: 'mailFolders.childFolders', run: (ctx) => folderList(ctx, folder(ctx, folderRef), q, `mailFolders('${folderRef}')/childFolders`) };
    }
    if (low[2] !== 'messages') return null;
    if (k === 3 && m === 'GET') return { name: 'messages.list', run: (ctx) => messageList(ctx, folder(ctx, folderRef), q, req.headers) };
    if (k === 4 && /^(microsoft\.graph\.)?delta(\(\))?$/.test(low[3]!) && m === 'GET') return { name: 'messages.delta', run: (ctx) => delta(ctx, folder(ctx, folderRef), req) };
    return messageRoutes(seg.slice(3), low.slice(3), req, (ctx) => folder(ctx, folderRef));
  }
  if (low[0] === 'messages') {
    if (n === 1 && m === 'GET') return { name: 'messages.list', run: (ctx) => messageList(ctx, null, q, req.headers) };
    return messageRoutes(seg.slice(1), low.slice(1), req, null);
  }
  return null;
}

/** /messages/{id}, /messages/{id}/$value, /messages/{id}/move (under /me or a folder). */
function messageRoutes(seg: string[], low: string[], req: ApiRequest, inFolder: ((ctx: ApiContext) => GraphFolder) | null): Route | null {
  const id = seg[0];
  if (!id) return null;
  const m = req.httpMethod;
  const n = seg.length;
  const find = (ctx: ApiContext): GraphMessage => message(ctx, id, inFolder);
  if (n === 1 && m === 'GET') return { name: 'messages.get', run: (ctx) => messageGet(ctx, find(ctx), req.query, req.headers) };
  if (n === 2 && low[1] === '$value' && m === 'GET') {
    // Graph answers the MIME content as text/plain (https://learn.microsoft.com/en-us/graph/outlook-get-mime-message).
    return { name: 'messages.value', run: (ctx) => ({ status: 200, bytes: find(ctx).raw, contentType: 'text/plain' }) };
  }
  if (n === 1 && m === 'PATCH') {
    return { name: 'messages.update', run: async (ctx) => {
      const target = find(ctx);
      const patch = json(await req.body()) as { isRead?: unknown };
      for (const key of Object.keys(patch)) if (key !== 'isRead') throw badRequest(`The emulator cannot update '${key}'.`);
      if (patch.isRead !== undefined) {
        if (typeof patch.isRead !== 'boolean') throw badRequest("Invalid value for 'isRead'.");
        ctx.mailbox.setRead(target.id, patch.isRead);
      }
      return messageGet(ctx, target, new URLSearchParams(), req.headers);
    } };
  }
  if (n === 1 && m === 'DELETE') {
    // DELETE moves the message to Deleted Items (https://learn.microsoft.com/en-us/graph/api/message-delete).
    return { name: 'messages.delete', run: (ctx) => {
      const target = find(ctx);
      const deleted = ctx.mailbox.folder('deleteditems')!;
      if (target.folderId === deleted.id) ctx.mailbox.delete(target.id);
      else ctx.mailbox.move(target.id, deleted);
      return { status: 204 };
    } };
  }
  if (n === 2 && low[1] === 'move' && m === 'POST') {
    return { name: 'messages.move', run: async (ctx) => {
      const target = find(ctx);
      const { destinationId } = json(await req.body()) as { destinationId?: unknown };
      if (typeof destinationId !== 'string') throw badRequest("The parameter 'destinationId' is required.", 'ErrorInvalidParameter');
      const moved = ctx.mailbox.move(target.id, folderOf(ctx, destinationId))!;
      const { view, applied } = preferences(req.headers, ctx.maxPageSize);
      return { status: 201, json: messageText(ctx.mailbox, moved, null, view), headers: applied };
    } };
  }
  return null;
}

function me(ctx: ApiContext, q: URLSearchParams): ApiResult {
  const all: Record<string, unknown> = { ...ctx.user };
  const wanted = q.get('$select')?.split(',').map((x) => x.trim()).filter(Boolean);
  const body = wanted ? Object.fromEntries(Object.entries(all).filter(([k]) => k === 'id' || wanted.includes(k))) : all;
  return ok({ '@odata.context': `${ctx.base}/$metadata#users/$entity`, ...body });
}

function folderOf(ctx: ApiContext, ref: string): GraphFolder {
  const found = ctx.mailbox.folder(ref);
  if (found) return found;
  if (!ID_PATTERN.test(ref)) throw malformedId();
  throw itemNotFound();
}

function message(ctx: ApiContext, id: string, inFolder: ((ctx: ApiContext) => GraphFolder) | null): GraphMessage {
  if (!ID_PATTERN.test(id)) throw malformedId();
  const found = ctx.mailbox.get(id);
  if (!found || (inFolder !== null && found.folderId !== inFolder(ctx).id)) throw itemNotFound();
  return found;
}

function select(q: URLSearchParams, type: 'folder' | 'message'): string[] | null {
  return type === 'folder'
    ? parseSelect(q.get('$select'), FOLDER_PROPERTIES, 'microsoft.graph.mailFolder')
    : parseSelect(q.get('$select'), MESSAGE_PROPERTIES, 'microsoft.graph.message');
}

function withContext(ctx: ApiContext, path: string, body: Record<string, unknown>): Record<string, unknown> {
  return { '@odata.context': `${ctx.base}/$metadata#users('${encodeURIComponent(ctx.user.id)}')/${path}`, ...body };
}

function intParam(q: URLSearchParams, name: string, fallback: number, max: number): number {
  const raw = q.get(name);
  if (raw === null) return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(value)) throw badRequest(`Invalid value '${raw}' for query option '${name}'.`);
  return Math.min(value, max);
}

function unsupported(q: URLSearchParams): void {
  for (const option of ['$filter', '$search', '$orderby', '$expand']) {
    if (q.has(option)) throw new GraphApiError(501, 'NotImplemented', `The emulator does not implement ${option}.`);
  }
}

/** A page of `items` with $top/$skip and a nextLink repeating $top/$select with the next $skip. */
function paged<T>(ctx: ApiContext, q: URLSearchParams, all: T[], path: string, defaultTop: number): { page: T[]; nextLink?: string } {
  const top = intParam(q, '$top', defaultTop, ctx.maxPageSize);
  const skip = intParam(q, '$skip', 0, Number.MAX_SAFE_INTEGER);
  const page = all.slice(skip, skip + top);
  if (skip + top >= all.length || top === 0) return { page };
  const params = [`$top=${top}`, `$skip=${skip + top}`, ...(q.get('$select') ? [`$select=${q.get('$select')}`] : [])];
  return { page, nextLink: `${ctx.base}/me/${path}?${params.join('&')}` };
}

function folderList(ctx: ApiContext, parent: GraphFolder, q: URLSearchParams, path: string): ApiResult {
  unsupported(q);
  const fields = select(q, 'folder');
  const { page, nextLink } = paged(ctx, q, ctx.mailbox.children(parent), path, 10);
  return ok(withContext(ctx, path === 'mailFolders' ? 'mailFolders' : `mailFolders('${parent.id}')/childFolders`, {
    value: page.map((f) => folderObject(f, fields)),
    ...(nextLink ? { '@odata.nextLink': nextLink } : {}),
  }));
}

function messageList(ctx: ApiContext, parent: GraphFolder | null, q: URLSearchParams, headers: ApiRequest['headers']): ApiResult {
  unsupported(q);
  const fields = select(q, 'message');
  const { view, applied } = preferences(headers, ctx.maxPageSize);
  const ids = parent ? ctx.mailbox.listByDate(parent) : allMessageIds(ctx.mailbox);
  const path = parent ? `mailFolders('${parent.id}')/messages` : 'messages';
  const { page, nextLink } = paged(ctx, q, ids, path, 10);
  const context = JSON.stringify(`${ctx.base}/$metadata#users('${encodeURIComponent(ctx.user.id)}')/${path}`);
  const items = page.map((id) => messageText(ctx.mailbox, ctx.mailbox.get(id)!, fields, view));
  const link = nextLink ? `"@odata.nextLink":${JSON.stringify(nextLink)},` : '';
  return { status: 200, json: `{"@odata.context":${context},${link}"value":[${items.join(',')}]}`, items: items.length, headers: applied };
}

function allMessageIds(mailbox: GraphMailbox): string[] {
  const ids: string[] = [];
  const stack = [mailbox.root];
  while (stack.length) {
    const f = stack.pop()!;
    ids.push(...f.messages);
    stack.push(...mailbox.children(f));
  }
  return ids.sort((a, b) => mailbox.get(b)!.receivedMs - mailbox.get(a)!.receivedMs || (a < b ? -1 : 1));
}

function messageGet(ctx: ApiContext, m: GraphMessage, q: URLSearchParams, headers: ApiRequest['headers']): ApiResult {
  const { view, applied } = preferences(headers, ctx.maxPageSize);
  const text = messageText(ctx.mailbox, m, select(q, 'message'), view);
  const context = JSON.stringify(`${ctx.base}/$metadata#users('${encodeURIComponent(ctx.user.id)}')/messages/$entity`);
  return { status: 200, json: `{"@odata.context":${context},${text.slice(1)}`, headers: applied };
}

/**
 * The Prefer preferences the emulator honours (RFC 7240): odata.maxpagesize=N (capped at
 * `cap`), outlook.body-content-type="text"|"html" (default html) and IdType="ImmutableId"
 * (ids that survive moves), with the Preference-Applied header that reports them.
 * Sources: https://learn.microsoft.com/en-us/graph/api/message-get (request headers),
 *          https://learn.microsoft.com/en-us/graph/outlook-immutable-id
 */
export function preferences(headers: ApiRequest['headers'], cap: number): { maxPageSize: number | null; view: MessageView; applied: Record<string, string> } {
  const prefer = [headers.prefer ?? []].flat().join(',');
  const size = /(?:^|[,;\s])odata\.maxpagesize\s*=\s*"?(\d+)"?/i.exec(prefer);
  const body = /(?:^|[,;\s])outlook\.body-content-type\s*=\s*"?(text|html)"?/i.exec(prefer);
  const immutable = /(?:^|[,;\s])IdType\s*=\s*"?ImmutableId"?/i.test(prefer);
  const maxPageSize = size ? Math.max(1, Math.min(Number(size[1]), cap)) : null;
  const view: MessageView = { bodyType: body?.[1]?.toLowerCase() === 'text' ? 'text' : 'html', idType: immutable ? 'immutable' : 'rest' };
  const applied = [
    ...(maxPageSize !== null ? [`odata.maxpagesize=${maxPageSize}`] : []),
    ...(body ? [`outlook.body-content-type="${view.bodyType}"`] : []),
    ...(immutable ? ['IdType="ImmutableId"'] : []),
  ];
  return { maxPageSize, view, applied: applied.length ? { 'preference-applied': applied.join(', ') } : {} };
}

function delta(ctx: ApiContext, target: GraphFolder, req: ApiRequest): ApiResult {
  const q = req.query;
  unsupported(q);
  const skip = q.get('$skiptoken') ?? q.get('$skipToken');
  const deltaToken = q.get('$deltatoken') ?? q.get('$deltaToken');
  const { maxPageSize, view, applied: headers } = preferences(req.headers, ctx.maxPageSize);
  const pageSize = maxPageSize ?? Math.max(1, intParam(q, '$top', ctx.deltaPageSize, ctx.maxPageSize));
  const request = { folder: target, state: null, select: select(q, 'message'), pageSize, view, base: ctx.base };
  if (deltaToken === 'latest') return { status: 200, json: latestDeltaLink(ctx.mailbox, ctx.tokens, request), headers };
  const state = skip !== null ? ctx.tokens.read(skip, 'skip') : deltaToken !== null ? ctx.tokens.read(deltaToken, 'delta') : null;
  if (state && state.folderId !== target.id) throw invalidSyncState();
  const page = deltaPage(ctx.mailbox, ctx.tokens, { ...request, state });
  return { status: 200, json: page.json, headers, items: page.count };
}

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
 * POST /me/sendMail: JSON {message, saveToSentItems} or a base64 MIME message with
 * Content-Type text/plain; 202 with no body; the message lands in Sent Items unless
 * saveToSentItems is false. Source: https://learn.microsoft.com/en-us/graph/api/user-sendmail
 */
async function sendMail(ctx: ApiContext, req: ApiRequest): Promise<ApiResult> {
  const body = await req.body();
  const type = String(req.headers['content-type'] ?? '').toLowerCase();
  let raw: Buffer;
  let save = true;
  if (type.startsWith('text/plain')) {
    raw = Buffer.from(body.toString('latin1').replace(/\s+/g, ''), 'base64');
    if (!/^[!-9;-~]+:/.test(raw.toString('latin1', 0, 200))) throw badRequest('Invalid base64 string for MIME content.', 'ErrorMimeContentInvalidBase64String');
    if (!/^(to|cc|bcc):\s*\S/im.test(raw.toString('latin1', 0, 64 * 1024))) throw invalidRecipients();
  } else {
    const input = json(body) as SendMailInput;
    const m = input.message;
    if (!m || typeof m !== 'object') throw badRequest("The 'message' parameter is required.", 'ErrorInvalidParameter');
    save = input.saveToSentItems !== false && input.saveToSentItems !== 'false';
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
    raw = await mime.build();
  }
  if (save) ctx.mailbox.add(raw, ctx.mailbox.folder('sentitems')!, { isRead: true, receivedMs: Date.now() });
  return { status: 202 };
}

const invalidRecipients = (): GraphApiError =>
  badRequest('At least one recipient is required, but none were found.', 'ErrorInvalidRecipients');

function json(body: Buffer): unknown {
  try {
    const value: unknown = body.length ? JSON.parse(body.toString('utf8')) : {};
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('not an object');
    return value;
  } catch {
    throw badRequest('Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.');
  }
}
