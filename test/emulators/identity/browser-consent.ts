// Drives the identity emulator's pages in a real Chromium as a person would: type the
// email and password, press "Sign in", then "Allow" (or "Cancel"). Any test that needs a
// signed-in Google account uses `consentingBrowserOpener` as the sign-in's openBrowser.
import type { Browser, Page } from 'playwright-core';
import { DEFAULT_TEST_USER } from './identity-emulator.ts';

export interface ConsentOptions {
  user?: { email: string; password: string };
  /** Which consent button to press (default 'allow'). */
  decision?: 'allow' | 'cancel';
  /** Per-step timeout in ms (default 15 s). */
  timeoutMs?: number;
}

/**
 * On a page showing the emulator's sign-in form: signs in, answers the consent page, and
 * waits until the browser lands on the app's http:// redirect URI. Returns that page's heading.
 */
export async function completeConsent(page: Page, options: ConsentOptions = {}): Promise<string> {
  const user = options.user ?? DEFAULT_TEST_USER;
  const timeout = options.timeoutMs ?? 15_000;
  await page.getByLabel('Email').fill(user.email, { timeout });
  await page.getByLabel('Password').fill(user.password, { timeout });
  await page.getByRole('button', { name: 'Sign in' }).click({ timeout });
  const button = options.decision === 'cancel' ? 'Cancel' : 'Allow';
  await page.getByRole('button', { name: button }).click({ timeout });
  await page.waitForURL((url) => url.protocol === 'http:', { timeout });
  return (await page.getByRole('heading').first().textContent({ timeout })) ?? '';
}

export interface OpenerOptions extends ConsentOptions {
  /** Rewrites the authorization URL before navigating (to simulate tampering). */
  transformUrl?: (url: string) => string;
  /** Receives each page's final URL (the redirect with code/state), e.g. to collect secrets for leak checks. */
  onRedirect?: (url: string) => void;
}

/**
 * An `openBrowser` for signInWithGoogle: opens the URL in a fresh Chromium context, clicks
 * through sign-in and consent, and closes the context. Rejects when a step fails.
 */
export function consentingBrowserOpener(browser: Browser, options: OpenerOptions = {}): (url: string) => Promise<void> {
  return async (url) => {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await page.goto(options.transformUrl ? options.transformUrl(url) : url);
      try {
        await completeConsent(page, options);
      } catch (error) {
        // Say where the click-through stopped: the page's path and heading, never its query.
        const where = new URL(page.url());
        const heading = await page.locator('h1').first().textContent({ timeout: 1_000 }).catch(() => null);
        throw new Error(`consent click-through stopped at ${where.origin}${where.pathname} (${heading ?? 'no heading'})`, {
          cause: error,
        });
      }
      options.onRedirect?.(page.url());
    } finally {
      await context.close();
    }
  };
}

export interface DeepLinkOpenerOptions extends ConsentOptions {
  /**
   * Receives the mailbridge:// URL the browser was redirected to — what the OS would hand to
   * the app — e.g. to run a second `mailbridge <url>` process with it. Awaited.
   */
  onDeepLink(url: string): Promise<void> | void;
}

/**
 * An `openBrowser` for a sign-in whose redirect URI is a custom scheme: clicks through
 * sign-in and consent and catches the authorization server's redirect to mailbridge://
 * (Chromium itself cannot open the scheme, so the Location header is read instead).
 */
export function deepLinkBrowserOpener(browser: Browser, options: DeepLinkOpenerOptions): (url: string) => Promise<void> {
  const timeout = options.timeoutMs ?? 15_000;
  return async (url) => {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      let resolveLink: (link: string) => void = () => {};
      const link = new Promise<string>((resolve) => (resolveLink = resolve));
      page.on('response', (response) => {
        const location = response.headers()['location'];
        if (location?.toLowerCase().startsWith('mailbridge:')) resolveLink(location);
      });
      await page.goto(url);
      const user = options.user ?? DEFAULT_TEST_USER;
      await page.getByLabel('Email').fill(user.email, { timeout });
      await page.getByLabel('Password').fill(user.password, { timeout });
      await page.getByRole('button', { name: 'Sign in' }).click({ timeout });
      await page.getByRole('button', { name: options.decision === 'cancel' ? 'Cancel' : 'Allow' }).click({ timeout, noWaitAfter: true });
      const redirect = await Promise.race([
        link,
        new Promise<never>((_resolve, reject) => setTimeout(() => reject(new Error('no redirect to mailbridge:// within the timeout')), timeout)),
      ]);
      await options.onDeepLink(redirect);
    } finally {
      await context.close();
    }
  };
}
