import { test } from 'node:test';
import assert from 'node:assert/strict';
import { discoverImapServer } from '../../../src-main/mail/providers/imap-settings.ts';

test('large providers come from the table; others from RFC 6186 SRV records, IMAPS first', async () => {
  const none = async () => {
    throw Object.assign(new Error('queryNotFound'), { code: 'ENOTFOUND' });
  };
  assert.deepEqual(await discoverImapServer('rep@gmail.com', none), { host: 'imap.gmail.com', port: 993, security: 'tls', user: 'rep@gmail.com' });
  const asked: string[] = [];
  const srv = async (name: string) => {
    asked.push(name);
    if (name === '_imaps._tcp.acme.example') return [{ name: '.', port: 0, priority: 0, weight: 0 }];
    return [
      { name: 'backup.acme.example.', port: 143, priority: 20, weight: 0 },
      { name: 'mail.acme.example.', port: 143, priority: 10, weight: 5 },
    ];
  };
  assert.deepEqual(await discoverImapServer('rep@acme.example', srv), { host: 'mail.acme.example', port: 143, security: 'starttls', user: 'rep@acme.example' });
  assert.deepEqual(asked, ['_imaps._tcp.acme.example', '_imap._tcp.acme.example'], 'a "." target means no IMAPS service (RFC 6186 §3.4)');
  assert.equal(await discoverImapServer('rep@nowhere.example', none), null);
});
