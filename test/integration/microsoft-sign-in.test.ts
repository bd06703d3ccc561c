// Microsoft sign-in end to end: msal-node against the oidc-provider emulator as an OIDC
// authority over HTTPS, Chromium clicking through sign-in and consent, and the browser's
// redirect to mailbridge://auth/microsoft handed to the running services by a real second
// `mailbridge <url>` process, as the OS would. Wrong and replayed states are rejected and
// logged without secrets; the loopback fallback, silent refresh and abort are covered too.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Browser } from 'playwright-core';
import { IdentityEmulator, DEFAULT_TEST_USER } from '../emulators/identity/identity-emulator.ts';
import { consentingBrowserOpener, deepLinkBrowserOpener } from '../emulators/identity/browser-consent.ts';
import { emulatedMicrosoftConfig } from '../emulators/microsoft-config.ts';
import { launchChromium } from '../support/chromium.ts';
import { openServices, type Services } from '../../src-main/app/assemble.ts';
import { listenForDeepLinks, instanceSocketPath, type InstanceListener } from '../../src-main/platform/single-instance.ts';
import { setLogSink } from '../../src-main/platform/logger.ts';
import { AuthError, credentialCacheStorage, MicrosoftTokenSource, type MicrosoftCredentials } from '../../src-main/auth/index.ts';
import { microsoftAccounts } from '../../src-main/accounts/microsoft-account.ts';

const run = promisify(execFile);
const BIN = join(import.meta.dirname, '../../bin/mailbridge.js');

/** `mailbridge --profile DIR <url>` in a new process, exactly as the OS starts it for a link. */
async function secondProcess(profileDir: string, url: string): Promise<{ code: number; stderr: string }> {
  try {
    const { stderr } = await run(process.execPath, [BIN, '--profile', profileDir, url], { timeout: 20_000 });
    return { code: 0, stderr };
  } catch (error) {
    const e = error as { code?: number; stderr?: string };
    return { code: e.code ?? 1, stderr: e.stderr ?? '' };
  }
}

describe('Microsoft sign-in with msal-node against the identity emulator', () => {
  const identity = new IdentityEmulator({ accessTokenTtlSeconds: 2 });
  let browser: Browser;
  let services: Services;
  let listener: InstanceListener;
  let profileDir: string;
  const logLines: string[] = [];
  let restoreLog: () => void;
  const secrets: string[] = [];

  before(async () => {
    restoreLog = setLogSink((line) => logLines.push(line), 'debug');
    const endpoints = await identity.start();
    browser = await launchChromium();
    profileDir = mkdtempSync(join(tmpdir(), 'mailbridge-ms-'));
    services = await openServices({ profileDir, config: { microsoft: emulatedMicrosoftConfig(endpoints, 'https://127.0.0.1:9/v1.0') } });
    listener = await listenForDeepLinks(profileDir, (url) => services.handleDeepLink(url));
  });

  after(async () => {
    restoreLog?.();
    await listener?.close();
    services?.close();
    await browser?.close();
    await identity.stop();
    if (profileDir) rmSync(profileDir, { recursive: true, force: true });
  });

  test('the instance socket is private to the user', () => {
    assert.equal(statSync(instanceSocketPath(profileDir)).mode & 0o777, 0o600);
  });

  test('sign-in in Chromium; the redirect reaches the app through a second process; wrong and replayed states are rejected', async () => {
    let redirect = '';
    const handoffs: Array<{ code: number; stderr: string }> = [];
    const account = await services.connectMicrosoft({
      timeoutMs: 60_000,
      openBrowser: deepLinkBrowserOpener(browser, {
        onDeepLink: async (url) => {
          redirect = url;
          const parsed = new URL(url);
          secrets.push(parsed.searchParams.get('code')!, parsed.searchParams.get('state')!);
          // A forged link first: same code, another state. It must not end the sign-in.
          const forged = new URL(url);
          forged.searchParams.set('state', 'forged-state-value-0123456789');
          handoffs.push(await secondProcess(profileDir, forged.href));
          handoffs.push(await secondProcess(profileDir, url));
        },
      }),
    });
    assert.equal(account.email, DEFAULT_TEST_USER.email);
    assert.equal(account.provider, 'microsoft');
    assert.equal(account.status, 'connected');
    assert.match(redirect, /^mailbridge:\/\/auth\/microsoft\?/);
    assert.deepEqual(handoffs.map((h) => h.code), [0, 0], 'the second process exits 0 once it handed the link over');
    assert.match(handoffs[0]!.stderr, /did not accept/);
    assert.match(handoffs[1]!.stderr, /handed to the running instance/);

    const replay = await secondProcess(profileDir, redirect);
    assert.equal(replay.code, 0);
    assert.match(replay.stderr, /did not accept/);
    assert.ok(logLines.some((l) => l.includes('deep link rejected') && l.includes('state mismatch')), 'the forged state is logged');
    assert.ok(logLines.some((l) => l.includes('deep link rejected') && l.includes('replayed state')), 'the replay is logged');

    const exchange = identity.tokenRequests.find((r) => r.grantType === 'authorization_code' && r.code === secrets[0]);
    assert.ok(exchange, 'the code was exchanged');
    assert.match(exchange.codeVerifier ?? '', /^[\w~.-]{43,128}$/, 'with a PKCE verifier');
    secrets.push(exchange.codeVerifier!);
  });

  test('the access token carries the Graph scopes; msal refreshes it silently from the stored cache', async () => {
    const account = services.store.accounts.list().find((a) => a.provider === 'microsoft')!;
    const credentials = services.store.accounts.getTokens<MicrosoftCredentials>(account.id)!;
    assert.ok(credentials.msalCache.includes('RefreshToken'), 'msal cache with a refresh token is in the encrypted store');
    const config = microsoftAccounts({ store: services.store, config: emulatedMicrosoftConfig(identity.endpoints, 'https://127.0.0.1:9/v1.0') }).oauthConfig();
    const source = new MicrosoftTokenSource({ config, homeAccountId: credentials.homeAccountId, storage: credentialCacheStorage(services.store.accounts, account.id), refreshMarginMs: 0 });
    const first = await source.getAccessToken();
    const verified = await identity.verifyAccessToken(first);
    assert.equal(verified?.email, DEFAULT_TEST_USER.email);
    // Reading, changing and sending mail: nothing more (no calendar, contacts or files).
    assert.deepEqual(verified?.scopes.filter((s) => !['openid', 'profile', 'offline_access'].includes(s)).sort(), ['Mail.ReadWrite', 'Mail.Send', 'User.Read']);
    secrets.push(first);

    await new Promise((resolve) => setTimeout(resolve, 2_500));
    const refreshesBefore = identity.tokenRequests.filter((r) => r.grantType === 'refresh_token').length;
    const second = await source.getAccessToken();
    assert.notEqual(second, first);
    assert.ok(await identity.verifyAccessToken(second));
    assert.equal(identity.tokenRequests.filter((r) => r.grantType === 'refresh_token').length, refreshesBefore + 1);
    secrets.push(second);
    const stored = services.store.accounts.getTokens<MicrosoftCredentials>(account.id)!;
    assert.notEqual(stored.msalCache, credentials.msalCache, 'the refreshed cache was written back through the plugin');
  });

  test('loopback fallback: acquireTokenInteractive with form_post signs in the same account', async () => {
    const before = services.store.accounts.list().length;
    const account = await services.connectMicrosoft({ loopback: true, timeoutMs: 60_000, openBrowser: consentingBrowserOpener(browser) });
    assert.equal(account.email, DEFAULT_TEST_USER.email);
    assert.equal(services.store.accounts.list().length, before, 'the same account, reconnected');
  });

  test('an aborted sign-in ends cleanly and leaves no pending redirect', async () => {
    const controller = new AbortController();
    const pending = services.connectMicrosoft({ openBrowser: async () => void setTimeout(() => controller.abort(), 50), signal: controller.signal });
    await assert.rejects(pending, (error: unknown) => error instanceof AuthError && error.code === 'cancelled');
    assert.equal(services.handleDeepLink('mailbridge://auth/microsoft?code=x&state=y'), false);
  });

  test('no code, state, verifier or token appears in any log line', () => {
    assert.ok(secrets.length >= 5);
    for (const line of logLines) for (const secret of secrets) assert.ok(!line.includes(secret), `log line leaks a secret: ${line.slice(0, 120)}`);
  });
});
