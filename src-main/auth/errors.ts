// Sign-in and token failures as a closed set of codes the UI can act on (CONVENTIONS
// practice 3). Messages never carry tokens, codes or verifiers, and no library error is
// attached as `cause`: a GaxiosError holds the request body, secrets included.

export type AuthErrorCode =
  /** The user pressed Cancel/Deny on the consent page (RFC 6749 §4.1.2.1 error=access_denied). */
  | 'access_denied'
  /** Any other error=… the authorization server sent back to the redirect URI. */
  | 'authorization_error'
  /** The redirect carried neither code nor error, or the token response was incomplete. */
  | 'invalid_response'
  | 'token_exchange_failed'
  | 'timeout'
  | 'cancelled'
  | 'browser_failed'
  /** The refresh token is no longer valid (invalid_grant): the user must sign in again. */
  | 'reconnect_required';

export class AuthError extends Error {
  readonly code: AuthErrorCode;

  constructor(code: AuthErrorCode, message: string) {
    super(message);
    this.name = 'AuthError';
    this.code = code;
  }
}

/**
 * The provider answered `invalid_grant` to a refresh (RFC 6749 §5.2): the grant was revoked,
 * expired, or the password changed. Retrying cannot help; the account must be reconnected.
 */
export class ReconnectRequiredError extends AuthError {
  constructor(message = 'The account must be reconnected: the refresh token is no longer valid') {
    super('reconnect_required', message);
    this.name = 'ReconnectRequiredError';
  }
}

interface ErrorLike {
  message?: unknown;
  response?: { status?: unknown; data?: unknown };
}

/** The OAuth `error` field of a token-endpoint error response (gaxios/fetch style), if any. */
export function oauthErrorCode(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const data = (err as ErrorLike).response?.data;
  if (typeof data === 'object' && data !== null && typeof (data as { error?: unknown }).error === 'string') {
    return (data as { error: string }).error;
  }
  if (typeof data === 'string') {
    try {
      const parsed = JSON.parse(data) as { error?: unknown };
      if (typeof parsed.error === 'string') return parsed.error;
    } catch {
      // not JSON: fall through to the message
    }
  }
  const message = (err as ErrorLike).message;
  return message === 'invalid_grant' ? message : undefined;
}

/**
 * True when `err` means the grant is gone: a ReconnectRequiredError, or a token-endpoint
 * answer `{"error":"invalid_grant"}` as google-auth-library (GaxiosError) reports it.
 */
export function isInvalidGrant(err: unknown): boolean {
  if (err instanceof ReconnectRequiredError) return true;
  return oauthErrorCode(err) === 'invalid_grant';
}
