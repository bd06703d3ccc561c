// The acting-on-mail channels: conversation actions, address completion, drafts and the send
// outbox. Drafts live in the encrypted store; what the renderer hands over (HTML, files) is
// bounded by the contract and cleaned again before anything leaves (mail/compose).
import type { Handlers } from './dispatch.ts';
import type { Draft } from '../../src-preload/contract/index.ts';
import { AppError } from '../platform/app-error.ts';
import type { ProfileStore } from '../store/profile-store.ts';
import type { DraftRecord } from '../store/draft-repository.ts';
import type { SettingsService } from '../settings/settings-service.ts';
import type { MailActionQueue } from '../mail/actions/mail-action-queue.ts';
import type { SendOutbox } from '../mail/send/send-outbox.ts';
import { forwardedAttachments, startDraft } from '../mail/compose/draft-builder.ts';
import { fillFields, templateValues } from '../mail/compose/template-fields.ts';
import type { CrmContact } from '../crm/types.ts';

type ComposeChannels =
  | 'mail:act'
  | 'mail:label'
  | 'mail:addresses'
  | 'drafts:create'
  | 'drafts:list'
  | 'drafts:save'
  | 'drafts:discard'
  | 'drafts:attach'
  | 'drafts:detach'
  | 'drafts:apply-template'
  | 'send:queue'
  | 'send:undo'
  | 'send:list'
  | 'send:retry';

/** A draft attachment may be at most this many bytes (Gmail's and Outlook's limit for a whole message is 25 MB / 35 MB). */
export const MAX_ATTACHMENT_BYTES = 25 * 1024 * 1024;

export interface ComposeHandlerDeps {
  store: ProfileStore;
  settings: SettingsService;
  actions: Pick<MailActionQueue, 'act'>;
  outbox: Pick<SendOutbox, 'queue' | 'undo' | 'list' | 'retry'>;
  /** The cached CRM contact with this address, for template fields. */
  contact(email: string): CrmContact | null;
}

export function composeHandlers({ store, settings, actions, outbox, contact }: ComposeHandlerDeps): Pick<Handlers, ComposeChannels> {
  const view = (d: DraftRecord): Draft => ({
    id: d.id,
    accountId: d.accountId,
    from: store.accounts.get(d.accountId)?.email ?? '',
    mode: d.mode,
    sourceMessageId: d.sourceMessageId,
    threadId: d.threadId,
    to: d.to,
    cc: d.cc,
    bcc: d.bcc,
    subject: d.subject,
    html: d.html,
    quotedHtml: d.quotedHtml,
    attachments: d.attachments,
    logToCrm: d.logToCrm,
    updatedAt: d.updatedAt,
  });
  const draft = (id: number): DraftRecord => {
    const found = store.drafts.get(id);
    if (!found || store.sendOutbox.isQueued(id)) throw new AppError('not_found', 'this draft was sent or discarded');
    return found;
  };

  return {
    'mail:act': ({ threadIds, action }) => {
      actions.act(threadIds, action);
      return null;
    },

    'mail:label': ({ threadIds, labelId, add }) => {
      const label = store.mailActions.label(labelId);
      if (!label) throw new AppError('not_found', 'this label is no longer in the mailbox');
      actions.act(threadIds, add ? 'label' : 'unlabel', label);
      return null;
    },

    'mail:addresses': ({ prefix, limit }) => store.addressBook.suggest(prefix, limit),

    'drafts:create': async ({ mode, messageId, accountId }) => {
      const source = messageId === undefined ? null : store.messages.getMessage(messageId);
      if (mode !== 'new' && !source) throw new AppError('not_found', 'this message is no longer on this computer');
      const account = store.accounts.get(source?.accountId ?? accountId ?? 0) ?? store.accounts.list().find((a) => a.provider !== 'import');
      if (!account) throw new AppError('invalid_input', 'Connect a Gmail or Outlook account to write mail');
      const { signatures, autoLogKnownContacts } = settings.get();
      const fresh = await startDraft(mode, account, source, { signature: signatures[String(account.id)], logToCrm: autoLogKnownContacts });
      const attachments = mode === 'forward' && source ? await forwardedAttachments(source) : [];
      return view(store.drafts.create(fresh, attachments));
    },

    'drafts:list': () => store.drafts.list().filter((d) => !store.sendOutbox.isQueued(d.id)).map(view),

    'drafts:save': ({ draftId, ...changes }) => {
      draft(draftId);
      return view(store.drafts.update(draftId, changes)!);
    },

    'drafts:discard': ({ draftId }) => {
      draft(draftId);
      store.drafts.delete(draftId);
      return null;
    },

    'drafts:attach': ({ draftId, filename, contentType, base64 }) => {
      draft(draftId);
      const content = Buffer.from(base64, 'base64');
      if (content.byteLength > MAX_ATTACHMENT_BYTES) throw new AppError('invalid_input', `${filename} is larger than 25 MB`);
      store.drafts.attach(draftId, { filename, contentType, content });
      return view(draft(draftId));
    },

    'drafts:detach': ({ draftId, index }) => {
      draft(draftId);
      if (!store.drafts.detach(draftId, index)) throw new AppError('not_found', 'no such attachment');
      return view(draft(draftId));
    },

    'drafts:apply-template': ({ draftId, templateId }) => {
      const current = draft(draftId);
      const template = settings.get().templates.find((t) => t.id === templateId);
      if (!template) throw new AppError('not_found', 'this template was deleted');
      const account = store.accounts.get(current.accountId)!;
      const recipient = current.to[0] ?? null;
      const values = templateValues(recipient, recipient ? contact(recipient.address) : null, account);
      const body = fillFields(template.html, values, true);
      return view(
        store.drafts.update(draftId, {
          html: `${body}${current.html}`,
          ...(current.subject.trim() ? {} : { subject: fillFields(template.subject, values, false) }),
        })!,
      );
    },

    'send:queue': ({ draftId, sendAt }) => outbox.queue(draftId, sendAt),

    'send:undo': ({ sendId }) => view(draft(outbox.undo(sendId))),

    'send:list': () => outbox.list(),

    'send:retry': ({ sendId }) => {
      outbox.retry(sendId);
      return null;
    },
  };
}
