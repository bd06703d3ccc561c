// The profile configuration that points Mailbridge's Salesforce sign-in at the identity
// emulator (the login host) and its connector at the Salesforce emulator (the instance_url
// the token answer names): the same settings a rep's config.json would hold.
import type { SalesforceConfig } from '../../src-main/platform/profile-config.ts';
import { SALESFORCE_PUBLIC_CLIENT } from './identity/salesforce-identity.ts';
import { SALESFORCE_API_VERSION } from './salesforce/salesforce-emulator.ts';

/** The External Client App's consumer key the identity emulator registers (public client, PKCE, no secret). */
export const EMULATED_SALESFORCE_CLIENT_ID = SALESFORCE_PUBLIC_CLIENT.clientId;

/**
 * `{clientId, loginUrl: identityEmulator.endpoints.salesforceLoginUrl, apiVersion, redirectPort: 0, …extra}`:
 * an ephemeral redirect port, so test files signing in at once do not contend for the fixed one.
 */
export function emulatedSalesforceConfig(loginUrl: string, extra: SalesforceConfig = {}): SalesforceConfig {
  return {
    clientId: EMULATED_SALESFORCE_CLIENT_ID,
    loginUrl: loginUrl.replace(/\/+$/, ''),
    apiVersion: SALESFORCE_API_VERSION,
    redirectPort: 0,
    ...extra,
  };
}
