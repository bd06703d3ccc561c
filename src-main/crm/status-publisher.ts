// CRM status events, throttled: at most one per STATUS_THROTTLE_MS (the first at once, the
// last one trailing) and none when nothing changed, so a 1,000-item flush does not send
// 1,000 events to the renderer.
import type { CrmStatus } from '../../src-preload/contract/index.ts';

/** Least time between two status events, ms. */
const STATUS_THROTTLE_MS = 250;

export class StatusPublisher {
  readonly #status: () => CrmStatus;
  readonly #listeners = new Set<(status: CrmStatus) => void>();
  #last = '';
  #timer: NodeJS.Timeout | null = null;
  #dirty = false;

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
    if (!this.#listeners.size) return;
    if (this.#timer) {
      this.#dirty = true;
      return;
    }
    this.#publish();
    const trailing = () => {
      if (!this.#dirty) {
        this.#timer = null;
        return;
      }
      this.#dirty = false;
      this.#publish();
      this.#timer = setTimeout(trailing, STATUS_THROTTLE_MS).unref();
    };
    this.#timer = setTimeout(trailing, STATUS_THROTTLE_MS).unref();
  }

  close(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#listeners.clear();
  }

  #publish(): void {
    const status = this.#status();
    const json = JSON.stringify(status);
    if (json === this.#last) return;
    this.#last = json;
    this.#listeners.forEach((listener) => listener(status));
  }
}
