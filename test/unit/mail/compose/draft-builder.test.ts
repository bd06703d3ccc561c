// Drafts start as Gmail and Outlook start them: recipients of a reply and reply all, subject
// prefixes, the quoted original (cleaned), In-Reply-To and References.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { forwardSubject, quotedOriginal, replyRecipients, replySubject, startDraft } from '../../../../src-main/mail/compose/draft-builder.ts';
import type { Account, MessageRecord } from '../../../../src-main/store/types.ts';

const REP = 'rep@mailbridge.example';
const account: Account = { id: 1, provider: 'gmail', email: REP, displayName: 'Rep', status: 'connected', createdAt: 0, updatedAt: 0 };

function source(overrides: Partial<MessageRecord> = {}): MessageRecord {
  const raw = Buffer.from('Message-ID: <m2@x>\r\nReferences: <m0@x> <m1@x>\r\nSubject: Deal\r\n\r\nHello\r\n');
  return {
    id: 7,
    accountId: 1,
    providerMessageId: 'p7',
    threadId: 3,
    messageId: 'm2@x',
    subject: 'Deal',
    from: { name: 'Alice Buyer', address: 'alice@customer.example' },
    date: Date.UTC(2001, 4, 1, 9, 30),
    internalDate: null,
    receivedAt: 0,
    snippet: '',
    text: 'Hello <there>\nsecond line',
    html: null,
    hasAttachments: false,
    serverOnly: false,
    attachments: [],
    warnings: [],
    unread: false,
    labels: [],
    participants: [
      { role: 'from', address: 'alice@customer.example', name: 'Alice Buyer' },
      { role: 'to', address: REP, name: 'Rep' },
      { role: 'to', address: 'bob@customer.example', name: 'Bob' },
      { role: 'cc', address: 'carol@customer.example', name: '' },
      { role: 'cc', address: 'alice@customer.example', name: 'Alice Buyer' },
    ],
    raw,
    ...overrides,
  };
}

test('reply goes to the sender; reply all adds To and Cc without the rep or duplicates', () => {
  assert.deepEqual(replyRecipients(source(), REP, false), { to: [{ address: 'alice@customer.example', name: 'Alice Buyer' }], cc: [] });
  const all = replyRecipients(source(), REP, true);
  assert.deepEqual(all.to.map((p) => p.address), ['alice@customer.example']);
  assert.deepEqual(all.cc.map((p) => p.address), ['bob@customer.example', 'carol@customer.example']);
});

test('Reply-To wins over From, and a reply to the rep\'s own message goes to its recipients', () => {
  const withReplyTo = source({ participants: [...source().participants, { role: 'reply_to', address: 'sales@customer.example', name: '' }] });
  assert.deepEqual(replyRecipients(withReplyTo, REP, false).to.map((p) => p.address), ['sales@customer.example']);
  const own = source({ from: { name: 'Rep', address: REP }, participants: [{ role: 'from', address: REP, name: 'Rep' }, { role: 'to', address: 'bob@customer.example', name: 'Bob' }] });
  assert.deepEqual(replyRecipients(own, REP, false).to.map((p) => p.address), ['bob@customer.example']);
});

test('subject prefixes are added once', () => {
  assert.equal(replySubject('Deal'), 'Re: Deal');
  assert.equal(replySubject('RE: Deal'), 'RE: Deal');
  assert.equal(forwardSubject('Re: Deal'), 'Fwd: Re: Deal');
  assert.equal(forwardSubject('Fwd: Deal'), 'Fwd: Deal');
});

test('the quoted original escapes text and cleans HTML of scripts and remote images', () => {
  const quoted = quotedOriginal('reply', source());
  assert.match(quoted, /^<p>On 1 May 2001, 09:30 UTC, Alice Buyer &#60;alice@customer.example&#62; wrote:<\/p><blockquote>/);
  assert.match(quoted, /Hello &#60;there&#62;<br>second line/);
  const html = quotedOriginal('forward', source({ html: '<p onclick="x()">Hi</p><script>alert(1)</script><img src="https://tracker.example/p.gif">' }));
  assert.match(html, /Forwarded message/);
  assert.doesNotMatch(html, /script|onclick|tracker/);
  assert.match(html, /<p>Hi<\/p>/);
});

test('a reply carries In-Reply-To and References ending with the original, and the signature', async () => {
  const draft = await startDraft('reply', account, source(), { signature: 'Rep\nAcme', logToCrm: true });
  assert.equal(draft.inReplyTo, 'm2@x');
  assert.deepEqual(draft.references, ['m0@x', 'm1@x', 'm2@x']);
  assert.equal(draft.threadId, 3);
  assert.equal(draft.subject, 'Re: Deal');
  assert.match(draft.html, /-- <br>Rep<br>Acme/);
  const fresh = await startDraft('new', account, null, { logToCrm: false });
  assert.deepEqual([fresh.to, fresh.subject, fresh.quotedHtml, fresh.threadId], [[], '', '', null]);
});
