// The built renderer in Chromium against the real main-process services (encrypted store,
// search), with only the IPC transport substituted: what a rep sees on first open.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../support/chromium.ts';
import { startRendererHarness, type RendererHarness } from '../support/renderer-harness.ts';
import { openServices, type Services } from '../../src-main/core/services.ts';
import { generateSampleMailbox } from '../../scripts/sample-mailbox.ts';

const root = join(import.meta.dirname, '../..');
const screenshots = join(root, 'test-results');

describe('renderer against the real services', () => {
  let work: string;
  let services: Services;
  let harness: RendererHarness;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  before(async () => {
    await promisify(execFile)(process.execPath, [join(root, 'node_modules/electron-vite/bin/electron-vite.js'), 'build'], { cwd: root });
    work = mkdtempSync(join(tmpdir(), 'mailbridge-renderer-'));
    await generateSampleMailbox({ dir: join(work, 'mailbox'), threads: 40 });
    services = await openServices({ profileDir: join(work, 'profile') });
    await services.importMailbox(join(work, 'mailbox'));
    harness = await startRendererHarness(join(root, 'out/renderer'), services);
    browser = await launchChromium();
    page = await browser.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(harness.url);
  });

  after(async () => {
    await browser?.close();
    await harness?.close();
    await services?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  test('shows the store’s counts and accounts', async () => {
    const stats = services.store.messages.stats();
    await page.getByText(`${stats.messages} messages in ${stats.threads} threads across 1 account`).waitFor({ timeout: 15_000 });
    await page.getByText('import@localhost (import, connected)').waitFor();
    mkdirSync(screenshots, { recursive: true });
    await page.screenshot({ path: join(screenshots, 'renderer-home.png') });
  });

  test('search goes through the contract to FTS and lists the hits', async () => {
    const expected = services.store.search.search('renewal', { limit: 50 });
    assert.ok(expected.length > 0);
    await page.getByRole('searchbox', { name: 'Search mail' }).or(page.getByLabel('Search mail')).fill('renewal');
    await page.keyboard.press('Enter');
    await page.locator('ol > li').first().waitFor();
    assert.equal(await page.locator('ol > li').count(), expected.length);
    assert.match((await page.locator('ol > li').first().textContent()) ?? '', /renewal/i);
    await page.screenshot({ path: join(screenshots, 'renderer-search.png') });
    assert.deepEqual(pageErrors, []);
  });

  test('the page has no Node or Electron access', async () => {
    const globals = await page.evaluate(() => ({
      require: typeof (globalThis as { require?: unknown }).require,
      process: typeof (globalThis as { process?: unknown }).process,
    }));
    assert.deepEqual(globals, { require: 'undefined', process: 'undefined' });
  });
});
