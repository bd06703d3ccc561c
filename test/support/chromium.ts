// Debian's Chromium driven by playwright-core, for the browser half of OAuth and for the
// renderer's end-to-end tests. It trusts exactly the run's test server key (by SPKI pin)
// instead of ignoring all certificate errors.
import { X509Certificate, createHash } from 'node:crypto';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { currentTestCa } from './test-ca.ts';

export const CHROMIUM_PATH = process.env.MAILBRIDGE_CHROMIUM ?? '/usr/bin/chromium';

/** Flags for a quiet, deterministic headless run in a container (no sandbox, GPU or background traffic). */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-default-apps',
  '--disable-extensions',
  '--no-first-run',
  '--no-default-browser-check',
  '--metrics-recording-only',
  '--password-store=basic',
];

/**
 * base64(SHA-256(SubjectPublicKeyInfo DER)) of a PEM certificate: the value Chromium's
 * --ignore-certificate-errors-spki-list expects (same as an HPKP pin, RFC 7469 §2.4).
 */
export function spkiSha256Base64(certPem: string): string {
  const spki = new X509Certificate(certPem).publicKey.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(spki).digest('base64');
}

export interface LaunchChromiumOptions {
  /** PEM certificates to trust by key pin; default: the run's test server certificate. */
  trustedCertPems?: string[];
  /** Set MAILBRIDGE_CHROMIUM_HEADED=1 to watch a run. */
  headless?: boolean;
  extraArgs?: string[];
}

/** Launches Chromium; close it with `browser.close()` (e.g. in an `after` hook). */
export async function launchChromium(options: LaunchChromiumOptions = {}): Promise<Browser> {
  const pins = (options.trustedCertPems ?? [currentTestCa().serverCert]).map(spkiSha256Base64);
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: options.headless ?? process.env.MAILBRIDGE_CHROMIUM_HEADED !== '1',
    args: [...CHROMIUM_ARGS, `--ignore-certificate-errors-spki-list=${pins.join(',')}`, ...(options.extraArgs ?? [])],
  });
}

/** A fresh, isolated context (own cookies) and page, as a new browser profile would have. */
export async function newPage(browser: Browser): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext();
  const page = await context.newPage();
  return { context, page };
}
