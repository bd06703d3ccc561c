// A per-request timeout for the Microsoft Graph client, as a middleware in its chain (the
// client sets none: a server that stops answering would hold a sync forever).
// Middleware contract: https://github.com/microsoftgraph/msgraph-sdk-javascript/blob/dev/docs/CustomMiddlewareChain.md
import type { Context, Middleware } from '@microsoft/microsoft-graph-client';

/**
 * Middleware giving every request `timeoutMs`, body included (an AbortSignal.timeout on the
 * fetch, which also ends the body's stream). The client reports it as a GraphError whose code
 * is "TimeoutError", which the pacer retries like a dropped connection.
 */
export class TimeoutHandler implements Middleware {
  readonly #timeoutMs: number;
  #next: Middleware | undefined;

  constructor(timeoutMs: number) {
    this.#timeoutMs = timeoutMs;
  }

  execute(context: Context): Promise<void> {
    const timeout = AbortSignal.timeout(this.#timeoutMs);
    const own = context.options?.signal;
    context.options = { ...context.options, signal: own ? AbortSignal.any([own, timeout]) : timeout };
    return this.#next!.execute(context);
  }

  setNext(next: Middleware): void {
    this.#next = next;
  }
}
