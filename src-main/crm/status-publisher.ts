// CRM status events, throttled: at most one per STATUS_THROTTLE_MS (the first at once, the
// last one trailing) and none when nothing changed, so a 1,000-item flush does not send
// 1,000 events to the renderer.
import { throttle } from '../platform/throttle.ts';
import type { CrmStatus } from '../../src-preload/contract/index.ts';

/** Least time between two status events, ms. */
const STATUS_THROTTLE_MS = 250;

export class StatusPublisher {
  readonly #status: () => CrmStatus;
  readonly #listeners = new Set<(status: CrmStatus) => void>();
  readonly #publish = throttle(() => this.#publishNow(), STATUS_THROTTLE_MS);
  #last = '';

  constructor(status: () => CrmStatus) {
    this.#status = status;
  }

  /** Returns unsubscribe. */
  subscribe(listener: (status: CrmStatus) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** The status may have changed. */
  changed(): void {
    if (this.#listeners.size) this.#publish();
  }

  close(): void {
    this.#publish.cancel();
    this.#listeners.clear();
  }

  #publishNow(): void {
    const status = this.#status();
    const json = JSON.stringify(status);
    if (json === this.#last) return;
    this.#last = json;
    this.#listeners.forEach((listener) => listener(status));
  }
}
