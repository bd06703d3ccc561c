// What SMTP is handed for an IMAP account: the envelope from From / To / Cc / Bcc, and the
// message without its Bcc field (RFC 5322 §3.6.3: Bcc recipients stay unseen).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { envelopeOf, withoutBcc } from '../../../src-main/mail/remote/imap-mailbox.ts';

const raw = Buffer.from(
  'From: Rep <rep@acme.example>\r\nTo: "Buyer, A" <a@customer.example>, b@customer.example\r\nCc: c@customer.example\r\n' +
    'Bcc: boss@acme.example,\r\n secret@acme.example\r\nSubject: Bcc: not a header here\r\n\r\nBcc: neither in the body\r\n',
);

test('the envelope names every recipient once, Bcc included', () => {
  assert.deepEqual(envelopeOf(raw), { from: 'rep@acme.example', to: ['a@customer.example', 'b@customer.example', 'c@customer.example', 'boss@acme.example', 'secret@acme.example'] });
});

test('the Bcc field and its folded line go; the body and other fields stay byte for byte', () => {
  const sent = withoutBcc(raw).toString('latin1');
  assert.doesNotMatch(sent, /boss@|secret@/);
  assert.match(sent, /^Subject: Bcc: not a header here$/m);
  assert.ok(sent.endsWith('\r\n\r\nBcc: neither in the body\r\n'));
  assert.equal(withoutBcc(Buffer.from('Subject: x\r\n\r\nbody')).toString(), 'Subject: x\r\n\r\nbody');
});
