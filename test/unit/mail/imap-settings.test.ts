import { test } from 'node:test';
import assert from 'node:assert/strict';
import { discoverImapServer, discoverSmtpServer } from '../../../src-main/mail/providers/imap-settings.ts';

const none = async () => {
  throw Object.assign(new Error('queryNotFound'), { code: 'ENOTFOUND' });
};
/** No autoconfig anywhere, recording what was asked; keeps these tests off the network. */
function noAutoconfig() {
  const asked: string[] = [];
  return { asked, fetchText: async (url: string) => (asked.push(url), null) };
}

const ACME_XML = `<?xml version="1.0" encoding="UTF-8"?>
<clientConfig version="1.1">
  <emailProvider id="acme.example">
    <domain>acme.example</domain>
    <incomingServer type="pop3"><hostname>pop.acme.example</hostname><port>995</port><socketType>SSL</socketType><username>%EMAILADDRESS%</username></incomingServer>
    <incomingServer type="imap"><hostname>mail.acme.example</hostname><port>143</port><socketType>plain</socketType><username>%EMAILADDRESS%</username></incomingServer>
    <incomingServer type="imap"><hostname>imap.acme.example</hostname><port>993</port><socketType>SSL</socketType><username>%EMAILLOCALPART%</username><authentication>password-cleartext</authentication></incomingServer>
    <outgoingServer type="smtp"><hostname>smtp.acme.example</hostname><port>587</port><socketType>STARTTLS</socketType><username>%EMAILADDRESS%</username><authentication>password-cleartext</authentication></outgoingServer>
  </emailProvider>
</clientConfig>`;

test('large providers come from the table; others from RFC 6186 SRV records, IMAPS first', async () => {
  assert.deepEqual(await discoverImapServer('rep@gmail.com', none), { host: 'imap.gmail.com', port: 993, security: 'tls', user: 'rep@gmail.com' }, 'the older (email, srv) form');
  const asked: string[] = [];
  const srv = async (name: string) => {
    asked.push(name);
    if (name === '_imaps._tcp.acme.example') return [{ name: '.', port: 0, priority: 0, weight: 0 }];
    return [
      { name: 'backup.acme.example.', port: 143, priority: 20, weight: 0 },
      { name: 'mail.acme.example.', port: 143, priority: 10, weight: 5 },
    ];
  };
  assert.deepEqual(await discoverImapServer('rep@acme.example', { srv, ...noAutoconfig() }), { host: 'mail.acme.example', port: 143, security: 'starttls', user: 'rep@acme.example' });
  assert.deepEqual(asked, ['_imaps._tcp.acme.example', '_imap._tcp.acme.example'], 'a "." target means no IMAPS service (RFC 6186 §3.4)');
  assert.equal(await discoverImapServer('rep@nowhere.example', { srv: none, ...noAutoconfig() }), null);
});

test('the table wins over autoconfig: nothing is fetched for a large provider', async () => {
  const { asked, fetchText } = noAutoconfig();
  const srv = async () => assert.fail('no DNS for a large provider');
  assert.equal((await discoverImapServer('rep@fastmail.com', { srv, fetchText }))?.host, 'imap.fastmail.com');
  assert.equal((await discoverSmtpServer('rep@fastmail.com', { srv, fetchText }))?.host, 'smtp.fastmail.com');
  assert.deepEqual(asked, []);
  assert.equal(await discoverImapServer('rep@__proto__', { srv: none, fetchText }), null, 'the table is not an object lookup');
});

test('autoconfig wins over SRV, for IMAP and SMTP from one fetched document', async () => {
  const asked: string[] = [];
  const fetchText = async (url: string) => (asked.push(url), url.startsWith('https://autoconfig.acme.example/') ? ACME_XML : null);
  const srv = async () => assert.fail('SRV is not asked once autoconfig answered');
  assert.deepEqual(await discoverImapServer('rep@acme.example', { srv, fetchText }), { host: 'imap.acme.example', port: 993, security: 'tls', user: 'rep' });
  assert.deepEqual(await discoverSmtpServer('rep@acme.example', { srv, fetchText }), { host: 'smtp.acme.example', port: 587, security: 'starttls' });
  assert.deepEqual(asked, ['https://autoconfig.acme.example/mail/config-v1.1.xml?emailaddress=rep%40acme.example']);
});

test('an autoconfig file without a usable server, or none at all, leaves it to SRV', async () => {
  const plainOnly = ACME_XML.replace(/<socketType>(SSL|STARTTLS)<\/socketType>/g, '<socketType>plain</socketType>');
  const srvAsked: string[] = [];
  const srv = async (name: string) => {
    srvAsked.push(name);
    if (name.startsWith('_submission._tcp.') || name.startsWith('_imap._tcp.')) return [{ name: 'srv.plain.example.', port: 587, priority: 0, weight: 0 }];
    throw Object.assign(new Error('queryNotFound'), { code: 'ENOTFOUND' });
  };
  const deps = { srv, fetchText: async () => plainOnly };
  assert.equal((await discoverImapServer('rep@plain.example', deps))?.host, 'srv.plain.example');
  assert.deepEqual(await discoverSmtpServer('rep@plain.example', deps), { host: 'srv.plain.example', port: 587, security: 'starttls' });
  assert.deepEqual(srvAsked, ['_imaps._tcp.plain.example', '_imap._tcp.plain.example', '_submissions._tcp.plain.example', '_submission._tcp.plain.example']);

  const { asked, fetchText } = noAutoconfig();
  assert.equal(await discoverSmtpServer('rep@nowhere.example', { srv: none, fetchText }), null);
  assert.deepEqual(asked, [
    'https://autoconfig.nowhere.example/mail/config-v1.1.xml?emailaddress=rep%40nowhere.example',
    'https://nowhere.example/.well-known/autoconfig/mail/config-v1.1.xml?emailaddress=rep%40nowhere.example',
  ]);
});
