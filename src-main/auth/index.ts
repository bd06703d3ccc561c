// The auth module's public surface: what the Electron shell, the CLI and the mail providers import.
export { AuthError, ReconnectRequiredError, isInvalidGrant, type AuthErrorCode } from './errors.ts';
export {
  DEFAULT_GOOGLE_SCOPES,
  GMAIL_READONLY_SCOPE,
  GMAIL_MODIFY_SCOPE,
  GMAIL_SEND_SCOPE,
  GMAIL_IMAP_SCOPE,
  GOOGLE_ENDPOINTS,
  GOOGLE_IMAP_SCOPES,
  GoogleTokenSource,
  googleCanSend,
  createGoogleClient,
  getFreshAccessToken,
  revokeGoogleTokens,
  type GoogleClientOptions,
  type GoogleOAuthConfig,
  type GoogleOAuthEndpoints,
  type GoogleTokens,
} from './google-oauth.ts';
export { signInWithGoogle, type SignInOptions } from './google-sign-in.ts';
export { startLoopbackRedirect, type LoopbackRedirect, type LoopbackRedirectOptions } from './loopback-redirect.ts';
export { openInSystemBrowser } from './system-browser.ts';
export {
  DEFAULT_MICROSOFT_SCOPES,
  READ_ONLY_MICROSOFT_SCOPES,
  microsoftCanSend,
  MICROSOFT_REDIRECT_URI,
  MicrosoftTokenSource,
  createMicrosoftClient,
  credentialCacheStorage,
  isMicrosoftReconnectError,
  memoryCacheStorage,
  microsoftAuthority,
  removeMicrosoftAccount,
  type CredentialRecords,
  type MicrosoftCredentials,
  type MicrosoftOAuthConfig,
  type MsalCacheStorage,
} from './microsoft-oauth.ts';
export { DeepLinkBroker, type PendingRedirect } from './microsoft-redirect.ts';
export { signInWithMicrosoft, type MicrosoftSignInOptions, type MicrosoftSignInResult } from './microsoft-sign-in.ts';
export {
  DEFAULT_SALESFORCE_LOGIN_URL,
  DEFAULT_SALESFORCE_SCOPES,
  SalesforceTokenRequestError,
  refreshSalesforceTokens,
  revokeSalesforceToken,
  salesforceEndpoints,
  salesforceOAuthConfig,
  type SalesforceOAuthConfig,
  type SalesforceTokens,
} from './salesforce-oauth.ts';
export { SalesforceTokenSource, parseSalesforceTokens, serializeSalesforceTokens, type SalesforceTokenSourceOptions } from './salesforce-session.ts';
export { signInWithSalesforce, type SalesforceSignInOptions } from './salesforce-sign-in.ts';
