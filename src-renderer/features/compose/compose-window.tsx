// The compose window for a reply, reply all, forward or new message: recipients with
// completion, subject, the rich-text body, the quoted original, attachments and Log to CRM,
// saved as the rep types. Templates (Ctrl/Cmd+Shift+T) go in above the text; a {{field}} left
// unfilled holds Send back. Send or Ctrl/Cmd+Enter queues it (with Undo); Esc or × closes it,
// keeping the draft; Discard deletes it. Non-modal, so the thread stays readable beside it.
import { useEffect, useRef, useState } from 'react';
import type { Draft } from '../../../src-preload/contract/index.ts';
import { useDiscardDraft } from '../../api/compose-mutations.ts';
import { useAccounts, useDrafts } from '../../api/queries.ts';
import { describeError } from '../../components/toasts.tsx';
import { ComposeAttachments } from './compose-attachments.tsx';
import { ComposeFooter } from './compose-footer.tsx';
import { ComposeLogToggle } from './compose-log-toggle.tsx';
import { ComposeSubject } from './compose-subject.tsx';
import { MODE_TITLES } from './compose-modes.ts';
import { closeCompose } from './compose-store.ts';
import { QuotedOriginal } from './quoted-original.tsx';
import { RecipientLines, type RecipientKind, type Recipients } from './recipient-lines.tsx';
import { chipsFromDraft, toRecipients, type RecipientChip } from './recipients.ts';
import { RichEditor, type RichEditorHandle } from './rich-editor.tsx';
import { TemplatePicker } from './template-picker.tsx';
import { useDraftAutosave } from './use-draft-autosave.ts';
import { useSendFlow } from './use-send-flow.ts';
import { useTemplateInsert } from './use-template-insert.ts';
import { useUnfilledFields } from './use-unfilled-fields.ts';

export function ComposeWindow({ draft }: { draft: Draft }) {
  const root = useRef<HTMLElement>(null);
  const editor = useRef<RichEditorHandle>(null);
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
  const [logToCrm, setLogToCrm] = useState(draft.logToCrm);
  const body = useRef(draft.html);
  const { message: blocked, check: checkFields } = useUnfilledFields(draft.subject, draft.html);
  const fieldsId = `compose-fields-${draft.id}`;
  const templates = useTemplateInsert(draft.id, autosave, {
    onApplied: (applied) => {
      body.current = applied.html;
      editor.current?.setHtml(applied.html);
      setSubject(applied.subject);
      checkFields(applied.subject, applied.html);
      setProblem(null);
      editor.current?.focus('start');
    },
    onFailed: (failure) => {
      setProblem(failure);
      editor.current?.focus();
    },
  });
  const replying = draft.mode === 'reply' || draft.mode === 'reply-all';
  const setLogToCrmAndSave = (checked: boolean) => {
    setLogToCrm(checked);
    autosave.change({ logToCrm: checked });
  };
  // A refusal over {{fields}} (ours or main's) goes once the last one is filled or removed.
  useEffect(() => {
    if (!blocked) setProblem((shown) => (shown?.includes('{{') ? null : shown));
  }, [blocked]);

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
    if (blocked) return setProblem(`Not sent: ${blocked}.`);
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
        } else if ((event.ctrlKey || event.metaKey) && event.shiftKey && event.key.toLowerCase() === 't') {
          event.preventDefault();
          templates.setOpen(true);
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
        <ComposeSubject
          draftId={draft.id}
          value={subject}
          onChange={(changed) => {
            setSubject(changed);
            autosave.change({ subject: changed });
            checkFields(changed, body.current);
          }}
        />
        <RichEditor
          ref={editor}
          initialHtml={draft.html}
          autoFocus={replying}
          onChange={(html) => {
            body.current = html;
            autosave.change({ html });
            checkFields(subject, html);
          }}
          onSend={() => void send()}
          onClose={() => closeCompose(draft.id)}
        />
        <div id={fieldsId} className="compose-fields" role="status">
          {blocked && <p className="compose-notice">{blocked}</p>}
        </div>
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
        <ComposeLogToggle
          draftId={draft.id}
          checked={logToCrm}
          recipients={[...shown.to, ...shown.cc].filter((c) => c.valid).map((c) => c.address.toLowerCase())}
          onChange={setLogToCrmAndSave}
        />
      </div>
      <ComposeFooter
        account={account}
        canSend={canSend}
        sending={sendFlow.pending}
        saveStatus={autosave.status}
        saveError={autosave.error}
        problem={problem}
        blockedBy={blocked ? fieldsId : null}
        onSend={() => void send()}
        onSchedule={(sendAt) => void send(sendAt)}
        onDiscard={discardDraft}
      >
        <TemplatePicker open={templates.open} onOpenChange={templates.setOpen} busy={templates.pending} onInsert={(template) => void templates.insert(template)} />
      </ComposeFooter>
    </section>
  );
}
