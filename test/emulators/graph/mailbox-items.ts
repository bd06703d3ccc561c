// The items of the emulated Exchange mailbox — messages, folders and the per-folder change
// log entries delta reads — and the names Graph gives well-known folders.
// Sources: https://learn.microsoft.com/en-us/graph/api/resources/message?view=graph-rest-1.0,
//          https://learn.microsoft.com/en-us/graph/api/resources/mailfolder?view=graph-rest-1.0
import type { FixedFields } from './message-resource.ts';

/** followupFlag.flagStatus (https://learn.microsoft.com/en-us/graph/api/resources/followupflag). */
export type FlagStatus = 'notFlagged' | 'complete' | 'flagged';

export const FLAG_STATUSES: readonly FlagStatus[] = ['notFlagged', 'complete', 'flagged'];

export interface GraphMessage {
  /** The Exchange item id: it changes when the message moves. */
  id: string;
  /** The id under Prefer: IdType="ImmutableId": it survives moves. */
  immutableId: string;
  folderId: string;
  conversationId: string;
  raw: Buffer;
  isRead: boolean;
  /** True from POST /messages until the draft is sent (then it sits in the Outbox or Sent Items). */
  isDraft: boolean;
  flagStatus: FlagStatus;
  /** singleValueExtendedProperties by canonical id (extendedPropertyKey), each as the client wrote it. */
  extendedProperties: Map<string, ExtendedProperty>;
  /** Bumped on every change; changeKey and @odata.etag derive from it. */
  version: number;
  receivedMs: number;
  createdDateTime: string;
  lastModifiedDateTime: string;
  fixed: FixedFields;
  /** The full resource as JSON per (body type, id type), built on first read and dropped on change. */
  json?: Map<string, string>;
}

/** A singleValueLegacyExtendedProperty: a MAPI property named by "{type} {tag}" (or a named property). */
export interface ExtendedProperty {
  id: string;
  value: string;
}

/**
 * PR_DEFERRED_SEND_TIME (PidTagDeferredSendTime, PT_SYSTIME, tag 0x3FEF): a message sent with it
 * set in the future waits in the Outbox until then.
 * Source: https://learn.microsoft.com/office/client-developer/outlook/mapi/pidtagdeferredsendtime-canonical-property
 */
export const DEFERRED_SEND_TIME = 'systemtime 0x3fef';

/** The key an extended property id is stored under: Graph matches "SystemTime 0x3FEF" case-insensitively. */
export const extendedPropertyKey = (id: string): string => id.trim().replace(/\s+/g, ' ').toLowerCase();

/** The message's deferred send time, ms since the epoch; null when unset. */
export function deferredSendMs(m: GraphMessage): number | null {
  const value = m.extendedProperties.get(DEFERRED_SEND_TIME)?.value;
  if (value === undefined) return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : ms;
}

/** One entry of a folder's change log: the message arrived/changed, or left the folder. */
export interface ChangeEvent {
  seq: number;
  id: string;
  immutableId: string;
  removed: boolean;
}

export interface GraphFolder {
  id: string;
  displayName: string;
  parentFolderId: string;
  /** Graph's well-known folder name (inbox, sentitems, …), usable in place of the id. */
  wellKnownName: string | null;
  childIds: string[];
  messages: Set<string>;
  unread: number;
  /** Change log in ascending seq; `latest` maps a message id to its newest event's seq. */
  events: ChangeEvent[];
  latest: Map<string, number>;
  /** Message ids newest first (receivedDateTime desc), rebuilt after a change. */
  byDate?: string[];
}

/** Top-level well-known folders and their display names (Exchange Online, English). */
export const WELL_KNOWN_FOLDERS: Record<string, string> = {
  archive: 'Archive',
  deleteditems: 'Deleted Items',
  drafts: 'Drafts',
  inbox: 'Inbox',
  junkemail: 'Junk Email',
  outbox: 'Outbox',
  sentitems: 'Sent Items',
};

export const ID_PATTERN = /^[A-Za-z0-9_-]{20,200}={0,2}$/;
