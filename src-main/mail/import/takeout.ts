// Google Takeout mbox exports carry Gmail's own thread id (X-GM-THRID, decimal) and label
// names (X-Gmail-Labels). Imported with them, a Takeout archive threads and files exactly
// as the mailbox did, and later syncs of the same account use the same thread ids.
import { firstHeader, readHeaderSection } from '../mime/header-section.ts';

// Takeout's names for Gmail's system labels → the API's label ids
// (https://developers.google.com/gmail/api/guides/labels#system_labels).
const SYSTEM_LABELS: Record<string, string> = {
  inbox: 'INBOX',
  unread: 'UNREAD',
  opened: '',
  sent: 'SENT',
  draft: 'DRAFT',
  drafts: 'DRAFT',
  important: 'IMPORTANT',
  starred: 'STARRED',
  spam: 'SPAM',
  trash: 'TRASH',
  chat: 'CHAT',
  archived: '',
};

export interface TakeoutMetadata {
  /** Gmail API threadId (hex), or null when the message has no X-GM-THRID. */
  threadId: string | null;
  /** Label ids: system labels as the API names them, user labels by name; null without X-Gmail-Labels. */
  labels: string[] | null;
}

/** Reads the Takeout headers of one raw message; never throws. */
export function readTakeoutMetadata(raw: Uint8Array): TakeoutMetadata {
  const { headers } = readHeaderSection(raw);
  const thrid = firstHeader(headers, 'x-gm-thrid')?.trim();
  const labelHeader = firstHeader(headers, 'x-gmail-labels');
  let threadId: string | null = null;
  if (thrid && /^\d{1,20}$/.test(thrid)) threadId = BigInt(thrid).toString(16);
  const labels = labelHeader === undefined ? null : parseLabels(labelHeader);
  return { threadId, labels };
}

/** X-Gmail-Labels is a comma-separated list; names with commas are double-quoted. */
function parseLabels(value: string): string[] {
  const names = [...value.matchAll(/\s*("(?:[^"\\]|\\.)*"|[^,]*)\s*(?:,|$)/g)]
    .map((m) => m[1]!.trim().replace(/^"(.*)"$/, '$1').replace(/\\(.)/g, '$1'))
    .filter(Boolean);
  const ids = new Set<string>();
  for (const name of names) {
    const lower = name.toLowerCase();
    if (lower in SYSTEM_LABELS) {
      if (SYSTEM_LABELS[lower]) ids.add(SYSTEM_LABELS[lower]);
    } else if (lower.startsWith('category ')) {
      ids.add(`CATEGORY_${name.slice('category '.length).trim().toUpperCase().replace(/\s+/g, '_')}`);
    } else {
      ids.add(name);
    }
  }
  return [...ids];
}
