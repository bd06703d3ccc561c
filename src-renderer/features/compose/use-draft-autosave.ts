// Saves a draft as the rep types: changes gather for `delayMs` of quiet, then go to main in
// one drafts:save; saves run one after another so an older one never lands last. flush()
// saves at once (before sending, on close); a failed save keeps its changes for the next.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { DraftPatch } from '../../../src-preload/contract/index.ts';
import { useSaveDraft } from '../../api/compose-mutations.ts';

export type DraftChanges = Omit<DraftPatch, 'draftId'>;
export type SaveStatus = 'idle' | 'saving' | 'saved' | 'failed';

export interface DraftAutosave {
  status: SaveStatus;
  error: unknown;
  /** Records changes and saves them after the quiet period. */
  change(changes: DraftChanges): void;
  /** Saves what is waiting now; rejects with the save's error. */
  flush(): Promise<void>;
  /** Drops what is waiting (the draft is being discarded). */
  cancel(): void;
}

export function useDraftAutosave(draftId: number, delayMs = 600): DraftAutosave {
  const { mutateAsync } = useSaveDraft();
  const pending = useRef<DraftChanges>({});
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const chain = useRef<Promise<void>>(Promise.resolve());
  const [status, setStatus] = useState<SaveStatus>('idle');
  const [error, setError] = useState<unknown>(null);

  const flush = useCallback((): Promise<void> => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = null;
    const changes = pending.current;
    pending.current = {};
    if (Object.keys(changes).length === 0) return chain.current;
    setStatus('saving');
    const run = chain.current.then(() => mutateAsync({ draftId, ...changes })).then(
      () => {
        setStatus('saved');
        setError(null);
      },
      (failure: unknown) => {
        pending.current = { ...changes, ...pending.current };
        setStatus('failed');
        setError(failure);
        throw failure;
      },
    );
    chain.current = run.catch(() => {});
    return run;
  }, [draftId, mutateAsync]);

  const change = useCallback(
    (changes: DraftChanges) => {
      pending.current = { ...pending.current, ...changes };
      if (timer.current) clearTimeout(timer.current);
      timer.current = setTimeout(() => void flush().catch(() => {}), delayMs);
    },
    [flush, delayMs],
  );

  const cancel = useCallback(() => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = null;
    pending.current = {};
  }, []);

  // Closing the window (Esc, another draft opening) keeps what was typed.
  useEffect(() => () => void flush().catch(() => {}), [flush]);

  return { status, error, change, flush, cancel };
}
