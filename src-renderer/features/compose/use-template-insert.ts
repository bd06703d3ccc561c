// Putting a saved template into the open draft: what was typed is saved first (main builds on
// the stored draft: the template's body above the rep's text, its subject where there is none),
// then drafts:apply-template answers with the draft as stored, which the window shows.
import { useState } from 'react';
import type { Draft, EmailTemplate } from '../../../src-preload/contract/index.ts';
import { useApplyTemplate } from '../../api/compose-mutations.ts';
import { describeError } from '../../components/toasts.tsx';
import type { DraftAutosave } from './use-draft-autosave.ts';

interface TemplateInsertCallbacks {
  /** The draft with the template in: replace the body and subject shown. */
  onApplied(draft: Draft): void;
  /** Why it did not go in, in words. */
  onFailed(problem: string): void;
}

export function useTemplateInsert(draftId: number, autosave: DraftAutosave, { onApplied, onFailed }: TemplateInsertCallbacks) {
  const { mutateAsync, isPending } = useApplyTemplate();
  const [open, setOpen] = useState(false);

  const insert = async (template: EmailTemplate) => {
    setOpen(false);
    try {
      await autosave.flush();
      onApplied(await mutateAsync({ draftId, templateId: template.id }));
    } catch (error) {
      onFailed(`“${template.name}” was not inserted: ${describeError(error)}`);
    }
  };

  return { open, setOpen, insert, pending: isPending };
}
