// The send outbox against a provider double that can lose answers: undo sends nothing, a
// message leaves once even when the answer to its send was lost or the app died before
// recording it, refusals keep the provider's reason, and bad drafts are refused up front.
import { afterEach, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { SendOutbox } from '../../../../src-main/mail/send/send-outbox.ts';
import { PermanentProviderError, type OutgoingMessage, type RemoteMailbox } from '../../../../src-main/mail/remote/remote-mailbox.ts';
import { createAppEvents } from '../../../../src-main/platform/app-events.ts';
import { AppError } from '../../../../src-main/platform/app-error.ts';
import { openTestStore, type TestStore } from '../../store/store-fixtures.ts';

/** A provider mailbox that keeps what it accepted, and can fail or drop the answer of the next sends. */
class FakeMailbox implements RemoteMailbox {
  readonly accepted: OutgoingMessage[] = [];
  sendCalls = 0;
  lookups = 0;
  next: Array<'drop-answer' | 'offline' | 'refuse'> = [];
  async apply(): Promise<void> {}
  async send(message: OutgoingMessage): Promise<{ providerMessageId: string | null }> {
    this.sendCalls += 1;
    const fault = this.next.shift();
    if (fault === 'offline') throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    if (fault === 'refuse') throw new PermanentProviderError('Gmail refused it (HTTP 400: Invalid To header)');
    this.accepted.push(message);
    if (fault === 'drop-answer') throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    return { providerMessageId: `sent-${this.accepted.length}` };
  }
  async fetchSource(): Promise<Uint8Array | null> {
    return null;
  }

  async findByMessageId(id: string): Promise<boolean> {
    this.lookups += 1;
    return this.accepted.some((m) => m.messageIdHeader === id);
  }
  async close(): Promise<void> {}
}

let t: TestStore;
let mailbox: FakeMailbox;
let accountId: number;
let canSend: boolean;

beforeEach(async () => {
  t = await openTestStore();
  mailbox = new FakeMailbox();
  canSend = true;
  accountId = t.store.accounts.create({ provider: 'gmail', email: 'rep@mailbridge.example' }).id;
});
afterEach(() => t.cleanup());

function outbox(undoSeconds = 0, defersDelivery = false): SendOutbox {
  return new SendOutbox({
    store: t.store,
    mailbox: () => mailbox,
    canSend: () => canSend,
    defersDelivery: () => defersDelivery,
    events: createAppEvents(),
    undoSeconds: () => undoSeconds,
    backoff: { baseMs: 20, capMs: 40 },
  });
}

function draft(overrides: { to?: Array<{ address: string; name: string }>; html?: string } = {}): number {
  return t.store.drafts.create({
    accountId,
    mode: 'new',
    sourceMessageId: null,
    threadId: null,
    to: overrides.to ?? [{ address: 'alice@customer.example', name: 'Alice' }],
    cc: [],
    bcc: [],
    subject: 'Proposal',
    html: overrides.html ?? '<p>Hi Alice</p>',
    quotedHtml: '',
    inReplyTo: null,
    references: [],
    logToCrm: false,
  }).id;
}

async function until(predicate: () => boolean, what: string): Promise<void> {
  const end = Date.now() + 5_000;
  while (!predicate()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const stateOf = (id: number) => t.store.sendOutbox.get(id)?.state;

test('a message taken back within the undo window is never sent and is a draft again', async () => {
  const o = outbox(1);
  const draftId = draft();
  const item = await o.queue(draftId);
  assert.equal(item.state, 'scheduled');
  assert.equal(t.store.sendOutbox.isQueued(draftId), true);
  assert.equal(o.undo(item.id), draftId);
  await new Promise((resolve) => setTimeout(resolve, 1_200));
  assert.equal(mailbox.sendCalls, 0);
  assert.equal(t.store.drafts.get(draftId)?.subject, 'Proposal');
  assert.equal(t.store.sendOutbox.isQueued(draftId), false);
  await o.close();
});

test('after the window it leaves once and its draft goes', async () => {
  const o = outbox(0);
  const draftId = draft();
  const item = await o.queue(draftId);
  await until(() => stateOf(item.id) === 'sent', 'sent');
  assert.equal(mailbox.accepted.length, 1);
  assert.equal(mailbox.lookups, 0, 'a first attempt needs no lookup');
  assert.equal(t.store.drafts.get(draftId), null);
  assert.throws(() => o.undo(item.id), (e: unknown) => e instanceof AppError && e.code === 'not_found');
  await o.close();
});

test('a lost answer is looked up by Message-ID and not sent again', async () => {
  const o = outbox(0);
  mailbox.next = ['drop-answer'];
  const item = await o.queue(draft());
  await until(() => stateOf(item.id) === 'sent', 'sent');
  assert.equal(mailbox.sendCalls, 1, 'the second attempt found it and did not send');
  assert.equal(mailbox.lookups, 1);
  assert.equal(mailbox.accepted.length, 1);
  await o.close();
});

test('offline, it waits and leaves once when the provider answers', async () => {
  const o = outbox(0);
  mailbox.next = ['offline', 'offline'];
  const item = await o.queue(draft());
  await until(() => stateOf(item.id) === 'sent', 'sent');
  assert.equal(mailbox.accepted.length, 1);
  assert.equal(mailbox.sendCalls, 3);
  await o.close();
});

test('an attempt interrupted by a crash is checked at the provider before anything is sent', async () => {
  const o = outbox(0);
  const item = await o.queue(draft());
  await until(() => stateOf(item.id) === 'sent', 'sent');
  // Reproduce the crash: the provider has it, the store still says `sending`.
  t.store.sendOutbox.claim(item.id);
  const { databaseOf } = await import('../../../../src-main/store/profile-store.ts');
  databaseOf(t.store).prepare("UPDATE send_outbox SET state = 'sending' WHERE id = ?").run(item.id);
  await o.close();
  const restarted = outbox(0);
  restarted.retryNow();
  await until(() => stateOf(item.id) === 'sent', 'recorded as sent');
  assert.equal(mailbox.accepted.length, 1, 'nothing sent twice');
  assert.equal(mailbox.sendCalls, 1);
  await restarted.close();
});

test('a refusal keeps the message with the provider\'s reason until Retry', async () => {
  const o = outbox(0);
  mailbox.next = ['refuse'];
  const item = await o.queue(draft());
  await until(() => stateOf(item.id) === 'failed', 'failed');
  assert.match(t.store.sendOutbox.get(item.id)!.lastError!, /Invalid To header/);
  assert.equal(o.list().find((i) => i.id === item.id)?.error, t.store.sendOutbox.get(item.id)!.lastError);
  o.retry(item.id);
  await until(() => stateOf(item.id) === 'sent', 'sent after retry');
  assert.equal(mailbox.accepted.length, 1);
  await o.close();
});

test('no recipient, an unfilled template field or a read-only account are refused before queueing', async () => {
  const o = outbox(0);
  const refused = (e: unknown) => e instanceof AppError && e.code === 'invalid_input';
  await assert.rejects(o.queue(draft({ to: [] })), refused);
  await assert.rejects(o.queue(draft({ html: '<p>Hi {{contact.firstname}}</p>' })), refused);
  canSend = false;
  await assert.rejects(o.queue(draft()), (e: unknown) => refused(e) && /read-only/.test((e as Error).message));
  assert.equal(o.list().length, 0);
  await o.close();
});

test('send later waits here for a provider that cannot hold mail, and is handed at once to one that can', async () => {
  const later = Date.now() + 3_600_000;
  const local = outbox(0, false);
  const waiting = await local.queue(draft(), later);
  await new Promise((resolve) => setTimeout(resolve, 100));
  assert.equal(stateOf(waiting.id), 'scheduled', 'Gmail: the outbox keeps it until the time');
  assert.equal(mailbox.sendCalls, 0);
  await local.close();

  const held = outbox(0, true);
  const item = await held.queue(draft(), later);
  await until(() => stateOf(item.id) === 'sent', 'handed to the provider');
  assert.equal(mailbox.accepted.at(-1)?.deliverAt, later, 'with the time it should leave');
  assert.equal(held.list().find((i) => i.id === item.id)?.heldByProvider, true);
  await held.close();
});
