// The only module that touches window.mailbridge: typed calls that unwrap Results, and a
// hook for every failure so the shell can show toasts and the offline banner in one place.
import type {
  ChannelInput,
  ChannelName,
  ChannelOutput,
  ErrorCode,
  EventName,
  EventPayload,
  MailbridgeApi,
  ResultError,
} from '../../src-preload/contract/index.ts';

declare global {
  interface Window {
    mailbridge: MailbridgeApi;
  }
}

export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly channel: ChannelName;
  constructor(channel: ChannelName, error: ResultError) {
    super(error.message);
    this.name = 'ApiError';
    this.code = error.code;
    this.channel = channel;
  }
}

export const errorCode = (error: unknown): ErrorCode => (error instanceof ApiError ? error.code : 'internal');
export const errorMessage = (error: unknown): string =>
  error instanceof Error ? error.message : 'something went wrong';

type CallListener = (channel: ChannelName, error: ApiError | null) => void;
const callListeners = new Set<CallListener>();

/** Observes every call's outcome (error or null on success): the connectivity tracker uses it. */
export function onCallSettled(listener: CallListener): () => void {
  callListeners.add(listener);
  return () => callListeners.delete(listener);
}

/** Invokes a contract channel; resolves to its value or rejects with an ApiError. */
export async function call<C extends ChannelName>(channel: C, input: ChannelInput<C>): Promise<ChannelOutput<C>> {
  let result: Awaited<ReturnType<MailbridgeApi['invoke']>>;
  try {
    result = await window.mailbridge.invoke(channel, input);
  } catch {
    // The bridge itself failed (the main process went away or the transport dropped).
    result = { ok: false, error: { code: 'internal', message: 'Mailbridge could not reach its background service' } };
  }
  if (!result.ok) {
    const error = new ApiError(channel, result.error);
    for (const listener of callListeners) listener(channel, error);
    throw error;
  }
  for (const listener of callListeners) listener(channel, null);
  return result.value as ChannelOutput<C>;
}

/** Subscribes to a main-process event; returns the unsubscribe function. */
export function subscribe<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
  if (!window.mailbridge) return () => {};
  return window.mailbridge.on(event, listener);
}
