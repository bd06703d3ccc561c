// The profile configuration that points Mailbridge's HubSpot connector at the emulator
// instead of api.hubapi.com: the same settings a rep's config.json would hold.
import type { HubSpotConfig } from '../../src-main/platform/profile-config.ts';
import { HUBSPOT_TEST_TOKEN } from './crm/hubspot-emulator.ts';

/** The token the emulator accepts by default; store it as the profile's HubSpot token. */
export const EMULATED_HUBSPOT_TOKEN = HUBSPOT_TEST_TOKEN;

/** `{apiUrl: emulatorUrl, …extra}`; `emulatorUrl` as returned by HubSpotEmulator.start(). */
export function emulatedHubSpotConfig(emulatorUrl: string, extra: HubSpotConfig = {}): HubSpotConfig {
  return { apiUrl: emulatorUrl.replace(/\/+$/, ''), ...extra };
}
