// The HubSpot emulator as its own process (test/emulators/crm/main.ts), driven through its
// /__admin endpoints the way the demo and benchmarks drive it, with the connector as client.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { HubSpotConnector } from '../../../src-main/crm/connectors/hubspot.ts';
import { CrmAuthError, CrmError, CrmRateLimitError, CrmUnreachableError, type EmailActivity } from '../../../src-main/crm/types.ts';

const MAIN = join(import.meta.dirname, 'main.ts');
let child: ChildProcess;
let info: { url: string; contacts: number; accessToken: string };

async function admin(method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  const response = await fetch(`${info.url}/__admin${path}`, {
    method,
    ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, json: text ? JSON.parse(text) : null };
}

before(async () => {
  child = spawn(process.execPath, [MAIN, '--rate-limit', 'off'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! });
  const first = await new Promise<string>((resolve, reject) => {
    lines.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`emulator exited with ${code}`)));
  });
  info = JSON.parse(first) as typeof info;
});

after(async () => {
  if (child.exitCode === null) {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
});

const activity: EmailActivity = {
  timestamp: Date.UTC(2001, 0, 2),
  direction: 'outgoing',
  subject: 'hello',
  text: 'hi',
  html: null,
  from: { address: 'rep@acme.com', name: 'Rep' },
  to: [{ address: 'pat@pge.com', name: 'Pat' }],
  cc: [],
  messageIdHeader: null,
  idempotencyKey: 'proc-1',
};

test('admin endpoints seed, fault and inspect the emulator process', async () => {
  assert.equal(info.contacts, 0);
  const added = await admin('POST', '/contacts', { email: 'pat@pge.com', firstname: 'Pat', hubspot_owner_id: '41000002' });
  assert.equal(added.status, 200);
  const contactId = (added.json as { id: string }).id;
  assert.equal((await admin('POST', '/contacts', { email: 'PAT@pge.com' })).status, 409);

  const connector = new HubSpotConnector({ accessToken: info.accessToken, baseUrl: info.url, readAttempts: 1 });
  const [pat] = await connector.findContactsByEmail(['pat@pge.com']);
  assert.deepEqual(pat, { crmContactId: contactId, email: 'pat@pge.com', name: 'Pat', company: '', owner: 'Bob Seller' });

  assert.equal((await admin('POST', '/fail-next', { count: 1, status: 500 })).status, 204);
  await assert.rejects(connector.logEmail(activity, { contacts: [contactId] }), (e: unknown) => e instanceof CrmError && e.retryable);

  await admin('POST', '/drop-response-after-commit', { count: 1 });
  await assert.rejects(connector.logEmail(activity, { contacts: [contactId] }), CrmUnreachableError);
  const emails = (await admin('GET', '/emails')).json as Array<{ id: string; contactIds: string[]; properties: Record<string, string> }>;
  assert.equal(emails.length, 1);
  assert.deepEqual(emails[0]!.contactIds, [contactId]);
  assert.deepEqual((await admin('GET', `/emails/${emails[0]!.id}/associations`)).json, { contacts: [contactId], companies: [], deals: [] });
  assert.equal((await admin('GET', '/emails/1/associations')).status, 404);
  assert.deepEqual((await admin('GET', '/companies')).json, []);
  assert.deepEqual((await admin('GET', '/deals')).json, []);

  await admin('POST', '/revoke-token');
  await assert.rejects(connector.verify(), CrmAuthError);
  await admin('POST', '/restore-token');
  assert.ok((await connector.verify()).accountLabel);

  assert.equal(((await admin('GET', '/daily')).json as { limit: number }).limit, 500_000);
  assert.equal((await admin('POST', '/daily', { remaining: -1 })).status, 400);
  assert.equal((await admin('POST', '/daily', { remaining: 0 })).status, 204);
  await assert.rejects(connector.listLoggedEmails(contactId), (e: unknown) => e instanceof CrmRateLimitError && e.policy === 'daily');
  assert.deepEqual(((await admin('GET', '/daily')).json as { remaining: number }).remaining, 0);
  assert.equal((await admin('POST', '/daily', { remaining: 100 })).status, 204);

  const settings = await admin('POST', '/settings', { latencyMs: 5 });
  assert.equal((settings.json as { latencyMs: number }).latencyMs, 5);
  assert.equal((await admin('POST', '/settings', { latencyMs: 'slow' })).status, 400);
  assert.equal((await admin('POST', '/settings', { nope: true })).status, 400);

  const stats = (await admin('GET', '/stats')).json as { requests: Record<string, number>; serverErrors: number; droppedResponses: number; unauthorized: number };
  assert.equal(stats.requests['emails.create'], 2);
  assert.equal(stats.serverErrors, 1);
  assert.equal(stats.droppedResponses, 1);
  assert.equal(stats.unauthorized, 1);
  assert.equal((await admin('POST', '/stats/reset')).status, 204);
  assert.deepEqual(((await admin('GET', '/stats')).json as { requests: object }).requests, {});
  assert.equal((await admin('GET', '/nothing')).status, 404);
});
