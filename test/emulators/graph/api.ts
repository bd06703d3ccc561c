// Microsoft Graph v1.0 mail request handlers over a GraphMailbox: route matching (a route
// name for stats) and the JSON each call answers, field for field as the v1.0 reference shows.
// Source: https://learn.microsoft.com/en-us/graph/api/resources/mail-api-overview?view=graph-rest-1.0
import { badRequest, itemNotFound, GraphApiError, invalidSyncState } from './graph-errors.ts';
import { deltaPage, latestDeltaLink } from './delta.ts';
import type { GraphFolder, GraphMailbox } from './mailbox.ts';
import { folderObject, messageText } from './resources.ts';
import {
  folderOf, intParam, ok, preferences, select, withContext, type ApiContext, type ApiRequest, type ApiResult, type Route,
} from './api-common.ts';
import { messageRoutes } from './message-actions.ts';
import { createDraft } from './drafts.ts';
import { sendMail } from './send-mail.ts';

export type { ApiContext, ApiRequest, ApiResult, GraphUser, Route } from './api-common.ts';

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
    if (k === 3 && m === 'POST') return { name: 'messages.create', run: (ctx) => createDraft(ctx, req, folder(ctx, folderRef)) };
    if (k === 4 && /^(microsoft\.graph\.)?delta(\(\))?$/.test(low[3]!) && m === 'GET') return { name: 'messages.delta', run: (ctx) => delta(ctx, folder(ctx, folderRef), req) };
    return messageRoutes(seg.slice(3), low.slice(3), req, (ctx) => folder(ctx, folderRef));
  }
  if (low[0] === 'messages') {
    if (n === 1 && m === 'GET') return { name: 'messages.list', run: (ctx) => messageList(ctx, null, q, req.headers) };
    if (n === 1 && m === 'POST') return { name: 'messages.create', run: (ctx) => createDraft(ctx, req, null) };
    return messageRoutes(seg.slice(1), low.slice(1), req, null);
  }
  return null;
}

function me(ctx: ApiContext, q: URLSearchParams): ApiResult {
  const all: Record<string, unknown> = { ...ctx.user };
  const wanted = q.get('$select')?.split(',').map((x) => x.trim()).filter(Boolean);
  const body = wanted ? Object.fromEntries(Object.entries(all).filter(([k]) => k === 'id' || wanted.includes(k))) : all;
  return ok({ '@odata.context': `${ctx.base}/$metadata#users/$entity`, ...body });
}

function unsupported(q: URLSearchParams, served: string[] = []): void {
  for (const option of ['$filter', '$search', '$orderby', '$expand']) {
    if (q.has(option) && !served.includes(option)) throw new GraphApiError(501, 'NotImplemented', `The emulator does not implement ${option}.`);
  }
}

/**
 * The one $filter form the emulator serves on message lists, internetMessageId eq '<id@host>'
 * (an OData string literal: '' stands for '), the way a client finds a message it sent.
 * Any other filter answers 400, as Graph does for a filter it cannot run.
 * Sources: https://learn.microsoft.com/en-us/graph/filter-query-parameter,
 *          https://github.com/microsoftgraph/microsoft-graph-explorer-v4/issues/3957 (the error body)
 */
function internetMessageIdFilter(filter: string): string {
  const match = /^\s*internetMessageId\s+eq\s+'((?:[^']|'')*)'\s*$/i.exec(filter);
  if (match) return match[1]!.replace(/''/g, "'");
  if (!/^\s*[A-Za-z]\w*(\/\w+)*\s+(eq|ne|gt|ge|lt|le)\s+\S/.test(filter)) throw badRequest(`Invalid filter clause: ${filter}`);
  throw badRequest("The query filter contains one or more invalid nodes. (The emulator serves only internetMessageId eq '…'.)", 'ErrorInvalidUrlQueryFilter');
}

/** A page of `items` with $top/$skip and a nextLink repeating $top/$select with the next $skip. */
function paged<T>(ctx: ApiContext, q: URLSearchParams, all: T[], path: string, defaultTop: number): { page: T[]; nextLink?: string } {
  const top = intParam(q, '$top', defaultTop, ctx.maxPageSize);
  const skip = intParam(q, '$skip', 0, Number.MAX_SAFE_INTEGER);
  const page = all.slice(skip, skip + top);
  if (skip + top >= all.length || top === 0) return { page };
  const params = [`$top=${top}`, `$skip=${skip + top}`,
    ...(q.get('$select') ? [`$select=${q.get('$select')}`] : []), ...(q.get('$filter') ? [`$filter=${encodeURIComponent(q.get('$filter')!)}`] : [])];
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
  unsupported(q, ['$filter']);
  const filter = q.get('$filter');
  const internetMessageId = filter === null ? null : internetMessageIdFilter(filter);
  const fields = select(q, 'message');
  const { view, applied } = preferences(headers, ctx.maxPageSize);
  const ids = internetMessageId !== null
    ? ctx.mailbox.withInternetMessageId(internetMessageId).filter((m) => !parent || m.folderId === parent.id)
      .sort((a, b) => b.receivedMs - a.receivedMs || (a.id < b.id ? -1 : 1)).map((m) => m.id)
    : parent ? ctx.mailbox.listByDate(parent) : allMessageIds(ctx.mailbox);
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
