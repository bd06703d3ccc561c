// Subject normalisation and local thread keys for messages without a provider thread id.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { localThreadKey, normaliseSubject } from '../../../../src-main/mail/mime/index.ts';

test('reply and forward prefixes and list tags are stripped repeatedly', () => {
  assert.equal(normaliseSubject('Re: [notmuch] Re: AW: Fwd:  Budget   2002'), 'Budget 2002');
  assert.equal(normaliseSubject('RE: FW: SV: WG: Fw: re: Hello'), 'Hello');
  assert.equal(normaliseSubject('Re[2]: Re(3): status'), 'status');
  assert.equal(normaliseSubject('[PATCH 1/2] [list] Re: fix'), 'fix');
  assert.equal(normaliseSubject('Quarterly numbers (fwd)'), 'Quarterly numbers');
  assert.equal(normaliseSubject('Regarding: the plan'), 'Regarding: the plan');
  assert.equal(normaliseSubject('Re:'), '');
});

const base = { references: [] as string[], inReplyTo: null, messageId: null, subject: '', from: null, date: null };

test('thread key prefers the References root, then In-Reply-To, then Message-ID', () => {
  assert.equal(localThreadKey({ ...base, references: ['root@x', 'p@x'], inReplyTo: 'p@x', messageId: 'm@x' }), 'root@x');
  assert.equal(localThreadKey({ ...base, inReplyTo: 'p@x', messageId: 'm@x' }), 'p@x');
  assert.equal(localThreadKey({ ...base, messageId: 'm@x' }), 'm@x');
});

test('thread key falls back to the normalised subject, lower-cased', () => {
  assert.equal(localThreadKey({ ...base, subject: 'RE: FW: Gas Prices' }), 'subject:gas prices');
  assert.equal(localThreadKey({ ...base, subject: 'gas prices' }), 'subject:gas prices');
});

test('subjectless messages without ids do not share one key', () => {
  const a = localThreadKey({ ...base, from: { name: '', address: 'a@x' }, date: 1 });
  const b = localThreadKey({ ...base, from: { name: '', address: 'b@x' }, date: 1 });
  assert.notEqual(a, b);
});
