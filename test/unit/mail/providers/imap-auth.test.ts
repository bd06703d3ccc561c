// Signing in to IMAP and SMTP servers: a refused token is refreshed and tried once more; a
// fresh token refused too asks the rep to sign in again (not the server's bare 535); a refused
// password is given back at once, untouched; stored credentials choose their sign-in.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  hasImapSecret,
  imapOAuthIssuer,
  imapSignInFor,
  passwordSignIn,
  signedIn,
  tokenSignIn,
  type ImapOAuthClient,
  type ImapSecret,
} from '../../../../src-main/mail/providers/imap-auth.ts';
import type { ImapCredentials } from '../../../../src-main/mail/providers/imap.ts';
import { ReconnectRequiredError } from '../../../../src-main/auth/errors.ts';

const refusal = () => Object.assign(new Error('535 5.7.3 Authentication unsuccessful'), { responseCode: 535, code: 'EAUTH' });

function tokens() {
  let issued = 0;
  const source = { invalidations: 0, getAccessToken: async () => `token-${(issued += 1)}`, invalidate: () => void (source.invalidations += 1) };
  return source;
}

test('a refused token is forgotten, refreshed and tried once more', async () => {
  const source = tokens();
  const tried: ImapSecret[] = [];
  const result = await signedIn(tokenSignIn(source), async (secret) => {
    tried.push(secret);
    if (tried.length === 1) throw refusal();
    return 'open';
  });
  assert.equal(result, 'open');
  assert.deepEqual(tried, [{ accessToken: 'token-1' }, { accessToken: 'token-2' }]);
  assert.equal(source.invalidations, 1);
});

test('a fresh token refused too is ReconnectRequiredError naming what to do, with the server’s answer as its cause', async () => {
  const source = tokens();
  let attempts = 0;
  const failure = await signedIn(tokenSignIn(source), async () => {
    attempts += 1;
    throw refusal();
  }).catch((error: unknown) => error);
  assert.ok(failure instanceof ReconnectRequiredError);
  assert.match(failure.message, /sign in to this mailbox again/);
  assert.equal(((failure as Error & { cause?: { responseCode?: number } }).cause)?.responseCode, 535);
  assert.equal(attempts, 2, 'never a third try');
});

test('a refused password is the server’s answer, at once; other failures pass through', async () => {
  let attempts = 0;
  await assert.rejects(signedIn(passwordSignIn('wrong'), async () => {
    attempts += 1;
    throw refusal();
  }), { responseCode: 535 });
  assert.equal(attempts, 1);
  await assert.rejects(signedIn(tokenSignIn(tokens()), async () => Promise.reject(new Error('ECONNRESET'))), /ECONNRESET/);
});

test('stored credentials pick their sign-in: a password, or the tokens of the issuer whose client is given', async () => {
  const records = { rows: new Map<number, object>(), getTokens: <T,>(id: number) => (records.rows.get(id) as T) ?? null, setTokens: (id: number, t: object) => void records.rows.set(id, t) };
  const server = { provider: 'imap' as const, host: 'imap.example.test', port: 993, security: 'tls' as const, user: 'rep@example.test' };
  const google: ImapCredentials = {
    ...server,
    auth: 'google',
    google: { accessToken: 'ya29.stored', refreshToken: '1//refresh', expiresAt: Date.now() + 3_600_000, scopes: ['https://mail.google.com/'] },
  };
  const client: ImapOAuthClient = { issuer: 'google', config: { clientId: 'id', clientSecret: 'secret' } };

  const signIn = imapSignInFor(google, records, 7, client);
  assert.equal(signIn.method, 'google');
  assert.deepEqual(await signIn.secret(), { accessToken: 'ya29.stored' }, 'an unexpired token is used as stored, with no refresh');
  assert.equal(imapOAuthIssuer(google), 'google');
  assert.ok(hasImapSecret(google));

  assert.throws(() => imapSignInFor(google, records, 7), ReconnectRequiredError, 'no Google client configured');
  assert.throws(() => imapSignInFor(google, records, 7, { issuer: 'microsoft', config: { clientId: 'x' } as never }), /no Google client/);
  assert.throws(() => imapSignInFor({ ...server, auth: 'google' }, records, 7, client), /no stored credentials/);
  assert.equal(hasImapSecret({ ...server, auth: 'google' }), false);

  const password = imapSignInFor({ ...server, password: 'hunter2' }, records, 7);
  assert.equal(password.method, 'password');
  assert.deepEqual(await password.secret(), { password: 'hunter2' });
  assert.equal(imapOAuthIssuer({ ...server, password: 'hunter2' }), undefined);
});
