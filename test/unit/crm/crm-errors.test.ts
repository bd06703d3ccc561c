// The one triage of connector failures: each CrmError subclass lands in its kind, what the
// UI is told for each, and which network errors prove a request never left the machine.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classifyCrmError, crmAppError, neverSent } from '../../../src-main/crm/crm-errors.ts';
import { CrmAuthError, CrmError, CrmRateLimitError, CrmUnreachableError } from '../../../src-main/crm/types.ts';
import { AppError } from '../../../src-main/platform/app-error.ts';

test('classifyCrmError sorts every failure into the kind its caller acts on', () => {
  assert.equal(classifyCrmError(new CrmAuthError('401')).kind, 'auth');
  assert.equal(classifyCrmError(new CrmRateLimitError('429', 2_000)).kind, 'rate_limited');
  assert.equal(classifyCrmError(new CrmUnreachableError('ECONNRESET')).kind, 'unreachable');
  assert.equal(classifyCrmError(new CrmError('400 bad property', { retryable: false })).kind, 'rejected');
  assert.equal(classifyCrmError(new CrmError('502', { retryable: true })).kind, 'server', 'a retryable 5xx may have committed');
  assert.equal(classifyCrmError(new TypeError('boom')).kind, 'server');
});

test('crmAppError gives the UI a code and words naming the CRM, and rethrows the rest unchanged', () => {
  const asApp = (error: unknown) => crmAppError(error, 'HubSpot') as AppError;
  assert.equal(asApp(new CrmAuthError('expired')).code, 'invalid_input');
  assert.match(asApp(new CrmAuthError('expired')).message, /^HubSpot refused the token: expired$/);
  assert.equal(asApp(new CrmRateLimitError('429', 1)).code, 'rate_limited');
  assert.equal(asApp(new CrmUnreachableError('down')).code, 'offline');
  const other = new Error('a bug');
  assert.equal(crmAppError(other, 'HubSpot'), other);
  const rejected = new CrmError('400', { retryable: false });
  assert.equal(crmAppError(rejected, 'HubSpot'), rejected);
});

test('neverSent is true only for connect-time failures, found along the cause chain', () => {
  const code = (c: string) => Object.assign(new Error(c), { code: c });
  assert.equal(neverSent(new CrmUnreachableError('refused', { cause: code('ECONNREFUSED') })), true);
  assert.equal(neverSent(new CrmUnreachableError('fetch failed', { cause: new Error('wrapped', { cause: code('ENOTFOUND') }) })), true);
  assert.equal(neverSent(new CrmUnreachableError('reset', { cause: code('ECONNRESET') })), false, 'a reset may follow a commit');
  assert.equal(neverSent(new CrmUnreachableError('no cause')), false);
});
