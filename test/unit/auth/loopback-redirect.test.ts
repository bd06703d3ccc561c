// The loopback redirect listener on its own: one response, state checked, errors mapped,
// and the port always released.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { startLoopbackRedirect, stateMatches } from '../../../src-main/auth/loopback-redirect.ts';
import { AuthError } from '../../../src-main/auth/errors.ts';
import { setLogSink } from '../../../src-main/platform/logger.ts';

const STATE = 'c3RhdGUtZm9yLXVuaXQtdGVzdHM';

function isListening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

const withCode = (err: unknown, code: string) => err instanceof AuthError && err.code === code;

test('binds 127.0.0.1 on an ephemeral port with the default path', async () => {
  const redirect = await startLoopbackRedirect({ expectedState: STATE });
  assert.match(redirect.redirectUri, /^http:\/\/127\.0\.0\.1:\d+\/oauth2\/callback$/);
  assert.ok(redirect.port > 0);
  await redirect.close();
  await assert.rejects(redirect.result, (err) => withCode(err, 'cancelled'));
  assert.equal(await isListening(redirect.port), false);
});

test('a fixed port is the redirect URI’s; taken, it fails in words naming the port', async () => {
  const first = await startLoopbackRedirect({ expectedState: STATE });
  const fixed = first.port;
  await first.close();
  const redirect = await startLoopbackRedirect({ expectedState: STATE, port: fixed });
  assert.equal(redirect.redirectUri, `http://127.0.0.1:${fixed}/oauth2/callback`);
  await assert.rejects(
    startLoopbackRedirect({ expectedState: STATE, port: fixed }),
    (err) => withCode(err, 'browser_failed') && new RegExp(`Port ${fixed} .* in use`).test((err as Error).message),
  );
  await redirect.close();
  await assert.rejects(redirect.result, (err) => withCode(err, 'cancelled'));
});

test('resolves with the code, answers the browser, then closes', async () => {
  const redirect = await startLoopbackRedirect({ expectedState: STATE });
  const res = await fetch(`${redirect.redirectUri}?code=abc&state=${STATE}&iss=https%3A%2F%2Fissuer.test`);
  assert.equal(res.status, 200);
  assert.match(await res.text(), /You can close this window/);
  assert.equal(res.headers.get('cache-control'), 'no-store');
  assert.deepEqual(await redirect.result, { code: 'abc', iss: 'https://issuer.test' });
  assert.equal(await isListening(redirect.port), false);
});

test('other paths get 404 and do not end the wait', async () => {
  const redirect = await startLoopbackRedirect({ expectedState: STATE });
  const favicon = await fetch(`http://127.0.0.1:${redirect.port}/favicon.ico`);
  assert.equal(favicon.status, 404);
  const wrongMethod = await fetch(`${redirect.redirectUri}?code=x&state=${STATE}`, { method: 'POST' });
  assert.equal(wrongMethod.status, 404);
  const ok = await fetch(`${redirect.redirectUri}?code=real&state=${STATE}`);
  assert.equal(ok.status, 200);
  assert.equal((await redirect.result).code, 'real');
});

test('a wrong or missing state is answered and ignored: the real response still signs in', async () => {
  const lines: string[] = [];
  const restore = setLogSink((line) => lines.push(line), 'debug');
  try {
    const redirect = await startLoopbackRedirect({ expectedState: STATE });
    for (const query of ['code=forged-code&state=attacker-state', 'code=forged-code', 'error=access_denied&state=x']) {
      const res = await fetch(`${redirect.redirectUri}?${query}`);
      assert.equal(res.status, 400, query);
      assert.equal(await isListening(redirect.port), true, 'still waiting for the real response');
    }
    const real = await fetch(`${redirect.redirectUri}?code=real&state=${STATE}`);
    assert.equal(real.status, 200);
    assert.equal((await redirect.result).code, 'real');
    assert.equal(await isListening(redirect.port), false);
    const ignored = lines.filter((line) => line.includes('another state ignored'));
    assert.equal(ignored.length, 3);
    assert.doesNotMatch(lines.join('\n'), /forged-code|attacker-state/, 'no values of the forged request are logged');
  } finally {
    restore();
  }
});

test('only mismatched responses until the timeout end with timeout', async () => {
  const redirect = await startLoopbackRedirect({ expectedState: STATE, timeoutMs: 300 });
  assert.equal((await fetch(`${redirect.redirectUri}?code=abc&state=other`)).status, 400);
  await assert.rejects(redirect.result, (err) => withCode(err, 'timeout'));
  assert.equal(await isListening(redirect.port), false);
});

test('error=access_denied maps to access_denied, other errors to authorization_error', async () => {
  const denied = await startLoopbackRedirect({ expectedState: STATE });
  await fetch(`${denied.redirectUri}?error=access_denied&state=${STATE}`);
  await assert.rejects(denied.result, (err) => withCode(err, 'access_denied'));

  const other = await startLoopbackRedirect({ expectedState: STATE });
  await fetch(`${other.redirectUri}?error=server_error%3Cscript%3E&state=${STATE}`);
  await assert.rejects(other.result, (err: unknown) => {
    assert.ok(withCode(err, 'authorization_error'));
    assert.doesNotMatch((err as Error).message, /</);
    return true;
  });
});

test('a response without code is invalid_response', async () => {
  const redirect = await startLoopbackRedirect({ expectedState: STATE });
  await fetch(`${redirect.redirectUri}?state=${STATE}`);
  await assert.rejects(redirect.result, (err) => withCode(err, 'invalid_response'));
});

test('times out after timeoutMs and frees the port', async () => {
  const redirect = await startLoopbackRedirect({ expectedState: STATE, timeoutMs: 100 });
  await assert.rejects(redirect.result, (err) => withCode(err, 'timeout'));
  assert.equal(await isListening(redirect.port), false);
});

test('an abort signal cancels; an already-aborted signal refuses to start', async () => {
  const controller = new AbortController();
  const redirect = await startLoopbackRedirect({ expectedState: STATE, signal: controller.signal });
  controller.abort();
  await assert.rejects(redirect.result, (err) => withCode(err, 'cancelled'));
  assert.equal(await isListening(redirect.port), false);
  await assert.rejects(startLoopbackRedirect({ expectedState: STATE, signal: controller.signal }), (err) =>
    withCode(err, 'cancelled'),
  );
});

test('stateMatches compares exactly', () => {
  assert.equal(stateMatches(STATE, STATE), true);
  assert.equal(stateMatches(`${STATE}x`, STATE), false);
  assert.equal(stateMatches(STATE.slice(1), STATE), false);
  assert.equal(stateMatches('', STATE), false);
  assert.equal(stateMatches(null, STATE), false);
});
