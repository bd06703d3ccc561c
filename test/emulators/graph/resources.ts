// The JSON of Graph's message and mailFolder resources, property for property in Graph's
// order, with $select; the full message JSON is cached per message version so delta pages
// are string concatenation.
// Sources: https://learn.microsoft.com/en-us/graph/api/resources/message?view=graph-rest-1.0,
//          https://learn.microsoft.com/en-us/graph/api/resources/mailfolder?view=graph-rest-1.0
import { badRequest } from './graph-errors.ts';
import type { GraphFolder, GraphMailbox, GraphMessage } from './mailbox.ts';
import { bodyAs, internetMessageHeaders } from './message-resource.ts';

/** The body format a client asked for with Prefer: outlook.body-content-type (default html). */
export type BodyType = 'html' | 'text';

/** The id format a client asked for with Prefer: IdType="ImmutableId" (default: ids that change on move). */
export type IdType = 'rest' | 'immutable';

/** How a client asked to see messages (from its Prefer header). */
export interface MessageView {
  bodyType: BodyType;
  idType: IdType;
}

export const DEFAULT_VIEW: MessageView = { bodyType: 'html', idType: 'rest' };

export const idOf = (m: GraphMessage, view: MessageView): string => (view.idType === 'immutable' ? m.immutableId : m.id);

/** Properties a client may $select on a message (all scalar/complex properties of v1.0). */
export const MESSAGE_PROPERTIES = new Set([
  'id', 'createdDateTime', 'lastModifiedDateTime', 'changeKey', 'categories', 'receivedDateTime', 'sentDateTime',
  'hasAttachments', 'internetMessageId', 'subject', 'bodyPreview', 'importance', 'parentFolderId', 'conversationId',
  'isDeliveryReceiptRequested', 'isReadReceiptRequested', 'isRead', 'isDraft', 'webLink', 'inferenceClassification',
  'body', 'uniqueBody', 'sender', 'from', 'toRecipients', 'ccRecipients', 'bccRecipients', 'replyTo', 'flag',
  'internetMessageHeaders',
]);

export const FOLDER_PROPERTIES = new Set([
  'id', 'displayName', 'parentFolderId', 'childFolderCount', 'unreadItemCount', 'totalItemCount', 'isHidden',
]);

/**
 * Parses `$select` (comma-separated, case-insensitive as in OData) into property names;
 * null when absent. Errors: 400 BadRequest for a property the type does not have.
 */
export function parseSelect(value: string | null, allowed: Set<string>, typeName: string): string[] | null {
  if (value === null || value.trim() === '') return null;
  const byLower = new Map([...allowed].map((p) => [p.toLowerCase(), p]));
  return [...new Set(value.split(',').map((raw) => {
    const name = byLower.get(raw.trim().toLowerCase());
    if (!name) throw badRequest(`Could not find a property named '${raw.trim()}' on type '${typeName}'.`);
    return name;
  }))];
}

export function etag(mailbox: GraphMailbox, m: GraphMessage): string {
  return `W/"${mailbox.changeKey(m)}"`;
}

/** Every default property of the message (what GET returns without $select). */
export function messageObject(mailbox: GraphMailbox, m: GraphMessage, view: MessageView = DEFAULT_VIEW): Record<string, unknown> {
  const f = m.fixed;
  return {
    '@odata.etag': etag(mailbox, m),
    id: idOf(m, view),
    createdDateTime: m.createdDateTime,
    lastModifiedDateTime: m.lastModifiedDateTime,
    changeKey: mailbox.changeKey(m),
    categories: [],
    receivedDateTime: f.receivedDateTime,
    sentDateTime: f.sentDateTime,
    hasAttachments: f.hasAttachments,
    internetMessageId: f.internetMessageId,
    subject: f.subject,
    bodyPreview: f.bodyPreview,
    importance: f.importance,
    parentFolderId: m.folderId,
    conversationId: m.conversationId,
    isDeliveryReceiptRequested: f.isDeliveryReceiptRequested,
    isReadReceiptRequested: f.isReadReceiptRequested,
    isRead: m.isRead,
    isDraft: m.isDraft,
    webLink: `https://outlook.office365.com/owa/?ItemID=${encodeURIComponent(idOf(m, view))}&exvsurl=1&viewmodel=ReadMessageItem`,
    inferenceClassification: 'focused',
    body: bodyAs(f.body, view.bodyType),
    ...(f.sender ? { sender: f.sender } : {}),
    ...(f.from ? { from: f.from } : {}),
    toRecipients: f.toRecipients,
    ccRecipients: f.ccRecipients,
    bccRecipients: f.bccRecipients,
    replyTo: f.replyTo,
    flag: { flagStatus: m.flagStatus },
  };
}

/** The full message as JSON, cached until the message changes. */
export function messageJson(mailbox: GraphMailbox, m: GraphMessage, view: MessageView = DEFAULT_VIEW): string {
  const key = `${view.bodyType}|${view.idType}`;
  const cache = (m.json ??= new Map());
  let text = cache.get(key);
  if (text === undefined) cache.set(key, (text = JSON.stringify(messageObject(mailbox, m, view))));
  return text;
}

/** The message with only `select` (plus @odata.etag and id, which Graph always returns). */
export function selectMessage(mailbox: GraphMailbox, m: GraphMessage, select: string[], view: MessageView = DEFAULT_VIEW): Record<string, unknown> {
  const all = messageObject(mailbox, m, view);
  const out: Record<string, unknown> = { '@odata.etag': all['@odata.etag'], id: all.id };
  for (const name of select) {
    if (name === 'internetMessageHeaders') out.internetMessageHeaders = internetMessageHeaders(m.raw);
    else if (name === 'uniqueBody') out.uniqueBody = all.body;
    else if (name in all) out[name] = all[name];
  }
  return out;
}

/** A message as JSON text, full or selected. */
export function messageText(mailbox: GraphMailbox, m: GraphMessage, select: string[] | null, view: MessageView = DEFAULT_VIEW): string {
  return select ? JSON.stringify(selectMessage(mailbox, m, select, view)) : messageJson(mailbox, m, view);
}

export function folderObject(folder: GraphFolder, select: string[] | null = null): Record<string, unknown> {
  const all: Record<string, unknown> = {
    id: folder.id,
    displayName: folder.displayName,
    parentFolderId: folder.parentFolderId,
    childFolderCount: folder.childIds.length,
    unreadItemCount: folder.unread,
    totalItemCount: folder.messages.size,
    isHidden: false,
  };
  if (!select) return all;
  return Object.fromEntries(Object.entries(all).filter(([k]) => k === 'id' || select.includes(k)));
}
