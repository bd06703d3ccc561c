// Log lines never carry a provider's token: by key name, and by shape wherever a token sits
// in a value, a message or an error string. Real-shaped tokens of each provider (random
// characters in each vendor's published format).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { createLogger, redact, setLogSink } from '../../../src-main/platform/logger.ts';

const b64url = (bytes: number) => randomBytes(bytes).toString('base64url');

const TOKENS: Record<string, string> = {
  'HubSpot private app (na1)': `pat-na1-${randomUUID()}`,
  'HubSpot private app (eu1)': `pat-eu1-${randomUUID()}`,
  'Google access token': `ya29.a0${b64url(120)}`,
  'Google refresh token': `1//0g${b64url(70)}`,
  'Entra ID access token (JWT)': `eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.${b64url(300)}.${b64url(200)}`,
  'Entra ID refresh token': `0.AR8A${b64url(400)}.AgABAAEAAAD${b64url(300)}`,
  'Microsoft account access token': `EwBwA8l6BAAU${randomBytes(600).toString('base64')}`,
  'Microsoft account refresh token': `M.C507_BAY.0.U.-Cg${b64url(200)}!${b64url(40)}$$`,
  'Microsoft account refresh token (R3)': `M.R3_BAY.-CU${b64url(250)}`,
};

for (const [kind, token] of Object.entries(TOKENS)) {
  test(`${kind}: redacted in a value, a message and an error string`, () => {
    const lines: string[] = [];
    const restore = setLogSink((line) => lines.push(line), 'debug');
    try {
      const log = createLogger('test');
      log.info(`request failed with ${token} in the message`);
      log.warn('retrying', { detail: `upstream said: ${token}`, nested: { list: [token] } });
      log.error('failed', { error: new Error(`401 for token ${token}`) });
    } finally {
      restore();
    }
    assert.equal(lines.length, 3);
    // The token, and any 24-character piece of it, appears nowhere.
    const all = lines.join('\n');
    for (let i = 0; i + 24 <= token.length; i += 12) assert.ok(!all.includes(token.slice(i, i + 24)), `${kind}: a piece of the token leaked`);
    assert.equal(all.split('[redacted]').length - 1, 4, `${kind}: each place is marked`);
  });
}

test('text around a token is kept, ordinary words and ids are not redacted', () => {
  const token = TOKENS['HubSpot private app (na1)']!;
  assert.equal(redact(`before ${token} after`), 'before [redacted] after');
  for (const innocent of ['pattern-matching', 'EwBank statement', '0.Alpha release', 'M.Sc_BAY thesis', randomUUID(), 'message-id <abc@example.com>']) {
    assert.equal(redact(innocent), innocent);
  }
});

test('fields named like secrets are redacted whatever they hold', () => {
  assert.deepEqual(redact({ accessToken: 'short', refresh_token: 'x', password: 'p', accountId: 7 }), {
    accessToken: '[redacted]',
    refresh_token: '[redacted]',
    password: '[redacted]',
    accountId: 7,
  });
});
