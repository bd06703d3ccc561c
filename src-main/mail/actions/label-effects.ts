// How an action shows in the local copy, per provider, in the store's own terms: Gmail label
// ids (developers.google.com/gmail/api/guides/labels) or, for Outlook, folder ids plus the
// UNREAD and STARRED state labels the Graph sync keeps beside them.
import type { AccountProvider } from '../../store/types.ts';
import type { LabelEffect, MailActionName } from '../../store/mail-action-repository.ts';

/**
 * Folder ids by role (inbox, archive) for Outlook and IMAP; Gmail's are fixed label ids. An
 * IMAP account with an 'all' folder is Gmail's over IMAP, where labels stack as Gmail's do.
 */
export type FolderRoles = (role: 'inbox' | 'archive' | 'all') => string | null;

const STATE: Partial<Record<MailActionName, { added?: string[]; removed?: string[] }>> = {
  read: { removed: ['UNREAD'] },
  unread: { added: ['UNREAD'] },
  star: { added: ['STARRED'] },
  unstar: { removed: ['STARRED'] },
};

const effect = (added: Array<string | null> = [], removed: Array<string | null> = []): LabelEffect => ({
  added: added.filter((l): l is string => l !== null),
  removed: removed.filter((l): l is string => l !== null),
  deleted: false,
});

/**
 * The local change for `action`. Trash removes the messages from the local copy, as every sync
 * leaves the provider's trash out; archive takes them out of the Inbox (for Outlook into Archive).
 */
export function labelEffect(provider: AccountProvider, action: MailActionName, roles: FolderRoles, label?: string): LabelEffect {
  if (action === 'label' || action === 'unlabel') {
    // Gmail labels stack; elsewhere a label is a folder, so filing there takes mail out of the Inbox.
    const stacked = provider === 'gmail' || provider === 'import' || (provider === 'imap' && roles('all') !== null);
    if (stacked) return action === 'label' ? effect([label!]) : effect([], [label!]);
    return action === 'label' ? effect([label!], [roles('inbox')]) : effect([roles('inbox')], [label!]);
  }
  const state = STATE[action];
  if (state) return effect(state.added, state.removed);
  if (action === 'trash') return { added: [], removed: [], deleted: true };
  if (provider === 'microsoft') {
    const [inbox, archive] = [roles('inbox'), roles('archive')];
    return action === 'archive' ? effect([archive], [inbox]) : effect([inbox], [archive]);
  }
  return action === 'archive' ? effect([], ['INBOX']) : effect(['INBOX'], ['TRASH']);
}

/**
 * Which messages of a conversation (oldest first) an action names, as Gmail's and Outlook's
 * conversation actions do: a star and "mark unread" go to the newest message; archive takes
 * what is in the Inbox out of it and "move to Inbox" brings back what is elsewhere, the rep's
 * own sent copies staying in Sent (a label or folder takes the others); read and trash name them all.
 */
export function messagesActedOn<T extends { inInbox: boolean; inSent: boolean }>(action: MailActionName, messages: readonly T[]): T[] {
  switch (action) {
    case 'star':
    case 'unread':
      return messages.slice(-1);
    case 'archive':
      return messages.filter((m) => m.inInbox);
    case 'inbox':
      return messages.filter((m) => !m.inInbox && !m.inSent);
    case 'label':
    case 'unlabel':
      // Where labels are folders, the rep's sent copies stay in Sent.
      return messages.filter((m) => !m.inSent);
    default:
      return [...messages];
  }
}
