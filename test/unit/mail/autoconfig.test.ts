import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { autoconfigUrls, fetchAutoconfig, httpsFetchText, parseAutoconfig, type FetchText } from '../../../src-main/mail/providers/autoconfig.ts';

// Shaped like a hosting provider's entry in Thunderbird's ISPDB: POP3 and a plain IMAP server
// listed first, placeholders in hostnames and usernames, several authentication methods.
const HOSTING_XML = `<?xml version="1.0" encoding="UTF-8"?>
<clientConfig version="1.1">
  <emailProvider id="hosting.example">
    <domain>acme.example</domain>
    <displayName>Hosting Example Mail</displayName>
    <displayShortName>Hosting</displayShortName>
    <incomingServer type="pop3">
      <hostname>pop.hosting.example</hostname>
      <port>995</port>
      <socketType>SSL</socketType>
      <username>%EMAILADDRESS%</username>
      <authentication>password-cleartext</authentication>
    </incomingServer>
    <incomingServer type="imap">
      <hostname>legacy.hosting.example</hostname>
      <port>143</port>
      <socketType>plain</socketType>
      <username>%EMAILADDRESS%</username>
      <authentication>password-cleartext</authentication>
    </incomingServer>
    <incomingServer type="imap">
      <hostname>imap.%EMAILDOMAIN%</hostname>
      <port>993</port>
      <socketType>SSL</socketType>
      <username>%EMAILLOCALPART%</username>
      <authentication>OAuth2</authentication>
      <authentication>password-cleartext</authentication>
    </incomingServer>
    <incomingServer type="imap">
      <hostname>imap.hosting.example</hostname>
      <port>143</port>
      <socketType>STARTTLS</socketType>
      <username>%EMAILADDRESS%</username>
      <authentication>password-cleartext</authentication>
    </incomingServer>
    <outgoingServer type="smtp">
      <hostname>smtp.hosting.example</hostname>
      <port>25</port>
      <socketType>plain</socketType>
      <username>%EMAILADDRESS%</username>
      <authentication>password-cleartext</authentication>
    </outgoingServer>
    <outgoingServer type="smtp">
      <hostname>smtp.hosting.example</hostname>
      <port>587</port>
      <socketType>STARTTLS</socketType>
      <username>%EMAILADDRESS%</username>
      <authentication>password-cleartext</authentication>
    </outgoingServer>
    <documentation url="https://hosting.example/help/mail">
      <descr lang="en">Mail settings</descr>
    </documentation>
  </emailProvider>
</clientConfig>`;

const PLAIN_ONLY_XML = `<?xml version="1.0"?>
<clientConfig version="1.1"><emailProvider id="old.example">
  <incomingServer type="imap"><hostname>mail.old.example</hostname><port>143</port><socketType>plain</socketType><username>%EMAILADDRESS%</username></incomingServer>
  <outgoingServer type="smtp"><hostname>mail.old.example</hostname><port>25</port><socketType>plain</socketType><username>%EMAILADDRESS%</username></outgoingServer>
</emailProvider></clientConfig>`;

const imapOnly = (hostname: string, port = '993') => `<?xml version="1.0"?>
<clientConfig version="1.1"><emailProvider id="x">
  <incomingServer type="imap"><hostname>${hostname}</hostname><port>${port}</port><socketType>SSL</socketType></incomingServer>
</emailProvider></clientConfig>`;

/** A FetchText answering from a table of URL → body, recording what was asked. */
function fakeFetch(bodies: Record<string, string | null>): FetchText & { asked: string[] } {
  const asked: string[] = [];
  const fetchText = async (url: string) => {
    asked.push(url);
    return bodies[url] ?? null;
  };
  return Object.assign(fetchText, { asked });
}

test('a hosting provider file: the first IMAP and SMTP servers over SSL or STARTTLS, POP3 and plain skipped, placeholders filled', () => {
  assert.deepEqual(parseAutoconfig(HOSTING_XML, 'rep@acme.example'), {
    imap: { host: 'imap.acme.example', port: 993, security: 'tls', user: 'rep', authentication: ['OAuth2', 'password-cleartext'] },
    smtp: { host: 'smtp.hosting.example', port: 587, security: 'starttls', user: 'rep@acme.example', authentication: ['password-cleartext'] },
  });
});

test('a file offering only plain-text servers offers nothing: the password never goes in clear', () => {
  assert.equal(parseAutoconfig(PLAIN_ONLY_XML, 'rep@old.example'), null);
});

test('malformed or hostile documents are not found, and do not throw', () => {
  const email = 'rep@acme.example';
  assert.equal(parseAutoconfig(HOSTING_XML.slice(0, 600), email), null, 'truncated XML');
  assert.equal(parseAutoconfig('<html><body>Not found</body></html>', email), null, 'an HTML error page');
  assert.equal(parseAutoconfig('', email), null);
  assert.equal(parseAutoconfig('{"imap":"imap.acme.example"}', email), null);
  const bomb = `<?xml version="1.0"?><!DOCTYPE clientConfig [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>
<clientConfig version="1.1"><emailProvider id="x"><incomingServer type="imap"><hostname>imap.acme.example</hostname><port>993</port><socketType>SSL</socketType><username>&b;</username></incomingServer></emailProvider></clientConfig>`;
  assert.equal(parseAutoconfig(bomb, email), null, 'a DTD is refused');
});

test('a malformed hostname or port makes that server unusable', () => {
  const email = 'rep@acme.example';
  for (const host of ['imap acme.example', 'imap.acme.example/evil', 'attacker.example:993@imap', 'localhost', '-imap.acme.example', '']) {
    assert.equal(parseAutoconfig(imapOnly(host), email), null, `hostname ${JSON.stringify(host)}`);
  }
  for (const port of ['0', '65536', '99999999', '993abc', '-1', '']) {
    assert.equal(parseAutoconfig(imapOnly('imap.acme.example', port), email), null, `port ${JSON.stringify(port)}`);
  }
  assert.deepEqual(parseAutoconfig(imapOnly('IMAP.Acme.Example.', '993'), email)?.imap, { host: 'imap.acme.example', port: 993, security: 'tls', user: email, authentication: [] });
});

test('the autoconfig subdomain is asked first, then .well-known on the domain, over HTTPS with the address encoded', async () => {
  assert.deepEqual(autoconfigUrls('rep+crm@acme.example'), [
    'https://autoconfig.acme.example/mail/config-v1.1.xml?emailaddress=rep%2Bcrm%40acme.example',
    'https://acme.example/.well-known/autoconfig/mail/config-v1.1.xml?emailaddress=rep%2Bcrm%40acme.example',
  ]);
  assert.deepEqual(autoconfigUrls('rep@acme.example/../x'), [], 'a domain that is not a hostname asks nothing');
  assert.deepEqual(autoconfigUrls('no-at-sign'), []);
  assert.equal(autoconfigUrls('rep@bücher.example')[0], 'https://autoconfig.xn--bcher-kva.example/mail/config-v1.1.xml?emailaddress=rep%40b%C3%BCcher.example');

  const first = fakeFetch({ [autoconfigUrls('rep@acme.example')[0]!]: HOSTING_XML });
  assert.equal((await fetchAutoconfig('rep@acme.example', first))?.imap?.host, 'imap.acme.example');
  assert.deepEqual(first.asked, [autoconfigUrls('rep@acme.example')[0]], 'the first answer ends the search');

  const [sub, wellKnown] = autoconfigUrls('rep@beta.example');
  const fallback = fakeFetch({ [sub!]: '<html>404</html>', [wellKnown!]: HOSTING_XML });
  assert.equal((await fetchAutoconfig('rep@beta.example', fallback))?.smtp?.port, 587);
  assert.deepEqual(fallback.asked, [sub, wellKnown], 'an unusable answer from the subdomain falls back to .well-known');

  const nothing = fakeFetch({});
  assert.equal(await fetchAutoconfig('rep@gamma.example', nothing), null);
  assert.equal(nothing.asked.length, 2);
  const throwing: FetchText = async () => {
    throw new Error('boom');
  };
  assert.equal(await fetchAutoconfig('rep@delta.example', throwing), null, 'a fetcher that throws counts as not found');
});

test('one set-up fetches the document once for IMAP and SMTP', async () => {
  const fetchText = fakeFetch({ [autoconfigUrls('rep@acme.example')[0]!]: HOSTING_XML, [autoconfigUrls('other@acme.example')[0]!]: HOSTING_XML });
  const [a, b] = await Promise.all([fetchAutoconfig('rep@acme.example', fetchText), fetchAutoconfig('rep@acme.example', fetchText)]);
  assert.equal(a, b);
  await fetchAutoconfig('rep@acme.example', fetchText);
  assert.equal(fetchText.asked.length, 1);
  await fetchAutoconfig('other@acme.example', fetchText);
  assert.equal(fetchText.asked.length, 2, 'the answer may depend on the address: kept per address');
});

/** A fetch that answers from `answers` in turn, recording the URLs and options it was given. */
function fakeHttp(answers: Array<() => Response>) {
  const calls: Array<{ url: string; init: RequestInit | undefined }> = [];
  const fetch = (async (input: string | URL | Request, init?: RequestInit) => {
    calls.push({ url: String(input), init });
    const next = answers.shift();
    if (!next) throw new Error('unexpected request');
    return next();
  }) as typeof globalThis.fetch;
  return { fetch, calls };
}

test('the fetcher follows HTTPS redirects by hand and refuses any hop to plain http', async () => {
  const ok = fakeHttp([
    () => new Response(null, { status: 301, headers: { location: 'https://autoconfig.provider.example/mail/config-v1.1.xml' } }),
    () => new Response(HOSTING_XML, { status: 200, headers: { 'content-type': 'application/xml' } }),
  ]);
  assert.equal(await httpsFetchText({ fetch: ok.fetch })('https://autoconfig.acme.example/mail/config-v1.1.xml'), HOSTING_XML);
  assert.deepEqual(ok.calls.map((c) => c.url), ['https://autoconfig.acme.example/mail/config-v1.1.xml', 'https://autoconfig.provider.example/mail/config-v1.1.xml']);
  assert.equal(ok.calls[0]!.init?.redirect, 'manual');
  assert.ok(ok.calls[0]!.init?.signal instanceof AbortSignal, 'every request carries the timeout');

  const downgrade = fakeHttp([() => new Response(null, { status: 302, headers: { location: 'http://autoconfig.acme.example/mail/config-v1.1.xml' } })]);
  assert.equal(await httpsFetchText({ fetch: downgrade.fetch })('https://autoconfig.acme.example/mail/config-v1.1.xml'), null);
  assert.equal(downgrade.calls.length, 1, 'the http: Location is never requested');

  const loop = fakeHttp(Array.from({ length: 10 }, () => () => new Response(null, { status: 302, headers: { location: '/again' } })));
  assert.equal(await httpsFetchText({ fetch: loop.fetch, maxRedirects: 3 })('https://acme.example/start'), null);
  assert.equal(loop.calls.length, 4);

  const direct = fakeHttp([]);
  assert.equal(await httpsFetchText({ fetch: direct.fetch })('http://autoconfig.acme.example/mail/config-v1.1.xml'), null);
  assert.equal(direct.calls.length, 0);
});

test('the fetcher caps the body, and answers null for errors, error statuses and timeouts', async () => {
  const big = 'x'.repeat(70 * 1024);
  const declared = fakeHttp([() => new Response(big, { headers: { 'content-length': String(big.length) } })]);
  assert.equal(await httpsFetchText({ fetch: declared.fetch })('https://acme.example/a'), null, 'a Content-Length over 64 KiB');
  const streamed = () => new Response(new ReadableStream({
    start(controller) {
      for (let i = 0; i < 70; i++) controller.enqueue(new TextEncoder().encode('y'.repeat(1024)));
      controller.close();
    },
  }));
  assert.equal(await httpsFetchText({ fetch: fakeHttp([streamed]).fetch })('https://acme.example/b'), null, 'a body that grows past 64 KiB');
  assert.equal((await httpsFetchText({ fetch: fakeHttp([streamed]).fetch, maxBytes: 80 * 1024 })('https://acme.example/b'))?.length, 70 * 1024);
  assert.equal(await httpsFetchText({ fetch: fakeHttp([() => new Response('gone', { status: 404 })]).fetch })('https://acme.example/c'), null);
  assert.equal(await httpsFetchText({ fetch: fakeHttp([]).fetch })('https://acme.example/d'), null, 'a network error');

  const hanging = (async (_input: string | URL | Request, init?: RequestInit) => new Promise<Response>((_resolve, reject) => {
    init?.signal?.addEventListener('abort', () => reject(init.signal!.reason));
  })) as typeof globalThis.fetch;
  const started = Date.now();
  const keepAlive = setTimeout(() => {}, 5000); // AbortSignal.timeout's timer does not hold the event loop open.
  try {
    assert.equal(await httpsFetchText({ fetch: hanging, timeoutMs: 50 })('https://acme.example/e'), null);
  } finally {
    clearTimeout(keepAlive);
  }
  assert.ok(Date.now() - started < 2000, 'the timeout ends the request');
});

test('with Node\'s own fetch, a plain-http URL is never requested', async () => {
  let requests = 0;
  const server = createServer((_req, res) => {
    requests++;
    res.end(HOSTING_XML);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = server.address() as AddressInfo;
    assert.equal(await httpsFetchText()(`http://127.0.0.1:${port}/mail/config-v1.1.xml`), null);
    assert.equal(requests, 0);
  } finally {
    server.close();
  }
});
