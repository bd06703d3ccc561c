// Work done a bounded batch at a time on the main thread (e.g. compressing rows written by
// an older version), with a pause between batches so IPC and window events keep flowing.

export interface BackgroundBatches {
  /** No batch starts after this; the one running finishes. */
  stop(): void;
  /** Resolves when the work is done, stopped, or failed (failures go to `onError`). */
  readonly done: Promise<void>;
}

/**
 * Runs `step` (one batch; returns how many items it handled) until it handles none.
 * `pauseMs` (default 25) passes between batches.
 */
export function runInBatches(step: () => number, options: { pauseMs?: number; onError(error: unknown): void }): BackgroundBatches {
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  let finish: () => void = () => {};
  const done = new Promise<void>((resolve) => (finish = resolve));
  const next = () => {
    timer = null;
    if (stopped) return finish();
    try {
      if (step() === 0) return finish();
    } catch (error) {
      options.onError(error);
      return finish();
    }
    timer = setTimeout(next, options.pauseMs ?? 25);
  };
  timer = setTimeout(next, 0);
  return {
    stop() {
      stopped = true;
      if (timer) {
        clearTimeout(timer);
        timer = null;
        finish();
      }
    },
    done,
  };
}
