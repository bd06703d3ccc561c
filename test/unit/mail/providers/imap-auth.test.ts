// Signing in to IMAP and SMTP servers: a refused token is refreshed and tried once more; a
// fresh token refused too asks the rep to sign in again (not the server's bare 535); a refused
// password is given back at once, untouched.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { passwordSignIn, signedIn, tokenSignIn, type ImapSecret } from '../../../../src-main/mail/providers/imap-auth.ts';
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
