// Transport faults any emulator can play on its next requests: answers cut off mid-body
// (see sendTruncated), requests held past the client's timeout, and send calls committed
// whose answer never arrives. The fault storms (test/integration/fault-storms.test.ts)
// drive them through `emulator.faults`; /__admin/faults/* exposes them over HTTP.
import type { IncomingMessage } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';

export class TransportFaults {
  #truncate = 0;
  #stall = { count: 0, ms: 0 };
  /** Requests (method and URL) already stalled: a slow server's retry is answered, as a retry on a fresh connection usually is. */
  #stalled = new Set<string>();
  #abandoned = 0;
  #commitThenDrop = 0;
  #dropped = 0;

  /** The next `count` successful answers stop halfway through the body and drop the connection. */
  truncateNext(count: number): void {
    this.#truncate = count;
  }

  /**
   * The next `count` distinct requests wait `ms` before they are handled (a server slower than
   * the client's timeout). A request is stalled at most once: its retry is answered, so a test
   * knows how many requests were abandoned whatever order concurrent requests arrive in.
   */
  stallNext(count: number, ms: number): void {
    this.#stall = { count, ms };
    this.#stalled.clear();
  }

  /**
   * The next `count` accepted send calls (Gmail messages.send, Graph sendMail) store the
   * message, then destroy the connection before any byte of the answer: the client cannot
   * tell whether the mail went out. Other requests are not affected and do not count.
   */
  commitThenDropNext(count: number): void {
    this.#commitThenDrop = count;
  }

  /** Send calls still to be committed and then dropped. */
  get commitThenDropPending(): number {
    return this.#commitThenDrop;
  }

  /** Send answers dropped after their commit since start. */
  get droppedSendAnswers(): number {
    return this.#dropped;
  }

  /** True when this committed send's answer is to be dropped (counts one of commitThenDropNext's). */
  takeCommitThenDrop(): boolean {
    if (this.#commitThenDrop <= 0) return false;
    this.#commitThenDrop -= 1;
    this.#dropped += 1;
    return true;
  }

  /** Stalled requests whose client had hung up by the time the stall ended. */
  get abandonedStalls(): number {
    return this.#abandoned;
  }

  /** Waits out a pending stall; false when the client hung up meanwhile (drop the request then). */
  async stall(req: IncomingMessage): Promise<boolean> {
    const request = `${req.method} ${req.url}`;
    if (this.#stall.count <= 0 || this.#stalled.has(request)) return true;
    this.#stall.count -= 1;
    this.#stalled.add(request);
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
