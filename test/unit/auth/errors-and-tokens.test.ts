// invalid_grant detection, token-response mapping and the system-browser command: the pure
// parts of src-main/auth that the integration test only reaches on the happy path.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AuthError, ReconnectRequiredError, isInvalidGrant } from '../../../src-main/auth/errors.ts';
import { toGoogleTokens, tokenRequestError, resolveEndpoints, GOOGLE_ENDPOINTS } from '../../../src-main/auth/google-oauth.ts';
import { openInSystemBrowser, systemBrowserCommand } from '../../../src-main/auth/system-browser.ts';

test('isInvalidGrant recognises gaxios-style token errors and ReconnectRequiredError', () => {
  assert.equal(isInvalidGrant({ message: 'invalid_grant', response: { status: 400, data: { error: 'invalid_grant' } } }), true);
  assert.equal(isInvalidGrant({ response: { data: '{"error":"invalid_grant","error_description":"x"}' } }), true);
  assert.equal(isInvalidGrant(new ReconnectRequiredError()), true);
  assert.equal(isInvalidGrant({ response: { status: 400, data: { error: 'invalid_client' } } }), false);
  assert.equal(isInvalidGrant({ response: { status: 500, data: 'oops' } }), false);
  assert.equal(isInvalidGrant(new Error('network down')), false);
  assert.equal(isInvalidGrant(null), false);
});

test('ReconnectRequiredError is an AuthError with code reconnect_required', () => {
  const err = new ReconnectRequiredError();
  assert.ok(err instanceof AuthError);
  assert.equal(err.code, 'reconnect_required');
});

test('tokenRequestError keeps the OAuth error code but not the request', () => {
  const gaxiosLike = {
    message: 'invalid_grant',
    config: { data: 'code=SECRETCODE&code_verifier=SECRETVERIFIER' },
    response: { status: 400, data: { error: 'invalid_grant' } },
  };
  const err = tokenRequestError(gaxiosLike, 'Code exchange');
  assert.equal(err.code, 'token_exchange_failed');
  assert.equal(err.message, 'Code exchange failed: invalid_grant');
  assert.equal(err.cause, undefined);
  assert.doesNotMatch(JSON.stringify({ ...err, message: err.message }), /SECRET/);
  assert.equal(tokenRequestError({ response: { status: 503 } }, 'Refresh').message, 'Refresh failed: HTTP 503');
});

test('toGoogleTokens keeps the refresh token and email across refresh responses', () => {
  const claims = Buffer.from(JSON.stringify({ sub: '1', email: 'Dasovich-J@Enron.test' })).toString('base64url');
  const first = toGoogleTokens({
    access_token: 'a1',
    refresh_token: 'r1',
    expiry_date: 1_000,
    scope: 'openid email',
    id_token: `h.${claims}.s`,
  });
  assert.deepEqual(first, {
    accessToken: 'a1',
    refreshToken: 'r1',
    expiresAt: 1_000,
    scopes: ['openid', 'email'],
    idToken: `h.${claims}.s`,
    email: 'dasovich-j@enron.test',
  });
  const second = toGoogleTokens({ access_token: 'a2', expiry_date: 2_000 }, first);
  assert.equal(second.refreshToken, 'r1');
  assert.equal(second.email, 'dasovich-j@enron.test');
  assert.deepEqual(second.scopes, ['openid', 'email']);
  assert.throws(() => toGoogleTokens({ access_token: 'a' }), (err) => err instanceof AuthError && err.code === 'invalid_response');
  assert.throws(() => toGoogleTokens({ refresh_token: 'r' }), AuthError);
});

test('endpoints default to Google and can be overridden one by one', () => {
  assert.equal(resolveEndpoints({ clientId: 'c', clientSecret: 's' }).tokenUrl, 'https://oauth2.googleapis.com/token');
  const mixed = resolveEndpoints({ clientId: 'c', clientSecret: 's', endpoints: { tokenUrl: 'https://127.0.0.1:1/token' } });
  assert.equal(mixed.tokenUrl, 'https://127.0.0.1:1/token');
  assert.equal(mixed.authorizationUrl, GOOGLE_ENDPOINTS.authorizationUrl);
});

test('the system browser gets the URL as one argv element on every platform', () => {
  const url = 'https://accounts.google.com/o/oauth2/v2/auth?a=1&b=2"&calc.exe';
  assert.deepEqual(systemBrowserCommand(url, 'linux'), { command: 'xdg-open', args: [url] });
  assert.deepEqual(systemBrowserCommand(url, 'darwin'), { command: 'open', args: [url] });
  assert.deepEqual(systemBrowserCommand(url, 'win32'), { command: 'rundll32', args: ['url.dll,FileProtocolHandler', url] });
});

test('openInSystemBrowser refuses non-http(s) URLs', async () => {
  await assert.rejects(openInSystemBrowser('file:///etc/passwd'), TypeError);
  await assert.rejects(openInSystemBrowser('javascript:alert(1)'), TypeError);
  await assert.rejects(openInSystemBrowser('not a url'), TypeError);
});
