// How the CLI's command line reads: the usage text, the flags parseArgs accepts, the client
// configuration they carry, and the argv handed on into a keyring session.
import { defaultProfileDir } from '../platform/paths.ts';
import type { GoogleConfig, MicrosoftConfig } from '../platform/profile-config.ts';
import { KEYRING_PASSWORD_ENV } from './keychain-session.ts';
import { IMAP_PASSWORD_ENV } from './connect-imap.ts';

export const USAGE = `usage: mailbridge <command> [options]

commands:
  connect gmail                 sign in with Google in the system browser
  connect microsoft [--loopback]
                                sign in with Microsoft 365 / Outlook; the browser returns
                                through mailbridge://auth/microsoft (or a loopback port)
  connect imap --email ADDRESS [--host H --port P --security tls|starttls --user U]
               [--smtp-host H --smtp-port P --smtp-security tls|starttls | --no-smtp]
                                any IMAP mailbox (SMTP for sending); password from
                                ${IMAP_PASSWORD_ENV} or stdin
  connect imap --microsoft [--loopback] [--host H … --smtp-host H …]
                                Microsoft 365 over IMAP/SMTP: sign in with Microsoft,
                                then XOAUTH2 (servers default to Microsoft's)
  connect imap --google [--host H … --smtp-host H …]
                                Gmail / Google Workspace over IMAP/SMTP: sign in with
                                Google, then XOAUTH2 (servers default to Gmail's)
  sync [--account EMAIL]        sync every connected Gmail, Outlook and IMAP account (or one)
  mailbridge://…                hand a link to the running instance (as the OS does)
  import PATH [--account NAME]  import a maildir, an mbox file or a folder of .eml files
  search QUERY [--limit N] [--json] [--messages]
                                conversations newest first, one a line (date, sender,
                                subject, messages), with Gmail's operators: from: to: cc:
                                subject: filename: has:attachment is:unread is:starred
                                label: in: after: before: older_than: newer_than: OR -word;
                                --messages lists messages instead
  show MESSAGE                  by local id or Message-ID
  stats                         JSON: accounts, messages, threads, warnings, skippedFiles

options:
  --profile DIR                 data directory (default: ${defaultProfileDir()})
  --keychain=session            headless Linux only (no desktop login): run inside a private
                                D-Bus session with gnome-keyring unlocked by the password in
                                ${KEYRING_PASSWORD_ENV}; never on a desktop
  --client-id ID --client-secret S --auth-url URL --token-url URL --revoke-url URL
  --gmail-url URL --quota UNITS_PER_S|off --concurrency N
                                Google configuration, saved into DIR/config.json
  --ms-client-id ID --tenant common|organizations|ID --authority URL --graph-url URL
                                Microsoft configuration, saved into DIR/config.json`;

export const OPTIONS = {
  profile: { type: 'string' },
  keychain: { type: 'string' },
  account: { type: 'string' },
  limit: { type: 'string' },
  json: { type: 'boolean' },
  messages: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  'client-id': { type: 'string' },
  'client-secret': { type: 'string' },
  'auth-url': { type: 'string' },
  'token-url': { type: 'string' },
  'revoke-url': { type: 'string' },
  'gmail-url': { type: 'string' },
  quota: { type: 'string' },
  concurrency: { type: 'string' },
  loopback: { type: 'boolean' },
  'ms-client-id': { type: 'string' },
  tenant: { type: 'string' },
  authority: { type: 'string' },
  'graph-url': { type: 'string' },
  email: { type: 'string' },
  host: { type: 'string' },
  port: { type: 'string' },
  security: { type: 'string' },
  user: { type: 'string' },
  'smtp-host': { type: 'string' },
  'smtp-port': { type: 'string' },
  'smtp-security': { type: 'string' },
  'no-smtp': { type: 'boolean' },
  microsoft: { type: 'boolean' },
  google: { type: 'boolean' },
} as const;

/** A command line that cannot be run as given: exit code 2, with the usage. */
export class UsageError extends Error {}

/** The Google client configuration the flags give (saved into the profile's config.json); null for none. */
export function googleConfigFrom(values: Record<string, string | boolean | undefined>): GoogleConfig | null {
  const str = (k: string) => (typeof values[k] === 'string' ? (values[k] as string) : undefined);
  const patch: GoogleConfig = {
    ...(str('client-id') ? { clientId: str('client-id') } : {}),
    ...(str('client-secret') !== undefined ? { clientSecret: str('client-secret') } : {}),
    ...(str('auth-url') ? { authUrl: str('auth-url') } : {}),
    ...(str('token-url') ? { tokenUrl: str('token-url') } : {}),
    ...(str('revoke-url') ? { revokeUrl: str('revoke-url') } : {}),
    ...(str('gmail-url') ? { gmailUrl: str('gmail-url') } : {}),
    ...(str('quota') ? { quotaUnitsPerSecond: str('quota') === 'off' ? null : Number(str('quota')) } : {}),
    ...(str('concurrency') ? { concurrency: Number(str('concurrency')) } : {}),
  };
  return Object.keys(patch).length ? patch : null;
}

/** The Microsoft client configuration the flags give; null for none. */
export function microsoftConfigFrom(values: Record<string, string | boolean | undefined>): MicrosoftConfig | null {
  const str = (k: string) => (typeof values[k] === 'string' ? (values[k] as string) : undefined);
  const patch: MicrosoftConfig = {
    ...(str('ms-client-id') ? { clientId: str('ms-client-id') } : {}),
    ...(str('tenant') ? { tenant: str('tenant') } : {}),
    ...(str('authority') ? { authority: str('authority') } : {}),
    ...(str('graph-url') ? { graphUrl: str('graph-url') } : {}),
  };
  return Object.keys(patch).length ? patch : null;
}

/** `argv` without `--keychain=session` or `--keychain session`. */
export function withoutKeychainOption(argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i += 1) {
    if (argv[i] === '--keychain=session') continue;
    if (argv[i] === '--keychain' && argv[i + 1] === 'session') {
      i += 1;
      continue;
    }
    out.push(argv[i]!);
  }
  return out;
}
