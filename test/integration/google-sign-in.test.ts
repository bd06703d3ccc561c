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
});
