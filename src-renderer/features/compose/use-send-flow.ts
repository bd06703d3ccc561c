// Sending a draft: send:queue, then the "Sending… Undo" toast for the undo window
// (settings.undoSendSeconds) or "Scheduled … Undo" for send later. Undo takes the message
// back (send:undo) and reopens it in the compose window.
import { useCallback } from 'react';
import type { SendItem } from '../../../src-preload/contract/index.ts';
import { useQueueSend, useUndoSend } from '../../api/compose-mutations.ts';
import { fullDate } from '../../components/format.ts';
import { showToast } from '../../components/toasts.tsx';
import { openCompose } from './compose-store.ts';

/** How long the Undo of a scheduled message is offered in its toast, ms (the Outbox keeps it after). */
const SCHEDULED_UNDO_MS = 8_000;

export function useSendFlow() {
  const { mutateAsync: queue, isPending, error, reset } = useQueueSend();
  const { mutate: undo } = useUndoSend(openCompose);

  const announce = useCallback(
    (item: SendItem, scheduled: boolean) => {
      const subject = item.subject || '(no subject)';
      const action = { label: 'Undo', run: () => undo(item.id) };
      if (scheduled) {
        showToast(`Scheduled “${subject}” for ${fullDate(item.sendAt)}`, 'info', { action, durationMs: SCHEDULED_UNDO_MS });
        return;
      }
      // The window main keeps it back for, as it stands now (the undo setting when queued).
      const windowMs = item.sendAt - Date.now();
      if (windowMs < 1_000) showToast(`Sending “${subject}”…`);
      else showToast(`Sending “${subject}”…`, 'info', { action, durationMs: windowMs });
    },
    [undo],
  );

  /** Queues the draft (at `sendAt`, ms, for send later); resolves once queued, rejects with main's refusal. */
  const send = useCallback(
    async (draftId: number, sendAt?: number) => {
      const item = await queue(sendAt === undefined ? { draftId } : { draftId, sendAt });
      announce(item, sendAt !== undefined);
      return item;
    },
    [queue, announce],
  );

  return { send, pending: isPending, error, reset };
}
