import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dispatch, type Handlers } from '../../../src-main/ipc/dispatch.ts';
import { AppError } from '../../../src-main/platform/app-error.ts';
import { setLogSink } from '../../../src-main/platform/logger.ts';
import { DEFAULT_SETTINGS } from '../../../src-preload/contract/index.ts';

const calls: unknown[] = [];
// Only the channels these tests call; the cast stands for the rest.
const handlers = {
  'accounts:list': () => [],
  'mail:search': (input) => {
    calls.push(input);
    if (input.query === 'boom') throw new Error('/home/rep/secret/path exploded');
    if (input.query === 'offline') throw new AppError('offline', 'the CRM is unreachable');
    return { threads: [], next: null, hints: [] };
  },
  'mail:stats': () => ({ accounts: 1, messages: 2, threads: 1, warnings: 0, skippedFiles: 0 }),
  'settings:set': (patch) => {
    calls.push(patch);
    return DEFAULT_SETTINGS;
  },
} satisfies Partial<Handlers> as unknown as Handlers;

test('valid input reaches the handler with defaults applied', async () => {
  calls.length = 0;
  assert.deepEqual(await dispatch(handlers, 'mail:search', { query: 'budget' }), { ok: true, value: { threads: [], next: null, hints: [] } });
  assert.deepEqual(calls, [{ query: 'budget', limit: 50, excludeThreadIds: [] }]);
});

test('invalid payloads and unknown channels never reach a handler', async () => {
  calls.length = 0;
  for (const input of [undefined, { query: '' }, { query: 'x', limit: 10_000 }, { query: 7 }, 'budget']) {
    const result = await dispatch(handlers, 'mail:search', input);
    assert.equal(result.ok, false);
    assert.equal(!result.ok && result.error.code, 'invalid_input');
  }
  const unknown = await dispatch(handlers, 'shell:exec', { command: 'rm -rf /' });
  assert.equal(!unknown.ok && unknown.error.code, 'invalid_input');
  assert.deepEqual(calls, []);
});

test('AppError keeps its code; other errors answer internal without their message', async () => {
  const lines: string[] = [];
  const restore = setLogSink((line) => lines.push(line));
  try {
    assert.deepEqual(await dispatch(handlers, 'mail:search', { query: 'offline' }), {
      ok: false,
      error: { code: 'offline', message: 'the CRM is unreachable' },
    });
    const internal = await dispatch(handlers, 'mail:search', { query: 'boom' });
    assert.equal(!internal.ok && internal.error.code, 'internal');
    assert.ok(!JSON.stringify(internal).includes('/home/rep'), 'no path crosses to the renderer');
    assert.equal(lines.length, 1, 'the failure is logged in main');
  } finally {
    restore();
  }
});

test('settings patches are validated against the registry: unknown keys and bad values are refused', async () => {
  calls.length = 0;
  for (const input of [{ theme: 'neon' }, { syncIntervalMinutes: 0 }, { neverLog: ['not an address'] }, { apiKey: 'x' }]) {
    const result = await dispatch(handlers, 'settings:set', input);
    assert.equal(!result.ok && result.error.code, 'invalid_input', JSON.stringify(input));
  }
  assert.deepEqual(calls, []);
  assert.equal((await dispatch(handlers, 'settings:set', { neverLog: ['@Example.COM', 'Lawyer@firm.test'] })).ok, true);
  assert.deepEqual(calls, [{ neverLog: ['example.com', 'lawyer@firm.test'] }]);
});
