// The message that leaves, read back by a MIME parser: our Message-ID, In-Reply-To and
// References, Bcc kept for the provider, non-ASCII encoded, HTML cleaned, attachments kept.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import PostalMime from 'postal-mime';
import { buildMime, newMessageId } from '../../../../src-main/mail/compose/outgoing-mime.ts';

test('buildMime writes the headers a reply needs and a text alternative', async () => {
  const id = newMessageId('rep@mailbridge.example');
  assert.match(id, /^[0-9a-f-]{36}@mailbridge\.example$/);
  const raw = await buildMime(
    {
      from: { address: 'rep@mailbridge.example', name: 'Renée Rep' },
      to: [{ address: 'alice@customer.example', name: 'Alice' }],
      cc: [],
      bcc: [{ address: 'boss@mailbridge.example', name: '' }],
      subject: 'Re: Angebot für Zürich',
      html: '<p>Thanks <b>Alice</b></p><script>alert(1)</script>',
      quotedHtml: '<blockquote>old</blockquote>',
      inReplyTo: 'm2@x',
      references: ['m1@x', 'm2@x'],
      attachments: [{ filename: 'Preisliste €.pdf', contentType: 'application/pdf', content: Buffer.from('%PDF-1.4') }],
    },
    id,
    new Date(Date.UTC(2026, 11, 3, 12)),
  );
  const text = raw.toString('latin1');
  assert.match(text, /^Bcc: boss@mailbridge\.example/m, 'Bcc stays for the provider to deliver and strip');
  assert.match(text, /^Subject: =\?UTF-8\?/m, 'non-ASCII subject as RFC 2047 encoded words');
  const email = await PostalMime.parse(raw);
  assert.equal(email.messageId, `<${id}>`);
  assert.equal(email.inReplyTo, '<m2@x>');
  assert.equal(email.references, '<m1@x> <m2@x>');
  assert.equal(email.subject, 'Re: Angebot für Zürich');
  assert.equal(email.from?.name, 'Renée Rep');
  assert.doesNotMatch(email.html ?? '', /script/);
  assert.match(email.html ?? '', /<b>Alice<\/b>.*<blockquote>old<\/blockquote>/s);
  assert.match(email.text ?? '', /Thanks Alice/);
  assert.equal(email.attachments[0]?.filename, 'Preisliste €.pdf');
});
