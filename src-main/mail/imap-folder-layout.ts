// How an IMAP server's folders become the store's labels (imap-sync.ts): a label per folder
// (SPECIAL-USE, RFC 6154, for the Inbox, Sent and Archive roles; Trash and Junk left out) and
// each folder walked, or, on Gmail's IMAP (X-GM-EXT-1 and an \All folder), All Mail alone
// walked and each message's labels read from X-GM-LABELS (gmail-imap-labels.ts).
import type { ImapFlagState, ImapFolderInfo } from './imap-sync.ts';
import { GmailLabelNames } from './providers/gmail-imap-labels.ts';

export const UNREAD_LABEL = 'UNREAD';
export const STARRED_LABEL = 'STARRED';

/** Folders a sync leaves out, as Gmail's leaves out TRASH and SPAM. */
const EXCLUDED = new Set(['\\Trash', '\\Junk', '\\All']);
/** Gmail's Starred folder is the \Flagged flag (STARRED), not a label of its own. */
const EXCLUDED_FROM_GMAIL = new Set([...EXCLUDED, '\\Flagged']);
const ROLES: Record<string, string> = { '\\Inbox': 'inbox', '\\Sent': 'sent', '\\Archive': 'archive', '\\All': 'all' };

/** UNREAD and STARRED from \Seen and \Flagged. */
export function stateLabels(flags: readonly string[]): string[] {
  return [...(flags.includes('\\Seen') ? [] : [UNREAD_LABEL]), ...(flags.includes('\\Flagged') ? [STARRED_LABEL] : [])];
}

/**
 * How the server's folders map to the store's labels: one label per folder, each folder
 * walked (the standard way), or, on Gmail (X-GM-EXT-1 and an \All folder), All Mail alone
 * walked and the labels read from X-GM-LABELS.
 */
export class FolderLayout {
  /** Folders that become labels. */
  readonly labelled: ImapFolderInfo[];
  /** Folders whose messages are fetched (the Gmail way: All Mail alone). */
  readonly synced: ImapFolderInfo[];
  readonly #gmail: GmailLabelNames | null;
  readonly #labelIds: ReadonlySet<string>;

  constructor(listed: readonly ImapFolderInfo[], gmailExtensions: boolean) {
    const allMail = gmailExtensions ? listed.find((f) => f.specialUse === '\\All') : undefined;
    this.#gmail = allMail ? new GmailLabelNames(listed) : null;
    this.labelled = listed.filter((f) => !(allMail ? EXCLUDED_FROM_GMAIL : EXCLUDED).has(f.specialUse ?? ''));
    this.synced = allMail ? [allMail] : this.labelled;
    this.#labelIds = new Set(this.labelled.map((f) => f.path));
  }

  /** Every stored message comes from the one folder synced: a message's id may name another folder (stored before the Gmail way). */
  get single(): boolean {
    return this.#gmail !== null;
  }

  /** The label rows a full round saves: one per labelled folder, Unread and Starred. Gmail's All Mail is kept only for its role 'all': it tells that labels stack there (label-effects.ts). */
  labels(): Array<{ id: string; name: string; type: string }> {
    return [
      ...this.#roled().map((f) => ({ id: f.path, name: f.path, type: f.specialUse ? 'system' : 'user' })),
      { id: UNREAD_LABEL, name: 'Unread', type: 'system' },
      { id: STARRED_LABEL, name: this.single ? 'Starred' : 'Flagged', type: 'system' },
    ];
  }

  /** Folder paths by role (inbox, sent, archive, all), from their SPECIAL-USE attributes. */
  roles(): Record<string, string> {
    return Object.fromEntries(this.#roled().flatMap((f) => (ROLES[f.specialUse ?? ''] ? [[ROLES[f.specialUse!]!, f.path]] : [])));
  }

  /** The folders a round walks: every synced one, or for a new-mail round the Inbox and Sent (the Gmail way: All Mail, either way). */
  walked(everything: boolean): ImapFolderInfo[] {
    return everything || this.single ? this.synced : this.synced.filter((f) => f.specialUse === '\\Inbox' || f.specialUse === '\\Sent');
  }

  /** The labels the server gives a message listed in `path`. */
  labelsOf(path: string, m: ImapFlagState): string[] {
    if (!this.#gmail) return [path, ...stateLabels(m.flags)];
    const folders = (m.labels ?? []).map((l) => this.#gmail!.folderOf(l)).filter((f): f is string => f !== null && this.#labelIds.has(f));
    return [...new Set(folders), ...stateLabels(m.flags)];
  }

  /** Of a stored message's labels, those the server decides (the rest are the rep's pending actions' or local). */
  serverOwned(path: string, labels: readonly string[]): string[] {
    return labels.filter((l) => l === UNREAD_LABEL || l === STARRED_LABEL || (this.#gmail ? this.#labelIds.has(l) : l === path));
  }

  #roled(): ImapFolderInfo[] {
    return this.single ? [...this.labelled, ...this.synced] : this.labelled;
  }
}
