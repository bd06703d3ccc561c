// Which of an account's labels the Labels menu offers: its own (user) labels, and on Gmail
// also the system labels a rep would file by, not those other buttons already cover or
// Gmail sets itself (Inbox, Sent, Draft, Unread, Starred, Trash, Spam, Important, categories).
import type { Label } from '../../../src-preload/contract/index.ts';

const GMAIL_HIDDEN = new Set(['INBOX', 'SENT', 'DRAFT', 'UNREAD', 'STARRED', 'TRASH', 'SPAM', 'IMPORTANT']);

const offeredOnGmail = (label: Label) => {
  const name = label.name.toUpperCase();
  return !GMAIL_HIDDEN.has(name) && !name.startsWith('CATEGORY_');
};

/** The labels of `accountId` the rep may apply or remove, in main's order. */
export function labelChoices(labels: readonly Label[], accountId: number, gmail: boolean): Label[] {
  return labels.filter((l) => l.accountId === accountId && (l.type === 'user' || (gmail && offeredOnGmail(l))));
}

/** Those whose name contains `filter` (any case). */
export function filterLabels(labels: readonly Label[], filter: string): Label[] {
  const needle = filter.trim().toLocaleLowerCase();
  return needle ? labels.filter((l) => l.name.toLocaleLowerCase().includes(needle)) : [...labels];
}
