// The optimistic CRM log states against a real react-query cache, in the order the log
// mutations apply them: queue on click, main's answer on success, the snapshot on error.
import { beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { QueryClient } from '@tanstack/react-query';
import type { MessageLogState, MessageView, ThreadView } from '../../../../src-preload/contract/index.ts';
import {
  patchThreadLogStates,
  queued,
  queuedUnlogged,
  restoreThread,
  snapshotThread,
} from '../../../../src-renderer/api/log-state-patches.ts';
import { keys } from '../../../../src-renderer/api/query-keys.ts';

const THREAD = 40;

const item = (outboxId: number, state: MessageLogState['items'][number]['state'], error: string | null = null) => ({
  outboxId,
  contactEmail: `contact${outboxId}@example.com`,
  crm: 'hubspot',
  withCompany: false,
  deals: [],
  state,
  error,
});

const message = (id: number, logState: Omit<MessageLogState, 'messageId'>): MessageView => ({
  id,
  accountId: 1,
  subject: `Re: pricing (${id})`,
  from: { address: 'ada@example.com', name: 'Ada', isContact: true },
  to: [],
  cc: [],
  date: 1_700_000_000_000 + id,
  unread: false,
  starred: false,
  text: 'hello',
  html: null,
  attachments: [],
  warnings: [],
  remoteContentAllowed: false,
  logState: { messageId: id, ...logState },
});

/** Three messages: never logged, failed for one contact of two, and logged. */
const thread = (): ThreadView => ({
  id: THREAD,
  accountId: 1,
  subject: 'pricing',
  labelIds: [],
  messages: [
    message(1, { state: 'none', error: null, items: [] }),
    message(2, { state: 'failed', error: 'HTTP 500', items: [item(20, 'failed', 'HTTP 500'), item(21, 'logged')] }),
    message(3, { state: 'logged', error: null, items: [item(30, 'logged')] }),
  ],
});

const logStateOf = (client: QueryClient, messageId: number) =>
  client.getQueryData<ThreadView>(keys.thread(THREAD))?.messages.find((m) => m.id === messageId)?.logState;

describe('optimistic log-state patches', () => {
  let client: QueryClient;
  beforeEach(() => {
    client = new QueryClient();
    client.setQueryData(keys.thread(THREAD), thread());
  });

  test('queued() clears the error and keeps the items the message already had', () => {
    const failed = thread().messages[1]!.logState;
    assert.deepEqual(queued(2, failed), { messageId: 2, state: 'queued', error: null, items: failed.items });
    assert.deepEqual(queued(9), { messageId: 9, state: 'queued', error: null, items: [] });
  });

  test('a patch marks only the named messages queued, with their items', () => {
    const before = thread();
    patchThreadLogStates(client, THREAD, [queued(2, before.messages[1]!.logState)]);

    assert.deepEqual(logStateOf(client, 2), {
      messageId: 2,
      state: 'queued',
      error: null,
      items: [item(20, 'failed', 'HTTP 500'), item(21, 'logged')],
    });
    assert.deepEqual(logStateOf(client, 1), before.messages[0]!.logState);
    assert.deepEqual(logStateOf(client, 3), before.messages[2]!.logState);
    const { messages: _patched, ...rest } = client.getQueryData<ThreadView>(keys.thread(THREAD))!;
    const { messages: _original, ...expected } = before;
    assert.deepEqual(rest, expected, 'the thread around the messages is untouched');
  });

  test("on success main's state replaces the queued one", () => {
    patchThreadLogStates(client, THREAD, [queued(1)]);
    const answer: MessageLogState = { messageId: 1, state: 'logged', error: null, items: [item(10, 'logged'), item(11, 'logged')] };
    patchThreadLogStates(client, THREAD, [answer]);
    assert.deepEqual(logStateOf(client, 1), answer);
  });

  test('on error the snapshot taken before the patch comes back unchanged', () => {
    const previous = snapshotThread(client, THREAD);
    assert.ok(previous);
    patchThreadLogStates(client, THREAD, queuedUnlogged(previous));
    assert.equal(logStateOf(client, 1)?.state, 'queued');

    assert.deepEqual(previous, thread(), 'the patch wrote a new thread instead of editing the snapshot');
    restoreThread(client, THREAD, previous);
    assert.deepEqual(client.getQueryData(keys.thread(THREAD)), thread());
  });

  test('logging a thread queues the messages not yet logged and leaves logged ones as they are', () => {
    const before = thread();
    const states = queuedUnlogged(before);
    assert.deepEqual(states.map((s) => s.messageId), [1, 2]);

    patchThreadLogStates(client, THREAD, states);
    assert.equal(logStateOf(client, 1)?.state, 'queued');
    assert.equal(logStateOf(client, 2)?.state, 'queued');
    assert.deepEqual(logStateOf(client, 2)?.items, before.messages[1]!.logState.items);
    assert.deepEqual(logStateOf(client, 3), before.messages[2]!.logState);
  });

  test('a thread that is not cached is neither created nor touched, and other threads stay as they are', () => {
    const other = { ...thread(), id: THREAD + 1 };
    client.setQueryData(keys.thread(THREAD + 1), other);

    patchThreadLogStates(client, 99, [queued(1)]);
    restoreThread(client, 99, undefined);
    assert.equal(client.getQueryData(keys.thread(99)), undefined);
    assert.equal(snapshotThread(client, 99), undefined);

    patchThreadLogStates(client, THREAD, [queued(1)]);
    assert.equal(client.getQueryData(keys.thread(THREAD + 1)), other);
  });
});
