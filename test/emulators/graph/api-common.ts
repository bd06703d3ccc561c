// What every Graph v1.0 handler shares: the request, context and result shapes, the Prefer
// preferences, JSON bodies, folder and message look-ups, $select and the message GET answer.
// Source: https://learn.microsoft.com/en-us/graph/api/resources/mail-api-overview?view=graph-rest-1.0
import { badRequest, itemNotFound, malformedId } from './graph-errors.ts';
import type { DeltaTokens } from './delta.ts';
import { ID_PATTERN, type GraphFolder, type GraphMailbox, type GraphMessage } from './mailbox.ts';
import { FOLDER_PROPERTIES, MESSAGE_PROPERTIES, messageText, parseSelect, type MessageView } from './resources.ts';

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
  /** What an accepted sendMail sent: the MIME and the Sent Items copy's immutable id (null when not saved). */
  sent?: { raw: Buffer; id: string | null };
  /** A draft sent with its deferred send time ahead: its immutable id, now held in the Outbox. */
  held?: { id: string };
}

export interface Route {
  /** e.g. "messages.delta", "messages.value", "mailFolders.list". */
  name: string;
  run(ctx: ApiContext): Promise<ApiResult> | ApiResult;
}

export const ok = (body: unknown, items?: number): ApiResult => ({ status: 200, json: JSON.stringify(body), ...(items === undefined ? {} : { items }) });

/** A request body that must be a JSON object. Errors: 400 BadRequest as Graph words it. */
export function json(body: Buffer): Record<string, unknown> {
  try {
    const value: unknown = body.length ? JSON.parse(body.toString('utf8')) : {};
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('not an object');
    return value as Record<string, unknown>;
  } catch {
    throw badRequest('Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.');
  }
}

/** A folder by id or well-known name. Errors: 400 ErrorInvalidIdMalformed, 404 ErrorItemNotFound. */
export function folderOf(ctx: ApiContext, ref: string): GraphFolder {
  const found = ctx.mailbox.folder(ref);
  if (found) return found;
  if (!ID_PATTERN.test(ref)) throw malformedId();
  throw itemNotFound();
}

/** A message by (REST or immutable) id, optionally required to be in a folder. Errors as folderOf. */
export function findMessage(ctx: ApiContext, id: string, inFolder: ((ctx: ApiContext) => GraphFolder) | null): GraphMessage {
  if (!ID_PATTERN.test(id)) throw malformedId();
  const found = ctx.mailbox.get(id);
  if (!found || (inFolder !== null && found.folderId !== inFolder(ctx).id)) throw itemNotFound();
  return found;
}

export function select(q: URLSearchParams, type: 'folder' | 'message'): string[] | null {
  return type === 'folder'
    ? parseSelect(q.get('$select'), FOLDER_PROPERTIES, 'microsoft.graph.mailFolder')
    : parseSelect(q.get('$select'), MESSAGE_PROPERTIES, 'microsoft.graph.message');
}

export function withContext(ctx: ApiContext, path: string, body: Record<string, unknown>): Record<string, unknown> {
  return { '@odata.context': `${ctx.base}/$metadata#users('${encodeURIComponent(ctx.user.id)}')/${path}`, ...body };
}

export function intParam(q: URLSearchParams, name: string, fallback: number, max: number): number {
  const raw = q.get(name);
  if (raw === null) return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(value)) throw badRequest(`Invalid value '${raw}' for query option '${name}'.`);
  return Math.min(value, max);
}

/** GET /messages/{id}: the message (with $select) as the client's Prefer asks. */
export function messageGet(ctx: ApiContext, m: GraphMessage, q: URLSearchParams, headers: ApiRequest['headers'], status = 200): ApiResult {
  const { view, applied } = preferences(headers, ctx.maxPageSize);
  const text = messageText(ctx.mailbox, m, select(q, 'message'), view);
  const context = JSON.stringify(`${ctx.base}/$metadata#users('${encodeURIComponent(ctx.user.id)}')/messages/$entity`);
  return { status, json: `{"@odata.context":${context},${text.slice(1)}`, headers: applied };
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
