// The deep-link broker and the per-profile instance socket: one URL with the right state per
// sign-in, wrong and replayed states rejected and logged without their values, timeouts and
// aborts, and a second process's hand-over over a private unix socket.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeepLinkBroker } from '../../../src-main/auth/microsoft-redirect.ts';
import { AuthError } from '../../../src-main/auth/errors.ts';
import { setLogSink } from '../../../src-main/platform/logger.ts';
import {
  InstanceRunningError,
  NoRunningInstanceError,
  forwardToRunningInstance,
  instanceSocketPath,
  listenForDeepLinks,
} from '../../../src-main/platform/single-instance.ts';

const REDIRECT = 'mailbridge://auth/microsoft';
const STATE = 'Zq3-state-value-for-the-test-9f8e7d6c5b4a';
const CODE = 'CODE-secret-authorization-code-0123456789';

function capture(): { lines: string[]; restore: () => void } {
  const lines: string[] = [];
  const restore = setLogSink((line) => lines.push(line), 'debug');
  return { lines, restore };
}

test('the matching link settles the sign-in with its code; the same link again is a logged replay', async () => {
  const log = capture();
  try {
    const broker = new DeepLinkBroker();
    const pending = broker.expect({ redirectUri: REDIRECT, state: STATE, timeoutMs: 5_000 });
    assert.equal(broker.pending, true);
    const link = `${REDIRECT}?code=${CODE}&state=${STATE}&iss=https%3A%2F%2F127.0.0.1`;
    assert.equal(broker.handle(link), true);
    assert.deepEqual(await pending.result, { code: CODE, iss: 'https://127.0.0.1' });
    assert.equal(broker.pending, false);
    assert.equal(broker.handle(link), false);
    assert.ok(log.lines.some((l) => l.includes('replayed state')));
    for (const line of log.lines) assert.ok(!line.includes(CODE) && !line.includes(STATE), `leaks a secret: ${line}`);
  } finally {
    log.restore();
  }
});

test('a wrong state is rejected without ending the wait; the right one still completes it', async () => {
  const log = capture();
  try {
    const broker = new DeepLinkBroker();
    const pending = broker.expect({ redirectUri: REDIRECT, state: STATE, timeoutMs: 5_000 });
    assert.equal(broker.handle(`${REDIRECT}?code=${CODE}&state=forged`), false);
    assert.equal(broker.handle(`${REDIRECT}?code=${CODE}`), false, 'no state at all');
    assert.equal(broker.handle(`mailbridge://elsewhere?code=${CODE}&state=${STATE}`), false, 'another target');
    assert.ok(log.lines.some((l) => l.includes('state mismatch')));
    assert.ok(log.lines.some((l) => l.includes('unknown target')));
    assert.equal(broker.handle(`${REDIRECT}?code=${CODE}&state=${STATE}`), true);
    assert.equal((await pending.result).code, CODE);
    for (const line of log.lines) assert.ok(!line.includes(CODE) && !line.includes(STATE), `leaks a secret: ${line}`);
  } finally {
    log.restore();
  }
});

test('errors from the authorization server, timeouts and aborts end the wait with AuthError codes', async () => {
  const broker = new DeepLinkBroker();
  const denied = broker.expect({ redirectUri: REDIRECT, state: STATE });
  broker.handle(`${REDIRECT}?error=access_denied&state=${STATE}`);
  await assert.rejects(denied.result, (e: unknown) => e instanceof AuthError && e.code === 'access_denied');

  const timedOut = broker.expect({ redirectUri: REDIRECT, state: STATE, timeoutMs: 20 });
  await assert.rejects(timedOut.result, (e: unknown) => e instanceof AuthError && e.code === 'timeout');

  const controller = new AbortController();
  const aborted = broker.expect({ redirectUri: REDIRECT, state: STATE, signal: controller.signal });
  controller.abort();
  await assert.rejects(aborted.result, (e: unknown) => e instanceof AuthError && e.code === 'cancelled');
  assert.equal(broker.pending, false);
});

test('the instance socket is 0600, takes a forwarded link, refuses a second instance, and reports none running', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mailbridge-instance-'));
  try {
    await assert.rejects(forwardToRunningInstance(dir, `${REDIRECT}?x=1`, 1_000), NoRunningInstanceError);
    const received: string[] = [];
    const listener = await listenForDeepLinks(dir, (url) => {
      received.push(url);
      return url.includes('good');
    });
    try {
      assert.equal(statSync(instanceSocketPath(dir)).mode & 0o777, 0o600);
      await assert.rejects(listenForDeepLinks(dir, () => true), InstanceRunningError);
      assert.equal(await forwardToRunningInstance(dir, `${REDIRECT}?good=1`), 'accepted');
      assert.equal(await forwardToRunningInstance(dir, `${REDIRECT}?bad=1`), 'rejected');
      assert.equal(await forwardToRunningInstance(dir, 'https://example.test/'), 'rejected');
      assert.deepEqual(received, [`${REDIRECT}?good=1`, `${REDIRECT}?bad=1`]);
    } finally {
      await listener.close();
    }
    // A stale socket file left behind is replaced by the next instance.
    const again = await listenForDeepLinks(dir, () => true);
    await again.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
