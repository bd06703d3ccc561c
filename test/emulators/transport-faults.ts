// Transport faults any emulator can play on its next requests: answers cut off mid-body
// (see sendTruncated) and requests held past the client's timeout. The fault storms
// (test/integration/fault-storms.test.ts) drive them through `emulator.faults`.
import type { IncomingMessage } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';

export class TransportFaults {
  #truncate = 0;
  #stall = { count: 0, ms: 0 };
  #abandoned = 0;

  /** The next `count` successful answers stop halfway through the body and drop the connection. */
  truncateNext(count: number): void {
    this.#truncate = count;
  }

  /** The next `count` requests wait `ms` before they are handled (a server slower than the client's timeout). */
  stallNext(count: number, ms: number): void {
    this.#stall = { count, ms };
  }

  /** Stalled requests whose client had hung up by the time the stall ended. */
  get abandonedStalls(): number {
    return this.#abandoned;
  }

  /** Waits out a pending stall; false when the client hung up meanwhile (drop the request then). */
  async stall(req: IncomingMessage): Promise<boolean> {
    if (this.#stall.count <= 0) return true;
    this.#stall.count -= 1;
    await sleep(this.#stall.ms);
    if (!req.destroyed) return true;
    this.#abandoned += 1;
    return false;
  }

  /** True when this successful answer is one to cut off (counts one of truncateNext's). */
  takeTruncation(): boolean {
    if (this.#truncate <= 0) return false;
    this.#truncate -= 1;
    return true;
  }
}
