// The inbox, thread and search channels: read-only views over the local store, so they
// answer the same offline as online. Log states come from the CRM side.
import type { Handlers } from './dispatch.ts';
import { AppError } from '../platform/app-error.ts';
import type { ProfileStore } from '../store/profile-store.ts';
import type { SettingsService } from '../settings/settings-service.ts';
import { logStateOf } from '../crm/log-states.ts';
import type { MessageLogState, MessageView, Participant } from '../../src-preload/contract/index.ts';
import type { MessageRecord } from '../store/types.ts';

type MailChannels = 'mail:threads' | 'mail:labels' | 'mail:thread' | 'mail:search' | 'mail:search-count' | 'mail:stats' | 'mail:allow-remote-content';

export interface MailHandlerDeps {
  store: ProfileStore;
  settings: SettingsService;
  /** Log state per message id; messages never queued are absent. */
  logStates(messageIds: number[]): Map<number, MessageLogState>;
  /** Starts fetching from the provider the messages whose full text is not kept here (mail:changed follows). */
  fetchServerOnly?(messageIds: number[]): void;
}

export function mailHandlers({ store, settings, logStates, fetchServerOnly }: MailHandlerDeps): Pick<Handlers, MailChannels> {
  return {
    'mail:threads': ({ filter, offset, limit }) => ({ offset, ...store.inbox.page(filter, offset, limit) }),

    'mail:labels': ({ accountId }) => store.inbox.labels(accountId),

    'mail:thread': ({ threadId }) => {
      const thread = store.threads.getThread(threadId);
      if (!thread) throw new AppError('not_found', 'this conversation is no longer on this computer');
      const messages = store.messages.listThreadMessages(threadId);
      const addresses = new Set(messages.flatMap((m) => m.participants.map((p) => p.address)));
      const contacts = store.inbox.contactAddresses([...addresses]);
      const allowed = new Set(settings.get().remoteContentSenders);
      const states = logStates(messages.map((m) => m.id));
      const carried = new Set(messages.flatMap((m) => m.labels));
      const serverOnly = messages.filter((m) => m.serverOnly).map((m) => m.id);
      if (serverOnly.length) fetchServerOnly?.(serverOnly);
      return {
        id: thread.id,
        accountId: thread.accountId,
        subject: thread.subject,
        labelIds: store.mailActions.labelIdsOf(thread.accountId, [...carried]),
        messages: messages.map((m) => toMessageView(m, contacts, allowed, logStateOf(states, m.id))),
      };
    },

    'mail:search': ({ query, limit, before, excludeThreadIds }) => {
      const page = store.search.searchThreads(query, { limit, excludeThreadIds, ...(before !== undefined ? { before } : {}) });
      return { ...page, threads: page.threads.map((t) => ({ ...t, from: t.from ? t.from.name || t.from.address : null })) };
    },

    'mail:search-count': ({ query }) => store.search.countThreads(query),

    'mail:stats': () => store.messages.stats(),

    'mail:allow-remote-content': ({ sender }) => {
      const current = settings.get().remoteContentSenders;
      if (!current.includes(sender)) settings.set({ remoteContentSenders: [...current, sender] });
      return null;
    },
  };
}

function toMessageView(
  m: Omit<MessageRecord, 'raw'>,
  contacts: Set<string>,
  remoteAllowed: Set<string>,
  logState: MessageLogState,
): MessageView {
  const participant = (p: { address: string; name: string }): Participant => ({
    address: p.address,
    name: p.name,
    isContact: contacts.has(p.address),
  });
  const role = (r: string) => m.participants.filter((p) => p.role === r).map(participant);
  return {
    id: m.id,
    accountId: m.accountId,
    subject: m.subject,
    from: m.from ? participant(m.from) : null,
    to: role('to'),
    cc: role('cc'),
    date: m.date ?? m.receivedAt,
    unread: m.unread,
    starred: m.labels.includes('STARRED'),
    text: m.text,
    html: m.html,
    ...(m.serverOnly ? { serverOnly: true } : {}),
    attachments: m.attachments.map((a) => ({ filename: a.filename ?? '(unnamed)', contentType: a.mimeType, size: a.size })),
    warnings: m.warnings,
    remoteContentAllowed: m.from !== null && remoteAllowed.has(m.from.address),
    logState,
  };
}
