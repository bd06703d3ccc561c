// Delivery of "send later" messages Exchange holds in the Outbox: once PR_DEFERRED_SEND_TIME
// has passed, a held message moves to Sent Items and counts as sent in the send ledger. Runs
// lazily (the emulator calls deliverDue around every request) and from an unref'd timer, so a
// test that only waits sees the delivery too.
import type { SendLedger } from '../send-ledger.ts';
import { deferredSendMs, type GraphFolder, type GraphMailbox, type GraphMessage } from './mailbox.ts';

/** A message with a deferred send time not yet delivered, as deferredMessages() lists it. */
export interface GraphDeferredMessage {
  /** The current REST id (it changes on the move to Sent Items). */
  id: string;
  immutableId: string;
  internetMessageId: string | null;
  /** PR_DEFERRED_SEND_TIME, ms since the epoch. */
  deferredUntil: number;
  /** "drafts" (set, not yet sent) or "outbox" (sent, held until deferredUntil). */
  folder: string;
}

export class DeferredDelivery {
  readonly #mailbox: GraphMailbox;
  readonly #ledger: SendLedger;
  /** Held messages by immutable id → whether the commit-then-drop fault swallowed their send answer. */
  readonly #held = new Map<string, boolean>();
  #timer: NodeJS.Timeout | null = null;
  #timerAt = Infinity;

  constructor(mailbox: GraphMailbox, ledger: SendLedger) {
    this.#mailbox = mailbox;
    this.#ledger = ledger;
  }

  /** A sent draft now waits in the Outbox (by immutable id); delivery is scheduled for its deferred time. */
  hold(immutableId: string, answerDropped: boolean): void {
    this.#held.set(immutableId, answerDropped);
    this.#schedule();
  }

  /**
   * Moves every held message whose deferred send time is ≤ `now` (ms) from the Outbox to Sent
   * Items, oldest time first, recording each in the send ledger. A held message deleted or moved
   * out of the Outbox meanwhile (a cancelled send) is forgotten. Returns the delivered messages.
   */
  deliverDue(now = Date.now()): GraphMessage[] {
    const due = this.#heldInOutbox().filter(([, until]) => until <= now).sort((a, b) => a[1] - b[1]);
    const sentItems = this.#mailbox.folder('sentitems')!;
    const delivered = due.map(([m]) => {
      const answerDropped = this.#held.get(m.immutableId) ?? false;
      this.#held.delete(m.immutableId);
      const moved = this.#mailbox.move(m.id, sentItems)!;
      this.#ledger.record(moved.raw, moved.immutableId, answerDropped);
      return moved;
    });
    this.#schedule();
    return delivered;
  }

  /** Drafts with a deferred send time and messages held in the Outbox, soonest first. */
  list(): GraphDeferredMessage[] {
    const out: GraphDeferredMessage[] = [];
    for (const name of ['drafts', 'outbox']) {
      for (const id of this.#mailbox.folder(name)!.messages) {
        const m = this.#mailbox.get(id)!;
        const until = deferredSendMs(m);
        if (until === null || (name === 'drafts' && !m.isDraft)) continue;
        out.push({ id: m.id, immutableId: m.immutableId, internetMessageId: m.fixed.internetMessageId, deferredUntil: until, folder: name });
      }
    }
    return out.sort((a, b) => a.deferredUntil - b.deferredUntil);
  }

  stop(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    this.#timerAt = Infinity;
  }

  /** Held messages still in the Outbox with their deferred send time (ms); stale entries are dropped. */
  #heldInOutbox(): [GraphMessage, number][] {
    const outbox: GraphFolder = this.#mailbox.folder('outbox')!;
    const out: [GraphMessage, number][] = [];
    for (const immutableId of [...this.#held.keys()]) {
      const m = this.#mailbox.get(immutableId);
      if (!m || m.folderId !== outbox.id || m.isDraft) {
        this.#held.delete(immutableId);
        continue;
      }
      out.push([m, deferredSendMs(m) ?? 0]);
    }
    return out;
  }

  /** One timer, for the soonest held message; it re-arms itself if it fired early. */
  #schedule(): void {
    const at = Math.min(...this.#heldInOutbox().map(([, until]) => until));
    if (at === this.#timerAt) return;
    this.stop();
    if (at === Infinity) return;
    this.#timerAt = at;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#timerAt = Infinity;
      this.deliverDue();
    }, Math.max(0, at - Date.now()) + 1);
    this.#timer.unref();
  }
}
