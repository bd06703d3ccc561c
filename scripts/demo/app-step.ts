// The demo's last step: the app itself on the synced profile. With an Electron binary the
// desktop window opens; without one (this machine) the same services serve the renderer on
// a loopback URL carrying a random token, headless Chromium takes a first look, and the
// URL is printed for the person to open.
import { execFile, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { Services } from '../../src-main/app/assemble.ts';
import { startRendererServer, type RendererServer } from '../../src-main/headless/renderer-server.ts';
import { launchChromium } from '../../test/support/chromium.ts';
import { bold, detail, say } from './ui.ts';

const ROOT = resolve(import.meta.dirname, '../..');

/** The Electron binary when installed (node_modules/electron/dist), else null. */
export function electronBinary(): string | null {
  const pathFile = join(ROOT, 'node_modules/electron/path.txt');
  if (!existsSync(pathFile)) return null;
  const binary = join(ROOT, 'node_modules/electron/dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(binary) ? binary : null;
}

/** Builds out/ with electron-vite, unless the caller (npm test) already has. */
export async function buildApp(): Promise<void> {
  if (process.env.MAILBRIDGE_APP_BUILT === '1') return;
  await promisify(execFile)(process.execPath, [join(ROOT, 'node_modules/electron-vite/bin/electron-vite.js'), 'build'], { cwd: ROOT });
}

/** Runs the desktop app on `profileDir` until the person quits it. */
export function runElectron(binary: string, profileDir: string): Promise<number> {
  return new Promise((resolveExit, reject) => {
    const child = spawn(binary, [join(ROOT, 'out/main/index.js')], {
      stdio: 'inherit',
      env: { ...process.env, MAILBRIDGE_PROFILE_DIR: profileDir },
    });
    child.once('error', reject);
    child.once('exit', (code) => resolveExit(code ?? 1));
  });
}

/** Serves the renderer headless and has Chromium open the inbox and the newest thread. */
export async function serveHeadless(services: Services, screenshotPath: string): Promise<{ server: RendererServer; threads: number; opened: string }> {
  const server = await startRendererServer({
    rendererDir: join(ROOT, 'out/renderer'),
    handlers: services.handlers,
    onEvent: services.onEvent,
  });
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1360, height: 860 } });
    await page.goto(server.signInUrl());
    const rows = page.getByRole('listbox', { name: 'Threads' }).getByRole('option');
    await rows.first().waitFor({ timeout: 20_000 });
    const threads = await rows.count();
    await rows.first().click();
    const opened = (await page.getByRole('heading', { level: 2 }).first().textContent({ timeout: 10_000 })) ?? '';
    await page.screenshot({ path: screenshotPath });
    return { server, threads, opened: opened.trim() };
  } catch (error) {
    await server.close();
    throw error;
  } finally {
    await browser.close();
  }
}

/** Keeps serving until Ctrl-C. */
export async function waitForInterrupt(server: RendererServer): Promise<void> {
  say();
  say(bold('The app is running: open this address in a browser on this machine'));
  detail('', `  ${server.signInUrl()}`, '', 'The address signs in one browser once: its token is spent on first use, so a copy of it', 'seen later (a shell history, a screen share) opens nothing. Restart the demo for a new one.');
  detail('Press Ctrl-C to stop the app and the emulators.');
  await new Promise<void>((resolveWait) => {
    process.once('SIGINT', resolveWait);
    process.once('SIGTERM', resolveWait);
  });
  await server.close();
}
