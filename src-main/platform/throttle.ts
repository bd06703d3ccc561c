// Leading-and-trailing throttling for events that may fire in bursts (a flush of 1,000 outbox
// items, a sync committing a batch every few hundred ms): the first call runs at once, later
// ones within `intervalMs` fold into one trailing run, so listeners hear of the latest state
// at most once per interval and never miss the last change.

export interface Throttled {
  /** Runs now, or once at the end of the current interval. */
  (): void;
  /** Drops a pending trailing run (shutdown). */
  cancel(): void;
}

export function throttle(run: () => void, intervalMs: number): Throttled {
  let timer: NodeJS.Timeout | null = null;
  let pending = false;
  const trailing = () => {
    if (!pending) {
      timer = null;
      return;
    }
    pending = false;
    run();
    timer = setTimeout(trailing, intervalMs).unref();
  };
  const throttled = () => {
    if (timer) {
      pending = true;
      return;
    }
    run();
    timer = setTimeout(trailing, intervalMs).unref();
  };
  throttled.cancel = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    pending = false;
  };
  return throttled;
}
