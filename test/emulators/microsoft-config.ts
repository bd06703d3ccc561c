// The profile configuration that points Mailbridge's Microsoft sign-in and Graph sync at the
// emulators instead of Entra ID and graph.microsoft.com: the settings a rep's config.json would hold.
import type { MicrosoftConfig } from '../../src-main/platform/profile-config.ts';
import { MICROSOFT_PUBLIC_CLIENT, type IdentityEndpoints } from './identity/identity-emulator.ts';

/** `graphUrl` is the emulator's base including /v1.0, e.g. https://127.0.0.1:1234/v1.0. */
export function emulatedMicrosoftConfig(endpoints: IdentityEndpoints, graphUrl: string, extra: Partial<MicrosoftConfig> = {}): MicrosoftConfig {
  return {
    clientId: MICROSOFT_PUBLIC_CLIENT.clientId,
    authority: endpoints.issuer,
    knownAuthorities: [new URL(endpoints.issuer).host],
    protocolMode: 'OIDC',
    graphUrl,
    ...extra,
  };
}
