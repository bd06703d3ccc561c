// Gmail over IMAP (https://developers.google.com/gmail/imap/imap-extensions): a label is a
// folder, so a message in the Inbox with two labels is listed in three folders, each with a
// UID of its own, and an archived one only in "[Gmail]/All Mail" (SPECIAL-USE \All). A
// server that advertises X-GM-EXT-1 is therefore synced from All Mail alone, each message
// once, with its labels read from X-GM-LABELS and changed with STORE ±X-GM-LABELS.
//
// X-GM-LABELS names a user label by its folder name ("Clients/Acme") and a system one by a
// backslash name ("\Inbox", "\Sent", "\Important", "\Starred", "\Draft", "\Spam", "\Trash");
// the store keeps folder paths as label ids either way, so the same labels result whether a
// mailbox is synced per folder or from All Mail.
/** The capability of a server with Gmail's extensions. */
export const GMAIL_EXTENSIONS = 'X-GM-EXT-1';

/** X-GM-LABELS system names whose folder's SPECIAL-USE attribute (RFC 6154) is spelt otherwise. */
const SPECIAL_USE_OF: Record<string, string> = { '\\Draft': '\\Drafts', '\\Spam': '\\Junk', '\\Starred': '\\Flagged' };

/** Translates between X-GM-LABELS values and the folder paths the store keeps as label ids. */
export class GmailLabelNames {
  readonly #bySpecialUse = new Map<string, string>();
  readonly #specialUseByPath = new Map<string, string>();

  /** `folders` as LIST answers them (SPECIAL-USE attributes, RFC 6154); INBOX is the Inbox whether or not it says so. */
  constructor(folders: ReadonlyArray<{ path: string; specialUse?: string | null | undefined }>) {
    for (const f of folders) {
      const use = f.path.toUpperCase() === 'INBOX' ? '\\Inbox' : f.specialUse;
      if (!use) continue;
      this.#bySpecialUse.set(use, f.path);
      this.#specialUseByPath.set(f.path, use);
    }
  }

  /** The folder path of an X-GM-LABELS value: "\Inbox" → "INBOX", "\Sent" → "[Gmail]/Sent Mail", "Acme" → "Acme"; null for a system label without a folder. */
  folderOf(label: string): string | null {
    if (!label.startsWith('\\')) return label;
    return this.#bySpecialUse.get(SPECIAL_USE_OF[label] ?? label) ?? null;
  }

  /** The X-GM-LABELS value that puts a message in folder `path`: the inverse of folderOf. */
  labelOf(path: string): string {
    const use = this.#specialUseByPath.get(path);
    if (!use) return path;
    return Object.entries(SPECIAL_USE_OF).find(([, special]) => special === use)?.[0] ?? use;
  }
}
