// The demo proper, run inside the keyring session with the run's CA trusted: the app's
// main job on real protocols — emulated Google sign-in in a browser, Gmail full and
// incremental sync into the encrypted store, search, show — then proof that the file
// on disk holds no plaintext. Each step is printed for a person; logs go to a file.
import { appendFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Browser } from 'playwright-core';
import { IdentityEmulator, type TestUser } from '../../test/emulators/identity/identity-emulator.ts';
import { emulatedGoogleConfig } from '../../test/emulators/google-config.ts';
import { consentingBrowserOpener } from '../../test/emulators/identity/browser-consent.ts';
import { GmailEmulator } from '../../test/emulators/gmail/gmail-emulator.ts';
import { CHROMIUM_PATH, launchChromium } from '../../test/support/chromium.ts';
import { openServices, type Services } from '../../src-main/app/assemble.ts';
import { setLogSink } from '../../src-main/platform/logger.ts';
import { DATABASE_FILE } from '../../src-main/platform/paths.ts';
import { databaseKeyAccount } from '../../src-main/store/database.ts';
import { KEYCHAIN_SERVICE } from '../../src-main/platform/keychain.ts';
import type { Account } from '../../src-main/store/types.ts';
import { generateSampleMailbox, SAMPLE_REP } from '../sample-mailbox.ts';
import { addNewMail, checkEncryption, exampleSearches, printStats, runSearches, showOne } from './mail-steps.ts';
import { connectCrm, logOneEmail, startCrm } from './crm-steps.ts';
import { deliverHeldBack, holdBackNewest, mailboxOwner } from './own-mailbox.ts';
import { buildApp, electronBinary, runElectron, serveHeadless, waitForInterrupt } from './app-step.ts';
import { emulatedHubSpotConfig } from '../../test/emulators/hubspot-config.ts';
import { updateProfileConfig } from '../../src-main/platform/profile-config.ts';
import { ProgressBar, Steps, bold, detail, dim, say, seconds } from './ui.ts';

export interface DemoOptions {
  runDir: string;
  /** A maildir/mbox to sync instead of the generated sample. */
  mailbox: string | null;
  /** Print the sign-in URL for a person instead of driving headless Chromium. */
  interactive: boolean;
  /** The database key went into a keyring kept in runDir/xdg-data (not the caller's session). */
  ownKeyring: boolean;
  /** The run dir stays after the demo (--keep or --dir). */
  keepRunDir: boolean;
  /** Epoch ms when `npm run demo` started, for the total time. */
  startedAt: number;
  /** Keep the app running for the person until Ctrl-C (default when stdout is a terminal). */
  serve: boolean;
}

/** The signed-in rep: the sample mailbox's owner, a user of the identity emulator. */
export const DEMO_USER: TestUser = {
  sub: '104729385610293847561',
  email: SAMPLE_REP.address,
  password: 'riley-demo-password',
  name: SAMPLE_REP.name,
};

/** With --mailbox, the newest messages the incremental sync brings (held out of the full sync). */
const HELD_BACK_MESSAGES = 3;

const REPO_ROOT = resolve(import.meta.dirname, '../..');
const SIGN_IN_TIMEOUT_MS = { headless: 60_000, interactive: 10 * 60_000 };

/** Runs every step; throws (after cleaning up) with the failing step named. */
export async function runDemo(options: DemoOptions): Promise<void> {
  const logPath = join(options.runDir, 'demo.log');
  const restoreLog = setLogSink((line) => appendFileSync(logPath, line + '\n'));
  const cleanup: Array<() => Promise<void> | void> = [];
  const steps = new Steps(10);
  const stopOnSignal = () => {
    say('\n    interrupted: stopping the emulators and the browser');
    void closeAll(cleanup).finally(() => process.exit(130));
  };
  process.once('SIGINT', stopOnSignal);
  process.once('SIGTERM', stopOnSignal);

  say(bold('Mailbridge demo') + ' — Gmail → encrypted local store → search → HubSpot, on emulated services');
  detail(`run dir:  ${options.runDir}`, `app logs: ${logPath}`);
  try {
    const sample = options.mailbox === null;
    steps.start(sample ? 'Sample mailbox' : 'Mailbox');
    const mailboxPath = sample ? join(options.runDir, 'mailbox') : resolve(options.mailbox!);
    if (sample) {
      const written = await generateSampleMailbox({ dir: mailboxPath });
      detail(`${SAMPLE_REP.name} <${SAMPLE_REP.address}>, an account executive, and her customer contacts`);
      detail('at six companies: pricing, demos, security questionnaires, contract redlines, invoices.');
      steps.done(`Sample mailbox: ${written} messages written as a maildir to ${mailboxPath}`);
    } else {
      steps.done(`Using your mailbox ${mailboxPath} (maildir, mbox or a folder of .eml files)`);
    }

    steps.start('Emulated services: identity (OpenID Connect), Gmail API v1, HubSpot CRM v3 — HTTPS, with a CA made for this run');
    // Your own mailbox signs in as its owner; the sample as its rep.
    const owner = sample ? null : await mailboxOwner(mailboxPath);
    const user: TestUser = owner ? { ...DEMO_USER, email: owner.address, name: owner.name || owner.address } : DEMO_USER;
    const identity = new IdentityEmulator({ users: [user] });
    const endpoints = await identity.start();
    cleanup.push(() => identity.stop());
    const gmail = new GmailEmulator({
      mailbox: mailboxPath,
      emailAddress: user.email,
      verifyAccessToken: identity.verifyAccessToken,
      settings: { quota: true },
    });
    const { url: gmailUrl } = await gmail.start();
    cleanup.push(() => gmail.stop());
    detail(`identity: ${endpoints.issuer}   (oidc-provider: sign-in page, consent, PKCE, tokens)`);
    detail(`gmail:    ${gmailUrl}   (enforces Gmail's quota: 250 units/s per user, 5 per messages.get)`);
    // Your own mail only: its newest messages wait outside Gmail to arrive as the new mail.
    const heldBack = sample ? [] : await holdBackNewest(gmail, HELD_BACK_MESSAGES);
    const crm = await startCrm(mailboxPath, user.email);
    cleanup.push(() => crm.hubspot.stop());
    detail(`hubspot:  ${crm.url}   (contacts: the mailbox's ${crm.contacts} most frequent outside correspondents; 100 requests / 10 s)`);
    steps.done(`Gmail holds ${gmail.mailbox.size} messages in ${gmail.mailbox.threadCount} threads for ${user.email}`);

    steps.start('Open the encrypted store');
    const profileDir = join(options.runDir, 'profile');
    const appConfig = {
      google: emulatedGoogleConfig(endpoints, gmailUrl, { quotaUnitsPerSecond: 250 }),
      hubspot: emulatedHubSpotConfig(crm.url),
    };
    const services: Services = await openServices({
      profileDir,
      config: appConfig,
    });
    cleanup.push(() => services.close());
    const databasePath = join(profileDir, DATABASE_FILE);
    detail(`database: ${databasePath} (SQLite3 Multiple Ciphers, ChaCha20-Poly1305)`);
    detail(`key:      random 256 bits, in the OS keychain: Secret Service (gnome-keyring), service "${KEYCHAIN_SERVICE}",`);
    detail(`          entry "${databaseKeyAccount(databasePath)}"`);
    steps.done('Store created and migrated; its key never touches the disk in plaintext');

    steps.start('Connect Gmail: OAuth 2.0 authorization code + PKCE, loopback redirect (RFC 8252)');
    const account = await connect(services, options, user, cleanup);
    steps.done(`Connected ${account.email}; access and refresh tokens are kept inside the encrypted database`);

    steps.start('Full sync (messages.list, then messages.get for each message, paced to the quota)');
    const full = await syncWithProgress(services, account.id, 'full sync  ');
    steps.done(
      `Full sync: ${full.result.added} messages stored, ${Math.round(full.result.added / (full.ms / 1000))} msg/s, ` +
        `${gmail.stats().rateLimited} answers were 429 (the client paces itself to the quota)`,
    );

    steps.start('New mail arrives: incremental sync through history.list');
    const arrived = sample ? await addNewMail(services.store, gmail, account.id) : deliverHeldBack(gmail, heldBack);
    const historyCallsBefore = gmail.stats().requests['gmail.users.history.list'] ?? 0;
    const incremental = await syncWithProgress(services, account.id, 'incremental');
    const historyCalls = (gmail.stats().requests['gmail.users.history.list'] ?? 0) - historyCallsBefore;
    detail(`history.list calls: ${historyCalls}; kind: ${incremental.result.kind}`);
    steps.done(
      `Incremental sync: ${incremental.result.added} new messages, ${incremental.result.labelChanges} label change, ` +
        `${incremental.result.deleted} deleted`,
    );
    printStats(services.store, gmail, databasePath);

    steps.start('Search the local store (SQLite FTS5, offline)');
    const searches = exampleSearches(services.store, sample, user.email);
    const results = runSearches(services.store, [...searches, { label: 'the word in the new mail', query: arrived.word }]);
    const shown = results.find((r) => r.label.startsWith('subject'))?.hits[0] ?? results.find((r) => r.hits.length)?.hits[0];
    if (shown) showOne(services.store, shown.messageId);
    const empty = results.filter((r) => r.hits.length === 0);
    if (sample && empty.length) throw new Error(`search found nothing for ${empty.map((r) => r.query).join(', ')}`);
    steps.done(`${results.length} searches, ${results.reduce((n, r) => n + r.total, 0)} hits in all`);

    steps.start('Is the store really encrypted?');
    const needle = shown ? services.store.messages.getMessage(shown.messageId)!.subject : 'Mailbridge';
    checkEncryption(services.store, databasePath, needle, sample ? mailboxPath : null);
    steps.done('No plaintext on disk: the database file is ciphertext without the key from the keychain');

    steps.start('Connect HubSpot and log an email with one click (durable outbox → CRM v3 emails API)');
    const connected = await connectCrm(services);
    detail(`private-app token verified by HubSpot (${connected.label}) and stored inside the encrypted database`);
    detail(`contact matching: ${connected.matched} correspondents are HubSpot contacts (searched 100 addresses per request)`);
    const logged = await logOneEmail(services, crm.hubspot);
    if (logged.copies !== 1) throw new Error(`HubSpot holds ${logged.copies} copies of "${logged.subject}", expected exactly 1`);
    steps.done(`"${logged.subject}" logged to HubSpot once, associated with its contact (${Math.round(logged.ms)} ms click to logged)`);

    const binary = electronBinary();
    steps.start(binary ? 'The desktop app (Electron) on this profile' : 'The app, headless: the renderer on a loopback URL with a session token');
    await buildApp();
    if (binary) {
      updateProfileConfig(profileDir, appConfig);
      await services.close();
      detail('The Mailbridge window is open on the demo profile; quit it to end the demo.');
      await runElectron(binary, profileDir);
      steps.done('The desktop app ran on the demo profile');
    } else {
      const screenshot = join(options.runDir, 'app-inbox.png');
      const app = await serveHeadless(services, screenshot);
      cleanup.push(() => app.server.close());
      detail('No Electron binary here (it downloads from GitHub, unreachable); the same services and IPC contract');
      detail('serve the built renderer over HTTP on 127.0.0.1, and headless Chromium opened it:');
      detail(`inbox showed ${app.threads} thread rows; opened "${app.opened}"; screenshot: ${screenshot}`);
      detail(`app served at ${app.server.origin}; sign-in addresses work once (--serve prints a fresh one)`);
      steps.done('The app answered in the browser against the encrypted store and the emulators');
      if (options.serve) {
        process.off('SIGINT', stopOnSignal);
        process.off('SIGTERM', stopOnSignal);
        await waitForInterrupt(app.server);
      }
    }

    say();
    say(bold('Explore further'));
    explainExplore(options, profileDir, searches[0]?.query ?? 'pricing');
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(`step "${steps.current}" failed: ${message}`, { cause: error });
  } finally {
    await closeAll(cleanup);
    restoreLog();
    process.off('SIGINT', stopOnSignal);
    process.off('SIGTERM', stopOnSignal);
  }
  say();
  say(bold(`Demo finished in ${seconds(Date.now() - options.startedAt)}`) + dim(' (everything it started is stopped)'));
}

async function closeAll(cleanup: Array<() => Promise<void> | void>): Promise<void> {
  for (const close of cleanup.splice(0).reverse()) {
    try {
      await close();
    } catch {
      // Closing is best effort: the first failure is the one the person needs to see.
    }
  }
}

async function connect(services: Services, options: DemoOptions, user: TestUser, cleanup: Array<() => Promise<void> | void>): Promise<Account> {
  if (options.interactive) {
    detail('Sign in yourself, in a browser on this machine (the app listens on 127.0.0.1 for the redirect):');
    detail(`  email:    ${user.email}`);
    detail(`  password: ${user.password}`);
    detail('Your browser will warn about the certificate: the emulators use a CA made for this run');
    detail(`(${process.env.NODE_EXTRA_CA_CERTS}); accept the warning for 127.0.0.1, or import that CA.`);
    return services.connectGmail({
      timeoutMs: SIGN_IN_TIMEOUT_MS.interactive,
      openBrowser: async (url) => {
        detail('', 'Open this URL, sign in, then press "Allow":', '', `  ${url}`, '', 'Waiting up to 10 minutes for the browser to come back…');
      },
    });
  }
  detail(`Headless Chromium (${CHROMIUM_PATH}) plays the person at the keyboard: it opens the`);
  detail(`sign-in page, types ${user.email} and the password, presses "Sign in",`);
  detail('then "Allow" on the consent page. Run with --interactive to do this yourself.');
  const browser: Browser = await launchChromium();
  cleanup.push(() => browser.close());
  const clickThrough = consentingBrowserOpener(browser, { user });
  const account = await services.connectGmail({
    timeoutMs: SIGN_IN_TIMEOUT_MS.headless,
    openBrowser: async (url) => {
      detail(`browser → ${new URL(url).origin}/auth?client_id=…&code_challenge_method=S256&…`);
      await clickThrough(url);
      detail('browser ← redirected to the app\'s loopback listener with the authorization code');
    },
  });
  await browser.close();
  return account;
}

async function syncWithProgress(services: Services, accountId: number, label: string) {
  const bar = new ProgressBar(label);
  const stop = services.onSyncProgress((p) => {
    if (p.phase === 'full' || p.phase === 'incremental') bar.update(p.done, p.total);
  });
  const started = performance.now();
  try {
    const result = await services.syncAccount(accountId);
    return { result, ms: performance.now() - started };
  } finally {
    stop();
    bar.finish();
  }
}

function explainExplore(options: DemoOptions, profileDir: string, query: string): void {
  const quoted = `'${query.replaceAll("'", "'\\''")}'`;
  if (!options.keepRunDir) {
    detail('This run dir is removed now. To keep the profile and search it with the CLI afterwards:');
    detail('  npm run demo -- --keep');
    return;
  }
  detail(`profile: ${profileDir}`);
  if (options.ownKeyring) {
    detail('Its database key lives in this run\'s own keyring, so the CLI must run inside a keyring');
    detail('session that unlocks it (a plain `npm run cli -- … --profile DIR` would find no key).');
    detail('This wrapper starts one and runs the CLI (search, show, stats work offline; the emulators are gone):');
    const explore = `${join(REPO_ROOT, 'scripts/toolchain.sh')} -- node scripts/demo/explore.ts ${options.runDir}`;
    detail(`  ${explore} search ${quoted}`);
    detail(`  ${explore} show 1`);
    detail(`  ${explore} stats`);
  } else {
    detail('Its database key went into the keyring session the demo ran in; from inside that session:');
    detail(`  npm run cli -- search ${quoted} --profile ${profileDir}`);
  }
}
