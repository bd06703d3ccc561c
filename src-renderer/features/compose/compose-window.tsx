// The compose window for a reply, reply all, forward or new message: recipients with
// completion, subject, the rich-text body, the quoted original and attachments, saved as the
// rep types. Send or Ctrl/Cmd+Enter queues it (with Undo); Esc or × closes it, keeping the
// draft; Discard deletes it. Non-modal, so the thread stays readable beside it.
import { useEffect, useRef, useState } from 'react';
import type { Draft } from '../../../src-preload/contract/index.ts';
import { useDiscardDraft } from '../../api/compose-mutations.ts';
import { useAccounts, useDrafts } from '../../api/queries.ts';
import { describeError } from '../../components/toasts.tsx';
import { ComposeAttachments } from './compose-attachments.tsx';
import { ComposeFooter } from './compose-footer.tsx';
import { MODE_TITLES } from './compose-modes.ts';
import { closeCompose } from './compose-store.ts';
import { QuotedOriginal } from './quoted-original.tsx';
import { RecipientLines, type RecipientKind, type Recipients } from './recipient-lines.tsx';
import { chipsFromDraft, toRecipients, type RecipientChip } from './recipients.ts';
import { RichEditor } from './rich-editor.tsx';
import { useDraftAutosave } from './use-draft-autosave.ts';
import { useSendFlow } from './use-send-flow.ts';

export function ComposeWindow({ draft }: { draft: Draft }) {
  const root = useRef<HTMLElement>(null);
  const autosave = useDraftAutosave(draft.id);
  const sendFlow = useSendFlow();
  const discard = useDiscardDraft();
  const account = useAccounts().data?.find((a) => a.id === draft.accountId);
  const canSend = account?.canSend ?? true;
  const attachments = useDrafts().data?.find((d) => d.id === draft.id)?.attachments ?? draft.attachments;
  // Read by send(), which may run in the same event that committed a typed address.
  const recipients = useRef<Recipients>({ to: chipsFromDraft(draft.to), cc: chipsFromDraft(draft.cc), bcc: chipsFromDraft(draft.bcc) });
  const [shown, setShown] = useState(recipients.current);
  const [subject, setSubject] = useState(draft.subject);
  const [quoted, setQuoted] = useState(draft.quotedHtml);
  const [problem, setProblem] = useState<string | null>(null);
  const replying = draft.mode === 'reply' || draft.mode === 'reply-all';

  useEffect(() => {
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    // A reply starts in the body (the editor focuses itself once mounted), anything else in To.
    if (!replying) root.current?.querySelector<HTMLElement>('input[role="combobox"]')?.focus();
    return () => {
      const focus = document.activeElement;
      if (opener?.isConnected && (!focus || focus === document.body || root.current?.contains(focus))) opener.focus({ preventScroll: true });
    };
  }, [replying]);

  const setRecipients = (kind: RecipientKind, chips: RecipientChip[]) => {
    recipients.current = { ...recipients.current, [kind]: chips };
    setShown(recipients.current);
    setProblem(null);
    autosave.change({ [kind]: toRecipients(chips) });
  };

  const send = async (sendAt?: number) => {
    if (!canSend || sendFlow.pending) return;
    const all = [...recipients.current.to, ...recipients.current.cc, ...recipients.current.bcc];
    const invalid = all.filter((chip) => !chip.valid);
    if (invalid.length > 0) return setProblem(`Correct or remove ${invalid.map((chip) => chip.address).join(', ')} before sending.`);
    if (all.length === 0) return setProblem('Add a recipient before sending.');
    try {
      await autosave.flush();
      await sendFlow.send(draft.id, sendAt);
      closeCompose(draft.id);
    } catch (error) {
      setProblem(`Not sent: ${describeError(error)}`);
    }
  };

  const discardDraft = () => {
    autosave.cancel();
    discard.mutate(draft.id);
    closeCompose(draft.id);
  };

  const title = MODE_TITLES[draft.mode];
  return (
    <section
      ref={root}
      className="compose-window"
      role="dialog"
      aria-modal="false"
      aria-label="Compose"
      aria-describedby="compose-title"
      data-draft-id={draft.id}
      data-mode={draft.mode}
      onKeyDown={(event) => {
        // Inside the window keys are the fields' own, never the inbox's shortcuts.
        event.stopPropagation();
        if (event.defaultPrevented) return;
        if ((event.ctrlKey || event.metaKey) && event.key === 'Enter') {
          event.preventDefault();
          void send();
        } else if (event.key === 'Escape') {
          event.preventDefault();
          closeCompose(draft.id);
        }
      }}
    >
      <header className="compose-header">
        <h2 id="compose-title" className="compose-title">
          {title}
          {subject && <span className="compose-title-subject">: {subject}</span>}
        </h2>
        <button type="button" className="icon-button" aria-label="Close and keep draft" title="Close and keep draft (Esc)" onClick={() => closeCompose(draft.id)}>
          ×
        </button>
      </header>
      <div className="compose-scroll">
        <p className="compose-from">
          <span className="compose-label">From</span> {draft.from}
        </p>
        <RecipientLines recipients={shown} onChange={setRecipients} />
        <div className="compose-subject-row">
          <label className="compose-label" htmlFor={`compose-subject-${draft.id}`}>
            Subject
          </label>
          <input
            id={`compose-subject-${draft.id}`}
            type="text"
            className="compose-subject"
            value={subject}
            maxLength={998}
            onChange={(event) => {
              setSubject(event.target.value);
              autosave.change({ subject: event.target.value });
            }}
          />
        </div>
        <RichEditor initialHtml={draft.html} autoFocus={replying} onChange={(html) => autosave.change({ html })} onSend={() => void send()} onClose={() => closeCompose(draft.id)} />
        {quoted && (
          <QuotedOriginal
            html={quoted}
            startOpen={draft.mode === 'forward'}
            onRemove={() => {
              setQuoted('');
              autosave.change({ quotedHtml: '' });
            }}
          />
        )}
        <ComposeAttachments draftId={draft.id} attachments={attachments} />
      </div>
      <ComposeFooter
        account={account}
        canSend={canSend}
        sending={sendFlow.pending}
        saveStatus={autosave.status}
        saveError={autosave.error}
        problem={problem}
        onSend={() => void send()}
        onSchedule={(sendAt) => void send(sendAt)}
        onDiscard={discardDraft}
      />
    </section>
  );
}
