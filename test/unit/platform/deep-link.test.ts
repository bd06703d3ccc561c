import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findDeepLink } from '../../../src-main/platform/deep-link.ts';

test('finds the mailbridge link among the arguments a second instance was started with', () => {
  const argv = ['/opt/Mailbridge/mailbridge', '--allow-file-access-from-files', 'mailbridge://auth/microsoft?code=abc&state=xyz'];
  assert.equal(findDeepLink(argv), 'mailbridge://auth/microsoft?code=abc&state=xyz');
});

test('ignores other schemes, look-alikes and over-long values', () => {
  assert.equal(findDeepLink(['https://evil.example/?mailbridge://x', 'mailbridgex://auth', 'file:///etc/passwd']), null);
  assert.equal(findDeepLink([`mailbridge://auth/microsoft?code=${'a'.repeat(9000)}`]), null);
  assert.equal(findDeepLink([]), null);
});
