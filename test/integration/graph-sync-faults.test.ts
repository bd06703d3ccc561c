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

test('5xx answers are retried with backoff; a 404 means the message is gone', async () => {
  graph.resetStats();
  graph.failNext(5, 503, 0);
  const p = provider();
  const body = await p.getMime(ids[0]!);
  assert.ok(body && body.length > 0);
  assert.equal(graph.stats().serverErrors, 5);
  assert.equal(p.stats.retries, 5);
  const raw = await new MailComposer({ from: 'a@example.test', to: 'fault@mailbridge.test', subject: 'Gone', text: 'x' }).compile().build();
  const gone = graph.addMessage(raw).id;
  graph.deleteMessage(gone);
  assert.equal(await p.getMime(gone), null);
});

test('an expired delta token is reported as DeltaExpiredError', async () => {
  const p = provider();
  let link: string | undefined;
  for await (const page of p.delta('inbox', null)) link = page.deltaLink ?? link;
  assert.ok(link);
  graph.expireDeltaTokens();
  await assert.rejects(async () => {
    for await (const _page of p.delta('inbox', link!)) void _page;
  }, DeltaExpiredError);
});

test('paced under the mailbox request limit and 4 in flight: no 429 at all', async () => {
  Object.assign(graph.settings, { rateLimit: true, requestsPer10Minutes: 20, rateWindowMs: 2_000, concurrencyLimit: true, latencyMs: 5 });
  try {
    graph.resetStats();
    // The client's window is half a second longer than the server's 2 s: the server counts
    // arrivals, which a busy 2-core machine delays by hundreds of ms, a large share of a 2 s
    // window (Outlook's real window is 10 minutes, where the pacer's own 1 % margin is 6 s).
    const p = provider({ requestsPerWindow: 20, windowMs: 2_500, concurrency: 4 });
    const started = Date.now();
    await Promise.all(ids.map((id) => p.getMime(id)));
    const seconds = (Date.now() - started) / 1000;
    assert.deepEqual({ throttled: graph.stats().throttled, concurrency: graph.stats().concurrencyThrottled, retries: p.stats.retries }, { throttled: 0, concurrency: 0, retries: 0 });
    assert.ok(graph.stats().concurrentPeak <= 4);
    assert.ok(seconds >= 2.5 && seconds < 12, `40 requests under 20 per 2.5 s took ${seconds}s`);
  } finally {
    Object.assign(graph.settings, { rateLimit: false, concurrencyLimit: false, latencyMs: 0 });
  }
});

test('a 401 makes the provider drop its token and retry once with a fresh one; a second 401 fails', async () => {
  const strict = new GraphEmulator({ verifyAccessToken: async (t) => (t === 'fresh' ? { email: 'fault@mailbridge.test' } : null) });
  const { url } = await strict.start();
  try {
    let token = 'stale';
    let invalidated = 0;
    const p = new GraphProvider({
      getAccessToken: async () => token,
      onUnauthorized: () => {
        invalidated += 1;
        token = 'fresh';
      },
      graphUrl: `${url}/v1.0`,
      requestsPerWindow: null,
    });
    assert.equal((await p.getMe()).mail, 'fault@mailbridge.test');
    assert.equal(invalidated, 1);
    token = 'revoked';
    const stuck = new GraphProvider({ getAccessToken: async () => token, onUnauthorized: () => {}, graphUrl: `${url}/v1.0`, requestsPerWindow: null });
    await assert.rejects(stuck.getMe(), (e: unknown) => (e as { statusCode?: number }).statusCode === 401);
  } finally {
    await strict.stop();
  }
});
