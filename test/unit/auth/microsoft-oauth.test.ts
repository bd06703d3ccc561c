// msal-node plumbing without a server: the tenant authority, the cache plugin's contract
// (nothing stored → resolves; writes only when msal changed the cache), how msal failures
// map to reconnect_required, and how the account's address is read.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InteractionRequiredAuthError, ServerError, type TokenCacheContext } from '@azure/msal-node';
import {
  accountEmail,
  cachePluginFor,
  isMicrosoftReconnectError,
  memoryCacheStorage,
  microsoftAuthError,
  microsoftAuthority,
} from '../../../src-main/auth/microsoft-oauth.ts';
import { AuthError, ReconnectRequiredError } from '../../../src-main/auth/errors.ts';

test('the authority is login.microsoftonline.com/<tenant>; a tenant that is not a name or id is refused', () => {
  assert.equal(microsoftAuthority(), 'https://login.microsoftonline.com/common');
  assert.equal(microsoftAuthority('organizations'), 'https://login.microsoftonline.com/organizations');
  assert.equal(microsoftAuthority('72f988bf-86f1-41af-91ab-2d7cd011db47'), 'https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47');
  assert.throws(() => microsoftAuthority('evil.example/..'), AuthError);
});

function context(hasChanged: boolean, serialized = '{"cache":1}') {
  const calls: string[] = [];
  const ctx = {
    cacheHasChanged: hasChanged,
    tokenCache: {
      deserialize: (s: string) => calls.push(`deserialize ${s}`),
      serialize: () => serialized,
    },
  } as unknown as TokenCacheContext;
  return { ctx, calls };
}

test('the cache plugin resolves with nothing stored, loads what is, and saves only changes', async () => {
  const storage = memoryCacheStorage();
  const plugin = cachePluginFor(storage);
  const empty = context(false);
  await plugin.beforeCacheAccess(empty.ctx);
  assert.deepEqual(empty.calls, []);
  await plugin.afterCacheAccess(context(false).ctx);
  assert.equal(storage.value, null, 'an unchanged cache is not written');
  await plugin.afterCacheAccess(context(true, '{"v":2}').ctx);
  assert.equal(storage.value, '{"v":2}');
  const loaded = context(false);
  await plugin.beforeCacheAccess(loaded.ctx);
  assert.deepEqual(loaded.calls, ['deserialize {"v":2}']);
});

test('interaction_required and invalid_grant mean reconnect; other failures keep only a safe code', () => {
  assert.equal(isMicrosoftReconnectError(new InteractionRequiredAuthError('interaction_required', 'AADSTS50076')), true);
  assert.equal(isMicrosoftReconnectError(new ServerError('invalid_grant', 'AADSTS70000 the grant is revoked')), true);
  assert.equal(isMicrosoftReconnectError(new ServerError('temporarily_unavailable', 'busy')), false);
  assert.ok(microsoftAuthError(new ServerError('invalid_grant', 'x'), 'Refresh') instanceof ReconnectRequiredError);
  const other = microsoftAuthError(new ServerError('invalid_client', 'secret detail eyJhbGciOi.x.y'), 'Refresh');
  assert.equal(other.code, 'token_exchange_failed');
  assert.equal(other.message, 'Refresh failed: invalid_client');
});

test('the account address comes from preferred_username, lower-cased', () => {
  assert.equal(accountEmail({ account: { idTokenClaims: { preferred_username: 'Vince.Kaminski@Enron.test' } } as never }), 'vince.kaminski@enron.test');
  assert.equal(accountEmail({ account: { username: 'someone@x.test', idTokenClaims: {} } as never }), 'someone@x.test');
  assert.equal(accountEmail({ account: null }), undefined);
});
