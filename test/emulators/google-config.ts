// The profile configuration that points Mailbridge's Google sign-in and Gmail sync at the
// emulators instead of Google: the same settings a rep's config.json would hold.
import type { GoogleConfig } from '../../src-main/platform/profile-config.ts';
import { GOOGLE_DESKTOP_CLIENT, type IdentityEndpoints } from './identity/identity-emulator.ts';

export function emulatedGoogleConfig(endpoints: IdentityEndpoints, gmailUrl: string, extra: GoogleConfig = {}): GoogleConfig {
  return {
    clientId: GOOGLE_DESKTOP_CLIENT.clientId,
    clientSecret: GOOGLE_DESKTOP_CLIENT.clientSecret,
    authUrl: endpoints.authorizationUrl,
    tokenUrl: endpoints.tokenUrl,
    revokeUrl: endpoints.revocationUrl,
    tokenInfoUrl: endpoints.tokenInfoUrl,
    gmailUrl: gmailUrl.endsWith('/') ? gmailUrl : `${gmailUrl}/`,
    ...extra,
  };
}
