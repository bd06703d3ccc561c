/// <reference lib="dom" />
// The desktop app's speed as a rep feels it, in Chromium against the real services over
// the headless transport: first render of a 100,000-thread inbox, long tasks while
// scrolling 10,000 rows, click-to-content when opening threads, and click-to-"logged"
// against the HubSpot emulator. Measured inside the page (performance.now, longtask).
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { openServices, type Services } from '../../src-main/app/assemble.ts';
import { startRendererServer, type RendererServer } from '../../src-main/headless/renderer-server.ts';
import { launchChromium } from '../../test/support/chromium.ts';
import { HubSpotEmulator } from '../../test/emulators/crm/hubspot-emulator.ts';
import { seedContactsFromMailbox } from '../../test/emulators/crm/seed.ts';
import { EMULATED_HUBSPOT_TOKEN, emulatedHubSpotConfig } from '../../test/emulators/hubspot-config.ts';
import { generateSampleMailbox, SAMPLE_REP } from '../sample-mailbox.ts';
import { buildApp } from '../demo/app-step.ts';
import { fillLargeInbox } from './large-inbox.ts';
import { percentile, round } from './figures.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const ROWS = '[role="listbox"][aria-label="Threads"] [role="option"]';

export interface UiFigures {
  threads: number;
  fillSeconds: number;
  firstRenderMs: { runs: number[]; median: number };
  scroll: { rows: number; frames: number; longTasks: number; longestTaskMs: number; seconds: number };
  threadOpen: { samples: number; p50Ms: number; p95Ms: number; maxMs: number };
  logToCrm: { samples: number; p50Ms: number; p95Ms: number; maxMs: number; duplicates: number };
}

// Records, from navigation start, when the first real row appears, and every long task.
const PROBE = `
  window.__mb = { firstRowAt: null, longTasks: [] };
  new PerformanceObserver((list) => { for (const e of list.getEntries()) window.__mb.longTasks.push(e.duration); })
    .observe({ type: 'longtask', buffered: true });
  new MutationObserver((_, observer) => {
    if (document.querySelector('${ROWS}:not([aria-label="Loading"])')) {
      window.__mb.firstRowAt = performance.now();
      observer.disconnect();
    }
  }).observe(document, { childList: true, subtree: true });
`;

export async function benchUi(runDir: string, options: { threads?: number; rendererBuilt?: boolean } = {}): Promise<UiFigures> {
  const threads = options.threads ?? 100_000;
  if (!options.rendererBuilt) await buildApp();
  const services = await openServices({ profileDir: join(runDir, 'ui-large'), config: {} });
  const fillStarted = performance.now();
  fillLargeInbox(services.store, { threads });
  const fillSeconds = round((performance.now() - fillStarted) / 1000);
  const server = await startRendererServer({ rendererDir: join(ROOT, 'out/renderer'), handlers: services.handlers, onEvent: services.onEvent });
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1360, height: 860 } });
    await page.addInitScript(PROBE);
    await page.goto(server.signInUrl());
    const runs: number[] = [];
    for (let run = 0; run < 5; run++) {
      if (run > 0) await page.reload();
      await page.waitForFunction(() => (window as unknown as { __mb: { firstRowAt: number | null } }).__mb.firstRowAt !== null);
      runs.push(round(await page.evaluate(() => (window as unknown as { __mb: { firstRowAt: number } }).__mb.firstRowAt)));
    }
    const scroll = await scrollRows(page, 10_000);
    const threadOpen = await openThreads(page, 60);
    return {
      threads,
      fillSeconds,
      firstRenderMs: { runs, median: percentile(runs, 50) },
      scroll,
      threadOpen,
      logToCrm: await benchLogToCrm(runDir, browser),
    };
  } finally {
    await browser.close();
    await server.close();
    await services.close();
  }
}

/** Scrolls the list by whole rows each animation frame until `rows` rows have passed, then waits for real rows. */
async function scrollRows(page: Page, rows: number): Promise<UiFigures['scroll']> {
  await page.evaluate(() => ((window as unknown as { __mb: { longTasks: number[] } }).__mb.longTasks = []));
  const result = await page.evaluate(async ({ rows, selector }) => {
    const list = document.querySelector<HTMLElement>('[role="listbox"][aria-label="Threads"]')!;
    const rowHeight = document.querySelector<HTMLElement>(selector)!.getBoundingClientRect().height;
    const perFrame = 40;
    const started = performance.now();
    let frames = 0;
    for (let passed = 0; passed < rows; passed += perFrame) {
      list.scrollTop += perFrame * rowHeight;
      frames++;
      await new Promise(requestAnimationFrame);
    }
    // The rows at the final position must be real data, not placeholders.
    while (!document.querySelector(`${selector}:not([aria-label="Loading"])`)) await new Promise(requestAnimationFrame);
    return { frames, seconds: (performance.now() - started) / 1000 };
  }, { rows, selector: ROWS });
  const longTasks = await page.evaluate(() => (window as unknown as { __mb: { longTasks: number[] } }).__mb.longTasks);
  return { rows, frames: result.frames, seconds: round(result.seconds, 2), longTasks: longTasks.length, longestTaskMs: round(Math.max(0, ...longTasks)) };
}

/** Clicks `count` different visible rows; each sample is click → that thread's messages in the DOM, then a frame. */
async function openThreads(page: Page, count: number): Promise<UiFigures['threadOpen']> {
  await page.evaluate(() => {
    document.querySelector<HTMLElement>('[role="listbox"][aria-label="Threads"]')!.scrollTop = 0;
  });
  await page.waitForSelector(`${ROWS}:not([aria-label="Loading"])`);
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    const ms = await page.evaluate(async ({ index, selector }) => {
      const rows = [...document.querySelectorAll<HTMLElement>(`${selector}:not([aria-label="Loading"])`)];
      const row = rows[index % Math.max(1, rows.length - 2)]!;
      const content = `section[aria-label="Thread"][data-thread-id="${row.dataset.threadId}"] article`;
      const started = performance.now();
      row.click();
      while (!document.querySelector(content)) await new Promise(requestAnimationFrame);
      await new Promise(requestAnimationFrame);
      return performance.now() - started;
    }, { index: i, selector: ROWS });
    samples.push(ms);
  }
  return { samples: samples.length, p50Ms: round(percentile(samples, 50)), p95Ms: round(percentile(samples, 95)), maxMs: round(Math.max(...samples)) };
}

/** On the sample mailbox with a seeded HubSpot: open threads and click "Log to CRM", timing click → "logged". */
async function benchLogToCrm(runDir: string, browser: Awaited<ReturnType<typeof launchChromium>>): Promise<UiFigures['logToCrm']> {
  const mailbox = join(runDir, 'ui-sample');
  await generateSampleMailbox({ dir: mailbox });
  const hubspot = new HubSpotEmulator({ contacts: await seedContactsFromMailbox(mailbox, { owner: SAMPLE_REP.address, count: 25 }) });
  const { url } = await hubspot.start();
  let services: Services | null = null;
  let server: RendererServer | null = null;
  try {
    services = await openServices({ profileDir: join(runDir, 'ui-crm'), config: { hubspot: emulatedHubSpotConfig(url) } });
    await services.importMailbox(mailbox, { accountEmail: SAMPLE_REP.address });
    await services.crm.connect(EMULATED_HUBSPOT_TOKEN);
    await services.crm.matchContacts();
    server = await startRendererServer({ rendererDir: join(ROOT, 'out/renderer'), handlers: services.handlers, onEvent: services.onEvent });
    const page = await browser.newPage({ viewport: { width: 1360, height: 860 } });
    await page.goto(server.signInUrl());
    const samples: number[] = [];
    const rows = page.locator(`${ROWS}:not([aria-label="Loading"])`);
    await rows.first().waitFor();
    for (let i = 0; samples.length < 30 && i < 60; i++) {
      await rows.nth(i % 8).click();
      await page.keyboard.press('j');
      const button = page.locator('section[aria-label="Thread"] [role="group"][aria-label="CRM log"][data-log-state="none"] button', { hasText: 'Log to CRM' }).last();
      if (!(await button.count())) continue;
      const ms = await button.evaluate(async (element) => {
        const group = element.closest('[data-log-state]')!;
        const started = performance.now();
        (element as HTMLElement).click();
        while (group.isConnected ? group.getAttribute('data-log-state') !== 'logged' : !document.querySelector('[data-log-state="logged"]')) {
          await new Promise(requestAnimationFrame);
          if (performance.now() - started > 10_000) throw new Error('no "logged" within 10 s');
        }
        return performance.now() - started;
      });
      samples.push(ms);
    }
    const keys = hubspot.emails().map((e) => `${e.properties.hs_email_subject}|${e.properties.hs_timestamp}|${e.contactIds.join()}`);
    return {
      samples: samples.length,
      p50Ms: round(percentile(samples, 50)),
      p95Ms: round(percentile(samples, 95)),
      maxMs: round(Math.max(...samples)),
      duplicates: keys.length - new Set(keys).size,
    };
  } finally {
    await server?.close();
    await services?.close();
    await hubspot.stop();
  }
}
