// The profile configuration that points Mailbridge's Pipedrive connector at the emulator
// instead of api.pipedrive.com: the same settings a rep's config.json would hold.
import type { PipedriveConfig } from '../../src-main/platform/profile-config.ts';
import { PIPEDRIVE_TEST_TOKEN } from './pipedrive/pipedrive-emulator.ts';

/** The personal API token the emulator accepts by default; store it as the profile's Pipedrive token. */
export const EMULATED_PIPEDRIVE_TOKEN = PIPEDRIVE_TEST_TOKEN;

/** `{apiUrl: emulatorUrl, …extra}`; `emulatorUrl` as returned by PipedriveEmulator.start(). */
export function emulatedPipedriveConfig(emulatorUrl: string, extra: PipedriveConfig = {}): PipedriveConfig {
  return { apiUrl: emulatorUrl.replace(/\/+$/, ''), ...extra };
}
