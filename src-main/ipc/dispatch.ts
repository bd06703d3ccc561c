// Transport-free request handling for the preload contract: validates the payload with
// the channel's zod schema, runs the handler, and turns every outcome into a Result.
// The Electron IPC layer and the headless test transport both call this, so validation
// and error mapping are the same whichever way a request arrives.
import {
  channels,
  err,
  ok,
  type ChannelName,
  type ChannelOutput,
  type Result,
} from '../../src-preload/contract/index.ts';
import type { z } from 'zod';
import { createLogger } from '../platform/logger.ts';
import { AppError } from '../platform/app-error.ts';

const log = createLogger('ipc');

export type Handlers = {
  [C in ChannelName]: (input: z.output<(typeof channels)[C]['input']>) => Promise<ChannelOutput<C>> | ChannelOutput<C>;
};

function isChannel(name: unknown): name is ChannelName {
  return typeof name === 'string' && Object.hasOwn(channels, name);
}

/**
 * Handles one request. Never throws: unknown channels and invalid payloads answer
 * `invalid_input`; an AppError keeps its code; anything else is logged and answers
 * `internal` without its message (which could carry paths or data).
 */
export async function dispatch(handlers: Handlers, channel: unknown, input: unknown): Promise<Result<unknown>> {
  if (!isChannel(channel)) return err('invalid_input', 'unknown channel');
  const parsed = channels[channel].input.safeParse(input);
  if (!parsed.success) {
    return err('invalid_input', parsed.error.issues.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`).join('; '));
  }
  try {
    const handler = handlers[channel] as (input: unknown) => unknown;
    return ok(await handler(parsed.data));
  } catch (error) {
    if (error instanceof AppError) return err(error.code, error.message);
    log.error('handler failed', { channel, error });
    return err('internal', 'something went wrong; see the log');
  }
}
