import { test } from 'node:test';
import assert from 'node:assert/strict';
import { threadKeyFor } from '../../../src-main/mail/thread-key.ts';
import { message } from '../store/store-fixtures.ts';

test('the provider thread id wins', () => {
  const m = message({ id: 'a', threadId: 'T1', references: ['root@x'] });
  assert.deepEqual(threadKeyFor(m.incoming, m.parsed), { key: 'p:T1', providerThreadId: 'T1' });
});

test('local key: first References entry, else In-Reply-To, else own Message-ID, else subject', () => {
  const key = (spec: Parameters<typeof message>[0]) => {
    const m = message({ threadId: null, ...spec });
    return threadKeyFor(m.incoming, m.parsed).key;
  };
  assert.equal(key({ id: 'a', references: ['root@x', 'mid@x'], inReplyTo: 'mid@x' }), 'l:root@x');
  assert.equal(key({ id: 'a', inReplyTo: 'mid@x' }), 'l:mid@x');
  assert.equal(key({ id: 'a', messageId: 'own@x' }), 'l:own@x');
  assert.equal(key({ id: 'a', messageId: null, subject: 'Re: [Sales] AW: Offer' }), 'l:subject:offer');
  assert.equal(key({ id: 'a', messageId: null, subject: '  ' }), 'l:x:a', 'nothing to go on: a thread of its own');
});
