// The headless CLI over the same services as the desktop app: connect, sync, import,
// search, show, stats — and the hand-off of a mailbridge:// link to the running instance.
// Results go to stdout (JSON where machines read them); progress and logs go to stderr.
// Exit codes: 0 ok, 1 failure (and, as grep, a search that matches nothing), 2 usage error.
// options.ts holds the command line's flags and usage text.
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultProfileDir } from '../platform/paths.ts';
import { updateProfileConfig } from '../platform/profile-config.ts';
import { openServices, type Services } from '../app/assemble.ts';
import { AppError } from '../platform/app-error.ts';
import { KeychainUnavailableError } from '../platform/keychain.ts';
import { openInSystemBrowser } from '../auth/index.ts';
import { insideKeyringSession, KEYRING_PASSWORD_ENV, runInKeyringSession } from './keychain-session.ts';
import { progressOn } from './progress.ts';
import { showMessage } from './show.ts';
import { handOffDeepLink, isDeepLink } from './deep-link.ts';
import { listenForDeepLinks } from '../platform/single-instance.ts';
import { connectImapFromCli, connectImapWithOAuthFromCli, type ImapFlags } from './connect-imap.ts';
import { googleConfigFrom, microsoftConfigFrom, OPTIONS, USAGE, UsageError, withoutKeychainOption } from './options.ts';
import type { ConnectOptions } from '../accounts/provider-account.ts';
import type { Account } from '../store/types.ts';

/** The commands runCommand answers. */
const COMMANDS = new Set(['connect', 'sync', 'import', 'search', 'show', 'stats']);

async function run(argv: string[], out: (line: string) => void): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  // The OS opens mailbridge://… links by starting `mailbridge <url>`: forward it and exit.
  const link = positionals.find(isDeepLink);
  if (link) return handOffDeepLink(resolve(values.profile ?? defaultProfileDir()), link);
  const [command, ...rest] = positionals;
  if (values.help || !command) {
    out(USAGE);
    return command || values.help ? 0 : 2;
  }
  // A mistyped command is a usage error before the keychain or the profile is touched.
  if (!COMMANDS.has(command)) throw new UsageError(`unknown command ${command}`);
  if (values.keychain !== undefined && values.keychain !== 'session') throw new UsageError('--keychain takes "session"');
  if (values.keychain === 'session' && !insideKeyringSession()) {
    return runInKeyringSession(withoutKeychainOption(argv));
  }
  const profileDir = resolve(values.profile ?? defaultProfileDir());
  const google = googleConfigFrom(values);
  if (google) updateProfileConfig(profileDir, { google });
  const microsoft = microsoftConfigFrom(values);
  if (microsoft) updateProfileConfig(profileDir, { microsoft });

  const services = await openServices({ profileDir });
  try {
    return await runCommand(services, command, rest, { ...values, profileDir }, out);
  } finally {
    await services.close();
  }
}

async function runCommand(
  services: Services,
  command: string,
  args: string[],
  values: { account?: string; limit?: string; json?: boolean; messages?: boolean; loopback?: boolean; profileDir: string } & ImapFlags,
  out: (line: string) => void,
): Promise<number> {
  const { store } = services;
  switch (command) {
    case 'connect': {
      if (args[0] !== 'gmail' && args[0] !== 'microsoft' && args[0] !== 'imap') throw new UsageError('connect takes a provider: connect gmail | connect microsoft | connect imap');
      const controller = new AbortController();
      process.once('SIGINT', () => controller.abort());
      const openBrowser = async (url: string) => {
        process.stderr.write(`Opening your browser to sign in. If it does not open, visit:\n${url}\n`);
        await openInSystemBrowser(url).catch(() => undefined);
      };
      /** A Microsoft sign-in: through msal's loopback port, or as the running instance the OS's second process hands the link to. */
      const withMicrosoft = async (connect: (options: ConnectOptions) => Promise<Account>): Promise<Account> => {
        if (values.loopback) return connect({ openBrowser, signal: controller.signal, loopback: true });
        const listener = await listenForDeepLinks(values.profileDir, (url) => services.handleDeepLink(url));
        try {
          return await connect({ openBrowser, signal: controller.signal });
        } finally {
          await listener.close();
        }
      };
      let account: Account;
      if (args[0] === 'imap') {
        const flagError = (error: unknown) => {
          throw error instanceof Error && error.name === 'Error' ? new UsageError(error.message) : error;
        };
        account = values.microsoft
          ? await withMicrosoft((options) => connectImapWithOAuthFromCli(services, 'microsoft', values, options)).catch(flagError)
          : values.google
            ? await connectImapWithOAuthFromCli(services, 'google', values, { openBrowser, signal: controller.signal }).catch(flagError)
            : await connectImapFromCli(services, values).catch(flagError);
      } else if (args[0] === 'gmail') account = await services.connectGmail({ openBrowser, signal: controller.signal });
      else account = await withMicrosoft((options) => services.connectMicrosoft(options));
      out(JSON.stringify({ connected: account.email, accountId: account.id, provider: account.provider }));
      return 0;
    }
    case 'sync': {
      const accounts = store.accounts
        .list()
        .filter((a) => a.provider !== 'import' && a.status !== 'disconnected')
        .filter((a) => !values.account || a.email === values.account.toLowerCase());
      if (!accounts.length) throw new UsageError(values.account ? `no mail account ${values.account}` : 'no mail account connected: run `connect gmail`, `connect microsoft` or `connect imap` first');
      let failed = 0;
      const progress = progressOn();
      const stop = services.onSyncProgress((p) => {
        if (p.phase === 'full' || p.phase === 'incremental') progress.update(`${p.phase} sync: ${p.done}/${p.total}`);
      });
      for (const account of accounts) {
        try {
          const result = await services.syncAccount(account.id);
          progress.done();
          out(JSON.stringify({ account: account.email, ...result }));
        } catch (error) {
          failed += 1;
          progress.done();
          out(JSON.stringify({ account: account.email, error: error instanceof AppError ? error.code : 'failed', message: (error as Error).message }));
        }
      }
      stop();
      return failed ? 1 : 0;
    }
    case 'import': {
      if (!args[0]) throw new UsageError('import takes a path');
      const progress = progressOn();
      const result = await services.importMailbox(resolve(args[0]), {
        ...(values.account ? { accountEmail: values.account } : {}),
        onProgress: ({ done }) => progress.update(`imported ${done}`),
      });
      progress.done();
      if (result.skipped) {
        process.stderr.write(`${result.skipped} file${result.skipped === 1 ? '' : 's'} not read as mail (listed under "skippedFiles"; \`mailbridge stats\` counts them):\n`);
        for (const skip of result.skippedFiles.slice(0, 10)) process.stderr.write(`  ${skip.key}: ${skip.reason} (${skip.detail})\n`);
      }
      out(JSON.stringify(result));
      return 0;
    }
    case 'search': {
      const query = args.join(' ');
      if (!query.trim()) throw new UsageError('search takes a query');
      const limit = values.limit ? Number(values.limit) : 20;
      if (!Number.isInteger(limit) || limit < 1) throw new UsageError('--limit takes a positive whole number');
      if (values.messages) {
        const hits = store.search.search(query, { limit });
        if (values.json) out(JSON.stringify(hits));
        else for (const h of hits) out(`${h.messageId}\t${day(h.date)}\t${h.from?.address ?? '-'}\t${h.subject}`);
        return nothingFound(hits.length);
      }
      const page = store.search.searchThreads(query, { limit });
      for (const hint of page.hints) process.stderr.write(`${hint}\n`);
      if (values.json) out(JSON.stringify(page));
      else {
        for (const t of page.threads) {
          out(`${t.threadId}\t${day(t.date)}\t${t.from?.address ?? '-'}\t${t.subject || '(no subject)'}\t${t.messageCount} message${t.messageCount === 1 ? '' : 's'}`);
        }
      }
      return nothingFound(page.threads.length);
    }
    case 'show': {
      if (!args[0]) throw new UsageError('show takes a message id or Message-ID');
      const text = showMessage(store, args[0]);
      if (text === null) {
        process.stderr.write(`no message ${args[0]}\n`);
        return 1;
      }
      out(text);
      return 0;
    }
    case 'stats': {
      out(JSON.stringify(store.messages.stats()));
      return 0;
    }
    default:
      throw new UsageError(`unknown command ${command}`);
  }
}

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** As grep: nothing found is exit code 1, said on stderr so stdout stays the results. */
function nothingFound(count: number): number {
  if (count) return 0;
  process.stderr.write('no messages match\n');
  return 1;
}

/** Runs the CLI; resolves with the exit code. */
export async function main(argv = process.argv.slice(2), out = (line: string) => console.log(line)): Promise<number> {
  try {
    return await run(argv, out);
  } catch (error) {
    const usage = error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    process.stderr.write(`mailbridge: ${(error as Error).message}\n`);
    if (error instanceof KeychainUnavailableError && process.platform === 'linux' && !insideKeyringSession()) {
      process.stderr.write(`on a desktop, log in to a session that runs gnome-keyring or KWallet; on a headless box, set ${KEYRING_PASSWORD_ENV} and add --keychain=session\n`);
    }
    if (usage) process.stderr.write('run `mailbridge --help` for usage\n');
    return usage ? 2 : 1;
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) process.exitCode = await main();
