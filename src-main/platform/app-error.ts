// The error a service throws on purpose, with a code from the contract's closed union that
// the UI acts on (reconnect_required, offline, rate_limited, …). Below every layer that
// throws it (crm, accounts) and the one that turns it into a Result (ipc/dispatch.ts).
import type { ErrorCode } from '../../src-preload/contract/index.ts';

export class AppError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = 'AppError';
    this.code = code;
  }
}
