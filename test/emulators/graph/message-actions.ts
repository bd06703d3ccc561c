// One message's routes under /me/messages/{id} (or a folder's messages): GET, the MIME
// ($value), PATCH of isRead, the follow-up flag and extended properties, DELETE, and the
// move and send actions.
// Sources: https://learn.microsoft.com/en-us/graph/api/message-update,
//          https://learn.microsoft.com/en-us/graph/api/message-move
import { badRequest } from './graph-errors.ts';
import {
  DEFERRED_SEND_TIME, FLAG_STATUSES, extendedPropertyKey, type ExtendedProperty, type FlagStatus, type GraphFolder, type GraphMessage,
} from './mailbox.ts';
import { messageText } from './resources.ts';
import { findMessage, folderOf, json, messageGet, preferences, type ApiContext, type ApiRequest, type Route } from './api-common.ts';
import { sendDraft } from './drafts.ts';

/** /messages/{id}, /messages/{id}/$value, /messages/{id}/move, /messages/{id}/send (under /me or a folder); null for anything else. */
export function messageRoutes(seg: string[], low: string[], req: ApiRequest, inFolder: ((ctx: ApiContext) => GraphFolder) | null): Route | null {
  const id = seg[0];
  if (!id) return null;
  const m = req.httpMethod;
  const n = seg.length;
  const find = (ctx: ApiContext): GraphMessage => findMessage(ctx, id, inFolder);
  if (n === 1 && m === 'GET') return { name: 'messages.get', run: (ctx) => messageGet(ctx, find(ctx), req.query, req.headers) };
  if (n === 2 && low[1] === '$value' && m === 'GET') {
    // Graph answers the MIME content as text/plain (https://learn.microsoft.com/en-us/graph/outlook-get-mime-message).
    return { name: 'messages.value', run: (ctx) => ({ status: 200, bytes: find(ctx).raw, contentType: 'text/plain' }) };
  }
  if (n === 1 && m === 'PATCH') {
    return { name: 'messages.update', run: async (ctx) => {
      const target = find(ctx);
      ctx.mailbox.update(target.id, messagePatch(json(await req.body())));
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
  if (n === 2 && /^(microsoft\.graph\.)?move$/.test(low[1]!) && m === 'POST') {
    return { name: 'messages.move', run: async (ctx) => {
      const target = find(ctx);
      const body = json(await req.body());
      // The reference writes destinationId; the OpenAPI description DestinationId.
      const destinationId = body.destinationId ?? body.DestinationId;
      if (typeof destinationId !== 'string') throw badRequest("The parameter 'destinationId' is required.", 'ErrorInvalidParameter');
      const moved = ctx.mailbox.move(target.id, folderOf(ctx, destinationId))!;
      const { view, applied } = preferences(req.headers, ctx.maxPageSize);
      return { status: 201, json: messageText(ctx.mailbox, moved, null, view), headers: applied };
    } };
  }
  if (n === 2 && /^(microsoft\.graph\.)?send$/.test(low[1]!) && m === 'POST') return { name: 'messages.send', run: (ctx) => sendDraft(ctx, find(ctx)) };
  return null;
}

type MessagePatch = { isRead?: boolean; flagStatus?: FlagStatus; extendedProperties?: ExtendedProperty[] };

/**
 * The writable properties the emulator serves: isRead, flag.flagStatus and
 * singleValueExtendedProperties. Anything else answers 400 rather than being ignored, so a
 * client cannot rely on a change that never happened.
 */
function messagePatch(patch: Record<string, unknown>): MessagePatch {
  const out: MessagePatch = {};
  for (const key of Object.keys(patch)) {
    if (key !== 'isRead' && key !== 'flag' && key !== 'singleValueExtendedProperties') throw badRequest(`The emulator cannot update '${key}'.`);
  }
  if (patch.singleValueExtendedProperties !== undefined) out.extendedProperties = extendedProperties(patch.singleValueExtendedProperties);
  if (patch.isRead !== undefined) {
    if (typeof patch.isRead !== 'boolean') throw badRequest("Invalid value for 'isRead'.");
    out.isRead = patch.isRead;
  }
  if (patch.flag !== undefined) {
    const flag = patch.flag as Record<string, unknown> | null;
    if (typeof flag !== 'object' || flag === null || Array.isArray(flag)) throw badRequest("Invalid value for 'flag'.");
    for (const key of Object.keys(flag)) if (key !== 'flagStatus') throw badRequest(`The emulator cannot update 'flag.${key}'.`);
    if (flag.flagStatus !== undefined) {
      if (!FLAG_STATUSES.includes(flag.flagStatus as FlagStatus)) {
        throw badRequest(`Cannot convert the literal '${String(flag.flagStatus)}' to the expected type 'microsoft.graph.followupFlagStatus'.`);
      }
      out.flagStatus = flag.flagStatus as FlagStatus;
    }
  }
  return out;
}

/**
 * singleValueExtendedProperties: [{id: "{type} {tag}" or a named property, value: string}],
 * stored as given. PR_DEFERRED_SEND_TIME ("SystemTime 0x3FEF") must hold an ISO 8601 date-time.
 * Source: https://learn.microsoft.com/graph/api/singlevaluelegacyextendedproperty-post-singlevalueextendedproperties
 */
function extendedProperties(value: unknown): ExtendedProperty[] {
  if (!Array.isArray(value)) throw badRequest("Invalid value for 'singleValueExtendedProperties'.");
  return value.map((item: unknown) => {
    const p = item as Record<string, unknown> | null;
    if (typeof p !== 'object' || p === null || Array.isArray(p) || typeof p.id !== 'string' || !p.id.trim() || typeof p.value !== 'string') {
      throw badRequest("An extended property needs a string 'id' and a string 'value'.");
    }
    for (const key of Object.keys(p)) if (key !== 'id' && key !== 'value') throw badRequest(`The emulator cannot update 'singleValueExtendedProperties.${key}'.`);
    const isoUtc = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;
    if (extendedPropertyKey(p.id) === DEFERRED_SEND_TIME && (!isoUtc.test(p.value) || Number.isNaN(Date.parse(p.value)))) {
      throw badRequest(`Cannot convert '${p.value}' to a SystemTime value for property 'SystemTime 0x3FEF'.`);
    }
    return { id: p.id, value: p.value };
  });
}
