// A phishing-grade HTML message: script tags, event handlers, javascript: URLs, a meta
// refresh, external styles, frames and a tracking pixel. Opened in the real renderer it
// must run nothing and fetch nothing — proved by a tracker server that counts every
// request — until the rep allows remote images for that sender, when only the images load.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../support/chromium.ts';
import { startRendererHarness, type RendererHarness } from '../support/renderer-harness.ts';
import { buildRendererOnce } from '../support/build.ts';
import { startHttpsServer, type StartedServer } from '../emulators/http-server.ts';
import { openServices, type Services } from '../../src-main/app/assemble.ts';

const SENDER = 'offers@tracker-mail.example';

function hostileMessage(tracker: string): string {
  const html = `<html><head>
<meta http-equiv="refresh" content="0;url=${tracker}/meta-refresh">
<link rel="stylesheet" href="${tracker}/style.css">
<script>window.top.__pwned = 'script'; fetch('${tracker}/script');</script>
<style>@import url("${tracker}/import.css"); .x { background: url(${tracker}/css-bg.png) }</style>
</head><body>
<p id="greeting">Quarterly numbers attached.</p>
<img src="${tracker}/track.gif?id=42" width="1" height="1" alt="">
<img src="x" onerror="window.top.__pwned = 'onerror'; fetch('${tracker}/onerror')">
<a id="jslink" href="javascript:fetch('${tracker}/js-link')">Open the report</a>
<svg onload="fetch('${tracker}/svg')"><circle r="4"></circle></svg>
<iframe src="${tracker}/frame"></iframe>
<object data="${tracker}/object"></object>
<form action="${tracker}/form"><button id="submit">Confirm</button></form>
<div class="x" style="background-image:url(${tracker}/inline-bg.png)" onmouseover="fetch('${tracker}/hover')">Hover me</div>
</body></html>`;
  return [
    `From: Special Offers <${SENDER}>`,
    'To: Riley Chen <riley.chen@mailbridge-demo.test>',
    'Subject: Your exclusive quarterly offer',
    'Date: Tue, 03 Nov 2026 09:30:00 +0000',
    'Message-ID: <hostile-1@tracker-mail.example>',
    'MIME-Version: 1.0',
    'Content-Type: text/html; charset=utf-8',
    '',
    html,
  ].join('\r\n');
}

describe('hostile HTML mail in the thread view', () => {
  let work: string;
  let tracker: StartedServer;
  const requests: string[] = [];
  let services: Services;
  let harness: RendererHarness;
  let browser: Browser;
  let page: Page;

  before(async () => {
    await buildRendererOnce();
    tracker = await startHttpsServer((req, res) => {
      requests.push(new URL(req.url ?? '/', 'https://x').pathname);
      res.writeHead(200, { 'content-type': 'image/gif' }).end(Buffer.from('R0lGODlhAQABAAAAACw=', 'base64'));
    });
    work = mkdtempSync(join(tmpdir(), 'mailbridge-hostile-'));
    mkdirSync(join(work, 'mailbox/cur'), { recursive: true });
    mkdirSync(join(work, 'mailbox/new'), { recursive: true });
    writeFileSync(join(work, 'mailbox/cur/1.hostile:2,'), hostileMessage(tracker.url));
    services = await openServices({ profileDir: join(work, 'profile'), config: {} });
    await services.importMailbox(join(work, 'mailbox'));
    harness = await startRendererHarness(services);
    browser = await launchChromium();
    page = await browser.newPage();
    page.on('dialog', (dialog) => void dialog.dismiss());
    await page.goto(harness.signInUrl());
    await page.getByRole('listbox', { name: 'Threads' }).getByRole('option').first().click();
  });

  after(async () => {
    await browser?.close();
    await harness?.close();
    await services?.close();
    await tracker?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  const messageFrame = () => page.frameLocator('iframe.message-frame');

  test('the message text shows in a sandboxed frame without scripts', async () => {
    await messageFrame().locator('#greeting').waitFor();
    assert.equal(await messageFrame().locator('#greeting').textContent(), 'Quarterly numbers attached.');
    const sandbox = await page.locator('iframe.message-frame').getAttribute('sandbox');
    assert.ok(sandbox !== null, 'the frame is sandboxed');
    assert.doesNotMatch(sandbox, /allow-scripts|allow-same-origin|allow-forms|allow-top-navigation/);
  });

  test('nothing ran and nothing was fetched, even after clicks and hovers', async () => {
    await page.locator('iframe.message-frame').waitFor();
    const frame = messageFrame();
    if (await frame.locator('#jslink').count()) await frame.locator('#jslink').click({ timeout: 2_000 }).catch(() => undefined);
    if (await frame.locator('#submit').count()) await frame.locator('#submit').click({ timeout: 2_000 }).catch(() => undefined);
    await frame.getByText('Hover me').hover();
    await page.waitForTimeout(1_500);
    assert.deepEqual(requests, [], `the tracker saw: ${requests.join(', ')}`);
    assert.equal(await page.evaluate(() => (window as unknown as { __pwned?: string }).__pwned), undefined);
    const left = await frame.locator('script, iframe, object, form, [onerror], [onload], [onmouseover], a[href^="javascript:"]').count();
    assert.equal(left, 0, 'the sanitiser removed every active element and handler');
    assert.equal(page.url().startsWith(harness.origin), true, 'the app did not navigate away');
  });

  test('remote images are blocked with a prompt; allowing the sender loads the images and still nothing else', async () => {
    const notice = page.getByRole('status', { name: 'Remote images blocked' });
    await notice.waitFor();
    await notice.getByRole('button', { name: `Allow from ${SENDER}` }).click();
    await notice.waitFor({ state: 'detached' });
    await page.waitForFunction(() => true);
    for (let i = 0; i < 50 && !requests.some((r) => r === '/track.gif'); i++) await page.waitForTimeout(100);
    assert.ok(requests.includes('/track.gif'), `the allowed image loaded (tracker saw: ${requests.join(', ') || 'nothing'})`);
    const active = requests.filter((r) => /script|onerror|js-link|svg|frame|object|form|hover|meta-refresh/.test(r));
    assert.deepEqual(active, [], 'allowing images never enables scripts, frames or navigation');
    assert.deepEqual(services.settings.get().remoteContentSenders, [SENDER]);
  });
});
