// The Graph provider against the Graph emulator's faults: 429 storms with Retry-After,
// 5xx bursts, Outlook's concurrency and request-rate limits, and an expired delta token,
// through the real microsoft-graph-client.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import MailComposer from 'nodemailer/lib/mail-composer';
import { GraphEmulator } from '../emulators/graph/graph-emulator.ts';
import { DeltaExpiredError, GraphProvider } from '../../src-main/mail/providers/graph.ts';

let graph: GraphEmulator;
let graphUrl: string;
const ids: string[] = [];

before(async () => {
  graph = new GraphEmulator({ user: { mail: 'fault@mailbridge.test' } });
  for (let i = 0; i < 40; i++) {
    const raw = await new MailComposer({ from: 'a@example.test', to: 'fault@mailbridge.test', subject: `Fault ${i}`, text: `body ${i}` }).compile().build();
    ids.push(graph.addMessage(raw).id);
  }
  graphUrl = `${(await graph.start()).url}/v1.0`;
});

after(() => graph.stop());

const provider = (extra: Partial<ConstructorParameters<typeof GraphProvider>[0]> = {}) =>
  new GraphProvider({ getAccessToken: async () => 'test-token', graphUrl, requestsPerWindow: null, ...extra });

test('a 429 storm with Retry-After is waited out: every request succeeds, all of them pause together', async () => {
  graph.resetStats();
  graph.throttleNext(60, 1);
  const p = provider();
  const started = Date.now();
  const bodies = await Promise.all(ids.map((id) => p.getMime(id)));
  assert.ok(bodies.every((b) => b && b.length > 0));
  assert.equal(graph.stats().throttled, 60);
  assert.equal(p.stats.failed, 0);
  assert.equal(p.stats.rateLimited, 60);
  assert.ok(Date.now() - started >= 1_000, 'Retry-After was honoured');
});
