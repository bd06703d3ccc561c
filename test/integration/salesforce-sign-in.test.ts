// Salesforce sign-in end to end: the public-client authorization code flow with PKCE and no
// secret against the identity emulator's Salesforce login host, with Debian's Chromium
// clicking through sign-in and consent; the tokens name the org's instance_url, drive the
// connector against the Salesforce emulator, refresh after a 401, and stop working once revoked.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import {
  IdentityEmulator, DEFAULT_TEST_USER, SALESFORCE_PUBLIC_CLIENT, SALESFORCE_TEST_ORG_ID, salesforceUserId,
} from '../emulators/identity/identity-emulator.ts';
import { consentingBrowserOpener } from '../emulators/identity/browser-consent.ts';
import { SalesforceEmulator } from '../emulators/salesforce/salesforce-emulator.ts';
import { emulatedSalesforceConfig } from '../emulators/salesforce-config.ts';
import { launchChromium } from '../support/chromium.ts';
import { freePort } from '../support/free-port.ts';
import { createPkcePair, signInWithSalesforce } from '../../src-main/auth/salesforce-sign-in.ts';
import {
  postTokenRequest, refreshSalesforceTokens, revokeSalesforceToken, salesforceOAuthConfig, SalesforceTokenRequestError, type SalesforceOAuthConfig, type SalesforceTokens,
} from '../../src-main/auth/salesforce-oauth.ts';
import { parseSalesforceTokens, SalesforceTokenSource, serializeSalesforceTokens } from '../../src-main/auth/salesforce-session.ts';
import { AuthError, ReconnectRequiredError } from '../../src-main/auth/errors.ts';
import { startLoopbackRedirect } from '../../src-main/auth/loopback-redirect.ts';
import { SalesforceConnector } from '../../src-main/crm/connectors/salesforce.ts';
import { CrmAuthError } from '../../src-main/crm/types.ts';
import { setLogSink } from '../../src-main/platform/logger.ts';

const POSTMAN_AUTH = join(import.meta.dirname, '../../../shared/data/specs/salesforce/postman-salesforce-apis-src/src/collections/salesforce_apis/auth');

/** The token-endpoint exchanges the client made: form fields sent and JSON answered. */
interface Exchange {
  form: URLSearchParams;
  status: number;
  answer: Record<string, unknown>;
}

/**
 * The fields a Postman request's test script reads from the JSON answer (`jsonData.<field>`):
 * the collection's own statement of what the token endpoint returns.
 */
function postmanResponseFields(file: string): string[] {
  const item = JSON.parse(readFileSync(join(POSTMAN_AUTH, file), 'utf8')) as { events?: Array<{ listen: string; script: { exec: string[] } }> };
  const exec = item.events?.find((e) => e.listen === 'test')?.script.exec.join('\n') ?? '';
  return [...new Set([...exec.matchAll(/jsonData\.(\w+)/g)].map((m) => m[1]!))];
}

describe('Salesforce sign-in against the identity emulator', () => {
  const identity = new IdentityEmulator();
  const salesforce = new SalesforceEmulator({ verifyAccessToken: identity.verifyAccessToken });
  const exchanges: Exchange[] = [];
  let browser: Browser;
  let config: SalesforceOAuthConfig;
  let instanceUrl: string;
  let redirectPort: number;

  const recordingFetch: typeof fetch = async (input, init) => {
    const response = await fetch(input, init);
    if (String(input).endsWith('/services/oauth2/token')) {
      const copy = response.clone();
      exchanges.push({ form: new URLSearchParams(String(init?.body ?? '')), status: copy.status, answer: (await copy.json()) as Record<string, unknown> });
    }
    return response;
  };

  before(async () => {
    const endpoints = await identity.start();
    ({ url: instanceUrl } = await salesforce.start());
    identity.salesforceInstanceUrl = instanceUrl;
    // A fixed redirect port, as a real External Client App registers one (Salesforce compares callbacks exactly).
    redirectPort = await freePort();
    config = { ...salesforceOAuthConfig(emulatedSalesforceConfig(endpoints.salesforceLoginUrl, { redirectPort })), fetch: recordingFetch };
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await salesforce.stop();
    await identity.stop();
  });

  function signIn(options: { decision?: 'allow' | 'cancel'; onUrl?: (url: string) => void } = {}): Promise<SalesforceTokens> {
    const opener = consentingBrowserOpener(browser, { ...(options.decision ? { decision: options.decision } : {}) });
    return signInWithSalesforce(config, {
      openBrowser: async (url) => {
        options.onUrl?.(url);
        await opener(url);
      },
      timeoutMs: 60_000,
    });
  }

  test('a person signs in in Chromium: PKCE S256, no secret, and the answer names the instance_url', async () => {
    let authUrl = '';
    const tokens = await signIn({ onUrl: (url) => void (authUrl = url) });
    const request = new URL(authUrl);
    assert.equal(`${request.origin}${request.pathname}`, `${identity.endpoints.salesforceLoginUrl}/services/oauth2/authorize`);
    assert.equal(request.searchParams.get('code_challenge_method'), 'S256');
    assert.match(request.searchParams.get('code_challenge') ?? '', /^[\w-]{43}$/);
    assert.equal(request.searchParams.get('client_id'), SALESFORCE_PUBLIC_CLIENT.clientId);
    assert.equal(request.searchParams.get('redirect_uri'), `http://127.0.0.1:${redirectPort}/oauth2/callback`);

    const exchange = exchanges.at(-1)!;
    assert.equal(exchange.form.get('grant_type'), 'authorization_code');
    assert.match(exchange.form.get('code_verifier') ?? '', /^[\w-]{43}$/);
    assert.equal(exchange.form.get('client_id'), SALESFORCE_PUBLIC_CLIENT.clientId);
    assert.equal(exchange.form.has('client_secret'), false, 'a public client sends no secret');

    // The answer has Salesforce's shape (no expires_in) and what the Postman collection's
    // web_server_flow_2 script reads: access_token, refresh_token, instance_url, id = …/<org>/<user>.
    const answer = exchange.answer;
    for (const field of postmanResponseFields('web_server_flow_2.json')) assert.equal(typeof answer[field], 'string', field);
    assert.deepEqual(postmanResponseFields('web_server_flow_2.json').sort(), ['access_token', 'id', 'instance_url', 'refresh_token']);
    assert.equal(answer.token_type, 'Bearer');
    assert.equal(answer.expires_in, undefined);
    assert.match(String(answer.issued_at), /^\d{13}$/);
    assert.match(String(answer.signature), /^[A-Za-z0-9+/]{43}=$/);
    const [userId, orgId] = String(answer.id).split('/').reverse();

    assert.equal(tokens.instanceUrl, instanceUrl);
    assert.equal(tokens.organizationId, SALESFORCE_TEST_ORG_ID);
    assert.equal(orgId, SALESFORCE_TEST_ORG_ID);
    assert.equal(tokens.userId, salesforceUserId(DEFAULT_TEST_USER.sub));
    assert.equal(userId, tokens.userId);
    assert.equal(tokens.idUrl, `${identity.endpoints.salesforceLoginUrl}/id/${orgId}/${userId}`);
    assert.ok(Math.abs(tokens.issuedAt - Date.now()) < 60_000);
    assert.deepEqual([...tokens.scopes].sort(), ['api', 'refresh_token']);
    assert.equal(tokens.loginUrl, identity.endpoints.salesforceLoginUrl);
    assert.equal((await identity.verifyAccessToken(tokens.accessToken))?.clientId, SALESFORCE_PUBLIC_CLIENT.clientId);
    // What the store keeps round-trips; anything else is refused.
    assert.deepEqual(parseSalesforceTokens(serializeSalesforceTokens(tokens)), tokens);
    assert.throws(() => parseSalesforceTokens(JSON.stringify({ v: 1, accessToken: 'x' })), AuthError);
    assert.throws(() => parseSalesforceTokens('not json'), AuthError);
  });

  test('the tokens drive the connector; after the session ends it refreshes and repeats the request', async () => {
    const tokens = await signIn();
    const reported: SalesforceTokens[] = [];
    const source = new SalesforceTokenSource(config, tokens, { onTokens: (t) => void reported.push(t) });
    const connector = new SalesforceConnector({ instanceUrl: source.instanceUrl, getAccessToken: source.getAccessToken, onUnauthorized: source.invalidate });
    assert.match((await connector.verify()).accountLabel, /Enron/);

    assert.ok(identity.expireAccessTokens(DEFAULT_TEST_USER.email) >= 1);
    assert.match((await connector.verify()).accountLabel, /Enron/);
    assert.equal(connector.stats.refreshes, 1);
    assert.equal(reported.length, 1);
    assert.notEqual(source.tokens.accessToken, tokens.accessToken);
    assert.equal(source.tokens.refreshToken, tokens.refreshToken, 'no rotation: the refresh token stays');
    assert.equal(source.tokens.instanceUrl, instanceUrl);

    const refresh = exchanges.at(-1)!;
    assert.equal(refresh.form.get('grant_type'), 'refresh_token');
    assert.equal(refresh.form.has('client_secret'), false);
    for (const field of postmanResponseFields('refresh_token.json')) assert.equal(typeof refresh.answer[field], 'string', field);
    assert.equal(typeof refresh.answer.instance_url, 'string');
  });

  test('the server requires PKCE and checks the verifier', async () => {
    // No code_challenge: refused at the authorization endpoint (redirect with invalid_request).
    const authorize = new URL(`${identity.endpoints.salesforceLoginUrl}/services/oauth2/authorize`);
    authorize.search = new URLSearchParams({
      response_type: 'code', client_id: SALESFORCE_PUBLIC_CLIENT.clientId, redirect_uri: 'http://127.0.0.1:1717/oauth2/callback', scope: 'api refresh_token', state: 's',
    }).toString();
    const refused = await fetch(authorize, { redirect: 'manual' });
    assert.equal(new URL(refused.headers.get('location') ?? 'http://x/').searchParams.get('error'), 'invalid_request');

    // A verifier that does not match the challenge: the code exchange fails with invalid_grant.
    const state = 'pkce-test-state';
    const redirect = await startLoopbackRedirect({ expectedState: state, timeoutMs: 60_000 });
    try {
      const { codeChallenge } = createPkcePair();
      const { codeVerifier: wrong } = createPkcePair();
      const url = new URL(`${identity.endpoints.salesforceLoginUrl}/services/oauth2/authorize`);
      url.search = new URLSearchParams({
        response_type: 'code', client_id: SALESFORCE_PUBLIC_CLIENT.clientId, redirect_uri: redirect.redirectUri, scope: 'api refresh_token',
        state, code_challenge: codeChallenge, code_challenge_method: 'S256',
      }).toString();
      await consentingBrowserOpener(browser)(url.href);
      const { code } = await redirect.result;
      await assert.rejects(
        postTokenRequest(config, { grant_type: 'authorization_code', code, client_id: SALESFORCE_PUBLIC_CLIENT.clientId, redirect_uri: redirect.redirectUri, code_verifier: wrong }, 'Code exchange'),
        ReconnectRequiredError,
      );
      assert.match(identity.tokenRequests.at(-1)?.errorDetail ?? '', /code_verifier/);
    } finally {
      await redirect.close();
    }
  });

  test('revoking the refresh token ends the grant: the next refresh is invalid_grant, the connector says reconnect', async () => {
    const tokens = await signIn();
    const source = new SalesforceTokenSource(config, tokens);
    const connector = new SalesforceConnector({ instanceUrl: source.instanceUrl, getAccessToken: source.getAccessToken, onUnauthorized: source.invalidate });
    await connector.verify();

    await revokeSalesforceToken(config, tokens.refreshToken);
    assert.equal(await identity.verifyAccessToken(tokens.accessToken), null, 'its access tokens go with it');
    await assert.rejects(refreshSalesforceTokens(config, tokens), ReconnectRequiredError);
    const refused = exchanges.at(-1)!;
    assert.equal(refused.status, 400);
    assert.deepEqual(refused.answer, { error: 'invalid_grant', error_description: 'expired access/refresh token' });
    await assert.rejects(connector.verify(), (error: unknown) => error instanceof CrmAuthError && error.cause instanceof ReconnectRequiredError);
    // Revoking again (or any unknown token) is not an error: it is gone either way.
    await revokeSalesforceToken(config, tokens.refreshToken);
  });

  test('revoking an access token ends only that session', async () => {
    const tokens = await signIn();
    await revokeSalesforceToken(config, tokens.accessToken);
    assert.equal(await identity.verifyAccessToken(tokens.accessToken), null);
    const next = await refreshSalesforceTokens(config, tokens);
    assert.ok(await identity.verifyAccessToken(next.accessToken));
  });

  test('pressing Cancel ends with access_denied; a code exchange without a verifier is refused', async () => {
    await assert.rejects(signIn({ decision: 'cancel' }), (error: unknown) => error instanceof AuthError && error.code === 'access_denied');
    await assert.rejects(
      postTokenRequest(config, { grant_type: 'authorization_code', code: 'nonsense', client_id: SALESFORCE_PUBLIC_CLIENT.clientId, redirect_uri: 'http://127.0.0.1:1/oauth2/callback' }, 'Code exchange'),
      (error: unknown) => error instanceof ReconnectRequiredError || error instanceof SalesforceTokenRequestError,
    );
  });

  test('no token, code or verifier appears in any log line during sign-in, use and refresh', async () => {
    const lines: string[] = [];
    const restore = setLogSink((line) => void lines.push(line), 'debug');
    const secrets: string[] = [];
    try {
      const tokens = await signIn();
      const source = new SalesforceTokenSource(config, tokens, { onTokens: (t) => void secrets.push(t.accessToken) });
      const connector = new SalesforceConnector({ instanceUrl: source.instanceUrl, getAccessToken: source.getAccessToken, onUnauthorized: source.invalidate });
      identity.expireAccessTokens(DEFAULT_TEST_USER.email);
      await connector.verify();
      secrets.push(tokens.accessToken, tokens.refreshToken);
      const exchange = exchanges.findLast((e) => e.form.get('grant_type') === 'authorization_code')!;
      secrets.push(exchange.form.get('code')!, exchange.form.get('code_verifier')!);
    } finally {
      restore();
    }
    assert.ok(lines.length >= 4, `expected the flow to log, got ${lines.length} lines`);
    assert.ok(secrets.length >= 5);
    for (const line of lines) {
      for (const secret of secrets) assert.ok(!line.includes(secret), `a secret leaked into: ${line.slice(0, 120)}`);
    }
  });
});
