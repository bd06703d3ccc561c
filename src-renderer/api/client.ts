// The only module that touches window.mailbridge: typed calls that unwrap Results.
import type { ChannelInput, ChannelName, ChannelOutput, MailbridgeApi, ResultError } from '../../src-preload/contract/index.ts';

declare global {
  interface Window {
    mailbridge: MailbridgeApi;
  }
}

export class ApiError extends Error {
  readonly code: ResultError['code'];
  constructor(error: ResultError) {
    super(error.message);
    this.code = error.code;
  }
}

export async function call<C extends ChannelName>(channel: C, input: ChannelInput<C>): Promise<ChannelOutput<C>> {
  const result = await window.mailbridge.invoke(channel, input);
  if (!result.ok) throw new ApiError(result.error);
  return result.value;
}
