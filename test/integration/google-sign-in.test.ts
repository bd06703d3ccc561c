// Google sign-in end to end: google-auth-library against the oidc-provider emulator, with
// Debian's Chromium clicking through the sign-in and consent pages as a person would.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import type { Browser } from 'playwright-core';
import { IdentityEmulator, GMAIL_READONLY_SCOPE, DEFAULT_TEST_USER } from '../emulators/identity/identity-emulator.ts';
import { consentingBrowserOpener } from '../emulators/identity/browser-consent.ts';
import { launchChromium } from '../support/chromium.ts';
import { signInWithGoogle } from '../../src-main/auth/google-sign-in.ts';
import {
  createGoogleClient,
  createOAuth2Client,
  getFreshAccessToken,
  revokeGoogleTokens,
  type GoogleOAuthConfig,
  type GoogleTokens,
} from '../../src-main/auth/google-oauth.ts';
import { AuthError, ReconnectRequiredError, isInvalidGrant } from '../../src-main/auth/errors.ts';
import { startLoopbackRedirect } from '../../src-main/auth/loopback-redirect.ts';
import { setLogSink } from '../../src-main/platform/logger.ts';
import { gmail } from '@googleapis/gmail';
import { GmailEmulator } from '../emulators/gmail/gmail-emulator.ts';

const SCOPES = ['openid', 'email', 'profile', GMAIL_READONLY_SCOPE];

function portOf(authUrl: string): number {
  return Number(new URL(new URL(authUrl).searchParams.get('redirect_uri') ?? '').port);
}

/** Resolves true when something accepts connections on 127.0.0.1:port. */
function isListening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

describe('Google sign-in against the identity emulator', () => {
  const emulator = new IdentityEmulator({ accessTokenTtlSeconds: 2 });
  let browser: Browser;
  let config: GoogleOAuthConfig;

  before(async () => {
    const endpoints = await emulator.start();
    config = {
      clientId: emulator.client.clientId,
      clientSecret: emulator.client.clientSecret,
      scopes: SCOPES,
      endpoints: {
        authorizationUrl: endpoints.authorizationUrl,
        tokenUrl: endpoints.tokenUrl,
        revocationUrl: endpoints.revocationUrl,
        tokenInfoUrl: endpoints.tokenInfoUrl,
      },
    };
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await emulator.stop();
  });

  async function signIn(): Promise<GoogleTokens> {
    return signInWithGoogle(config, { openBrowser: consentingBrowserOpener(browser), timeoutMs: 60_000 });
  }

  test('a person signs in and consents in Chromium; tokens come back', async () => {
    const tokens = await signIn();
    assert.ok(tokens.accessToken.length > 20);
    assert.ok(tokens.refreshToken.length > 20);
    assert.equal(tokens.email, DEFAULT_TEST_USER.email);
    assert.ok(tokens.scopes.includes(GMAIL_READONLY_SCOPE));
    assert.ok(tokens.expiresAt > Date.now() && tokens.expiresAt <= Date.now() + 3_000);
    const verified = await emulator.verifyAccessToken(tokens.accessToken);
    assert.equal(verified?.email, DEFAULT_TEST_USER.email);
    assert.ok(verified?.scopes.includes(GMAIL_READONLY_SCOPE));
    const exchange = emulator.tokenRequests.at(-1);
    assert.equal(exchange?.grantType, 'authorization_code');
    assert.match(exchange?.codeVerifier ?? '', /^[\w.~-]{43,128}$/);
  });

  test('the server checks the PKCE verifier: a tampered one gets invalid_grant', async () => {
    const state = 'fixed-state-for-this-test';
    const redirect = await startLoopbackRedirect({ expectedState: state, timeoutMs: 60_000 });
    try {
      const client = createOAuth2Client(config, redirect.redirectUri);
      const { codeVerifier, codeChallenge } = await client.generateCodeVerifierAsync();
      const { codeVerifier: otherVerifier } = await client.generateCodeVerifierAsync();
      const url = client.generateAuthUrl({
        access_type: 'offline',
        prompt: 'consent',
        code_challenge_method: 'S256' as never,
        code_challenge: codeChallenge,
        state,
        scope: SCOPES,
      });
      await consentingBrowserOpener(browser)(url);
      const { code } = await redirect.result;
      await assert.rejects(client.getToken({ code, codeVerifier: otherVerifier }), (err: unknown) => {
        assert.equal(isInvalidGrant(err), true);
        return true;
      });
      const rejected = emulator.tokenRequests.at(-1);
      assert.equal(rejected?.error, 'invalid_grant');
      assert.match(rejected?.errorDetail ?? '', /code_verifier/);
      // Control: the same code with the right verifier is accepted, so only the verifier differed.
      const { tokens } = await client.getToken({ code, codeVerifier });
      assert.ok(tokens.access_token);
    } finally {
      await redirect.close();
    }
  });

  test('a response with a tampered state is ignored: no code exchanged, the wait ends at the timeout, the port is freed', async () => {
    let port = 0;
    const exchangesBefore = emulator.tokenRequests.length;
    const openBrowser = consentingBrowserOpener(browser, {
      transformUrl: (url) => {
        port = portOf(url);
        const tampered = new URL(url);
        tampered.searchParams.set('state', 'attacker-state');
        return tampered.href;
      },
    });
    await assert.rejects(signInWithGoogle(config, { openBrowser, timeoutMs: 4_000 }), (err: unknown) => {
      assert.ok(err instanceof AuthError);
      assert.equal(err.code, 'timeout');
      return true;
    });
    assert.ok(port > 0);
    assert.equal(await isListening(port), false);
    assert.equal(emulator.tokenRequests.length, exchangesBefore, 'the code must not be exchanged');
  });

  test('pressing Cancel on the consent page ends with access_denied', async () => {
    const openBrowser = consentingBrowserOpener(browser, { decision: 'cancel' });
    await assert.rejects(signInWithGoogle(config, { openBrowser, timeoutMs: 60_000 }), (err: unknown) => {
      assert.ok(err instanceof AuthError);
      assert.equal(err.code, 'access_denied');
      return true;
    });
  });

  test('no answer within the timeout rejects with timeout and frees the port', async () => {
    let port = 0;
    const started = Date.now();
    await assert.rejects(
      signInWithGoogle(config, { openBrowser: async (url) => void (port = portOf(url)), timeoutMs: 300 }),
      (err: unknown) => err instanceof AuthError && err.code === 'timeout',
    );
    assert.ok(Date.now() - started >= 290);
    assert.ok(port > 0);
    assert.equal(await isListening(port), false);
  });

  test('aborting the signal cancels the sign-in and frees the port', async () => {
    let port = 0;
    const controller = new AbortController();
    const openBrowser = async (url: string) => {
      port = portOf(url);
      assert.equal(await isListening(port), true);
      setTimeout(() => controller.abort(), 50);
    };
    await assert.rejects(
      signInWithGoogle(config, { openBrowser, timeoutMs: 60_000, signal: controller.signal }),
      (err: unknown) => err instanceof AuthError && err.code === 'cancelled',
    );
    assert.equal(await isListening(port), false);
  });

  test('refresh through createGoogleClient reports new tokens; after revokeAllGrants it needs a reconnect', async () => {
    const tokens = await signIn();
    const reported: GoogleTokens[] = [];
    const client = createGoogleClient(config, tokens, { onTokens: (t) => void reported.push(t) });

    const fresh = await getFreshAccessToken(client); // 2 s lifetime < 5 min eager threshold: refreshes
    assert.notEqual(fresh, tokens.accessToken);
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(reported.length, 1);
    assert.equal(reported[0]?.accessToken, fresh);
    assert.equal(reported[0]?.refreshToken, tokens.refreshToken);
    assert.equal(reported[0]?.email, DEFAULT_TEST_USER.email);
    assert.equal((await emulator.verifyAccessToken(fresh))?.email, DEFAULT_TEST_USER.email);

    // A googleapis-style request refreshes on its own and sends the bearer token.
    const me = await client.request<{ email: string }>({ url: emulator.endpoints.userinfoUrl });
    assert.equal(me.data.email, DEFAULT_TEST_USER.email);
    assert.equal(reported.length, 2);

    assert.ok(emulator.revokeAllGrants() >= 1);
    assert.equal(await emulator.verifyAccessToken(fresh), null);
    await assert.rejects(getFreshAccessToken(client), ReconnectRequiredError);
    await assert.rejects(client.request({ url: emulator.endpoints.userinfoUrl }), (err: unknown) => {
      assert.ok(err instanceof ReconnectRequiredError);
      assert.equal(isInvalidGrant(err), true);
      return true;
    });
    assert.equal(reported.length, 2);
  });

  test('revokeUser only affects that user', async () => {
    const tokens = await signIn();
    assert.equal(emulator.revokeUser('nobody@enron.test'), 0);
    assert.ok(await emulator.verifyAccessToken(tokens.accessToken));
    assert.ok(emulator.revokeUser(DEFAULT_TEST_USER.email) >= 1);
    const client = createGoogleClient(config, tokens, { onTokens: () => {} });
    await assert.rejects(getFreshAccessToken(client), ReconnectRequiredError);
  });

  test('revokeGoogleTokens revokes the grant; revoking twice is not an error', async () => {
    const tokens = await signIn();
    await revokeGoogleTokens(config, tokens);
    assert.equal(await emulator.verifyAccessToken(tokens.accessToken), null);
    const client = createGoogleClient(config, tokens, { onTokens: () => {} });
    await assert.rejects(getFreshAccessToken(client), ReconnectRequiredError);
    await revokeGoogleTokens(config, tokens);
  });

  test('no token, code or verifier appears in any log line during sign-in and refresh', async () => {
    const lines: string[] = [];
    const restore = setLogSink((line) => void lines.push(line), 'debug');
    const secrets: string[] = [];
    try {
      const tokens = await signIn();
      const client = createGoogleClient(config, tokens, { onTokens: (t) => void secrets.push(t.accessToken) });
      await getFreshAccessToken(client);
      await client.request({ url: emulator.endpoints.userinfoUrl });
      emulator.revokeAllGrants();
      await assert.rejects(getFreshAccessToken(client), ReconnectRequiredError);
      secrets.push(tokens.accessToken, tokens.refreshToken, config.clientSecret);
      const exchange = emulator.tokenRequests.findLast((r) => r.grantType === 'authorization_code');
      assert.ok(exchange?.code && exchange.codeVerifier);
      secrets.push(exchange.code, exchange.codeVerifier);
    } finally {
      restore();
    }
    assert.ok(lines.length >= 5, `expected the flow to log, got ${lines.length} lines`);
    assert.ok(secrets.length >= 6);
    for (const line of lines) {
      for (const secret of secrets) assert.ok(!line.includes(secret), `a secret leaked into: ${line.slice(0, 120)}`);
    }
  });

  test('the Gmail emulator accepts tokens only while the identity emulator vouches for them', async () => {
    const gmailEmulator = new GmailEmulator({ verifyAccessToken: emulator.verifyAccessToken });
    const { url } = await gmailEmulator.start();
    try {
      const tokens = await signIn();
      const auth = createGoogleClient(config, tokens, { onTokens: () => {} });
      const api = gmail({ version: 'v1', rootUrl: `${url}/`, auth });
      const profile = await api.users.getProfile({ userId: 'me' });
      assert.equal(profile.data.emailAddress, DEFAULT_TEST_USER.email);
      emulator.revokeUser(DEFAULT_TEST_USER.email);
      await assert.rejects(api.users.getProfile({ userId: 'me' }), ReconnectRequiredError);
    } finally {
      await gmailEmulator.stop();
    }
  });
});
