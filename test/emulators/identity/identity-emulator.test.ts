// The emulator's authorization-request rules without a browser: which redirect URIs it
// accepts (RFC 8252 §7), that PKCE S256 is required (RFC 7636), and the Google-style extras.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { IdentityEmulator, GMAIL_READONLY_SCOPE, SALESFORCE_PUBLIC_CLIENT } from './identity-emulator.ts';

const CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM'; // RFC 7636 appendix B

describe('IdentityEmulator authorization requests', () => {
  const emulator = new IdentityEmulator();
  let authorizationUrl = '';

  before(async () => {
    ({ authorizationUrl } = await emulator.start());
  });
  after(() => emulator.stop());

  async function authorize(params: Record<string, string>): Promise<Response> {
    const url = new URL(authorizationUrl);
    const defaults = {
      client_id: emulator.client.clientId,
      response_type: 'code',
      scope: `openid email ${GMAIL_READONLY_SCOPE}`,
      state: 's',
      code_challenge: CHALLENGE,
      code_challenge_method: 'S256',
      access_type: 'offline',
      prompt: 'consent',
    };
    for (const [k, v] of Object.entries({ ...defaults, ...params })) if (v !== '') url.searchParams.set(k, v);
    return fetch(url, { redirect: 'manual' });
  }

  const toLogin = (res: Response) => res.status === 303 && /^\/interaction\//.test(res.headers.get('location') ?? '');

  test('loopback redirect URIs are accepted on any port, also [::1]', async () => {
    for (const uri of ['http://127.0.0.1:1234/oauth2/callback', 'http://127.0.0.1:65000/oauth2/callback', 'http://127.0.0.1:8080/', 'http://[::1]:5555/oauth2/callback']) {
      assert.ok(toLogin(await authorize({ redirect_uri: uri })), uri);
    }
  });

  test('the private-use scheme mailbridge://auth/microsoft is accepted', async () => {
    assert.ok(toLogin(await authorize({ redirect_uri: 'mailbridge://auth/microsoft' })));
  });

  test('unregistered paths, hosts and https loopback are refused', async () => {
    for (const uri of ['http://127.0.0.1:1234/other', 'http://evil.test:1234/oauth2/callback', 'https://127.0.0.1:1234/oauth2/callback']) {
      const res = await authorize({ redirect_uri: uri });
      assert.equal(res.status, 400, uri);
      assert.equal(res.headers.get('location'), null);
    }
  });

  test('PKCE is required and only S256 is allowed', async () => {
    const redirectUri = 'http://127.0.0.1:1234/oauth2/callback';
    const cases: Record<string, string>[] = [{ code_challenge: '', code_challenge_method: '' }, { code_challenge_method: 'plain' }];
    for (const params of cases) {
      const res = await authorize({ redirect_uri: redirectUri, ...params });
      assert.equal(res.status, 303);
      const location = new URL(res.headers.get('location') ?? '');
      assert.equal(`${location.origin}${location.pathname}`, 'http://127.0.0.1:1234/oauth2/callback');
      assert.equal(location.searchParams.get('error'), 'invalid_request');
    }
  });

  test('unknown tokens are refused by verifyAccessToken, /tokeninfo and /revoke', async () => {
    assert.equal(await emulator.verifyAccessToken('not-a-token'), null);
    const info = await fetch(`${emulator.endpoints.tokenInfoUrl}?access_token=not-a-token`);
    assert.equal(info.status, 400);
    const revoke = await fetch(`${emulator.endpoints.revocationUrl}?token=not-a-token`, { method: 'POST' });
    assert.equal(revoke.status, 400);
    assert.equal(((await revoke.json()) as { error: string }).error, 'invalid_token');
  });

  test("Salesforce's login host: /services/oauth2/authorize for the public client; revoke refuses unknown tokens", async () => {
    const url = new URL(`${emulator.endpoints.salesforceLoginUrl}/services/oauth2/authorize`);
    for (const [k, v] of Object.entries({
      client_id: SALESFORCE_PUBLIC_CLIENT.clientId, response_type: 'code', scope: 'api refresh_token', state: 's',
      code_challenge: CHALLENGE, code_challenge_method: 'S256', redirect_uri: 'http://127.0.0.1:1717/oauth2/callback',
    })) url.searchParams.set(k, v);
    assert.ok(toLogin(await fetch(url, { redirect: 'manual' })));
    url.searchParams.set('redirect_uri', 'http://127.0.0.1:1717/elsewhere');
    assert.equal((await fetch(url, { redirect: 'manual' })).status, 400);
    const revoke = await fetch(`${emulator.endpoints.salesforceLoginUrl}/services/oauth2/revoke`, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'token=not-a-token',
    });
    assert.equal(revoke.status, 400);
    assert.equal(((await revoke.json()) as { error: string }).error, 'unsupported_token_type');
  });

  test('revokeUser and revokeAllGrants report zero when nothing was granted', () => {
    assert.equal(emulator.revokeUser('dasovich-j@enron.test'), 0);
    assert.equal(emulator.revokeAllGrants(), 0);
  });
});
