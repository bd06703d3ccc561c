// `mailbridge connect imap --email ADDRESS [--host H] [--port P] [--security tls|starttls] [--user U]
//  [--smtp-host H --smtp-port P --smtp-security tls|starttls | --no-smtp]`, or `--microsoft`
// or `--google` in place of --email to sign in with Microsoft 365 or Google and use its token
// (XOAUTH2). With --email, the password comes from MAILBRIDGE_IMAP_PASSWORD or the first
// line of stdin, never from the command line (where other users' `ps` would see it).
import { createInterface } from 'node:readline';
import type { Services } from '../app/services.ts';
import type { ConnectOptions } from '../accounts/provider-account.ts';
import type { Account } from '../store/types.ts';

export const IMAP_PASSWORD_ENV = 'MAILBRIDGE_IMAP_PASSWORD';

async function readPassword(): Promise<string> {
  const fromEnv = process.env[IMAP_PASSWORD_ENV];
  if (fromEnv) return fromEnv;
  if (process.stdin.isTTY) process.stderr.write('IMAP password: ');
  const lines = createInterface({ input: process.stdin, terminal: false });
  for await (const line of lines) {
    lines.close();
    return line;
  }
  return '';
}

export interface ImapFlags {
  email?: string | undefined;
  host?: string | undefined;
  port?: string | undefined;
  security?: string | undefined;
  user?: string | undefined;
  'smtp-host'?: string | undefined;
  'smtp-port'?: string | undefined;
  'smtp-security'?: string | undefined;
  'no-smtp'?: boolean | undefined;
  microsoft?: boolean | undefined;
  google?: boolean | undefined;
}

const security = (value: string | undefined, flag: string): 'tls' | 'starttls' | undefined => {
  if (value === undefined) return undefined;
  if (value !== 'tls' && value !== 'starttls') throw new Error(`${flag} takes tls or starttls`);
  return value;
};

const portOf = (value: string | undefined, flag: string): number | undefined => {
  if (value === undefined) return undefined;
  const port = Number(value);
  if (!(Number.isInteger(port) && port > 0 && port < 65_536)) throw new Error(`${flag} takes a port number`);
  return port;
};

/** The server flags as connect input; Error for a bad value. */
function serversOf(flags: ImapFlags) {
  const imapSecurity = security(flags.security, '--security');
  const port = portOf(flags.port, '--port');
  const smtpSecurity = security(flags['smtp-security'], '--smtp-security');
  const smtpPort = portOf(flags['smtp-port'], '--smtp-port');
  const smtp = flags['no-smtp']
    ? null
    : flags['smtp-host']
      ? { host: flags['smtp-host'], ...(smtpPort ? { port: smtpPort } : {}), ...(smtpSecurity ? { security: smtpSecurity } : {}) }
      : undefined;
  const server = {
    ...(flags.host ? { host: flags.host } : {}),
    ...(port ? { port } : {}),
    ...(imapSecurity ? { security: imapSecurity } : {}),
    ...(flags.user ? { user: flags.user } : {}),
  };
  return { server, ...(smtp !== undefined ? { smtp } : {}) };
}

/** Connects the account and returns it; throws the service's AppError (its message says why) or Error for bad flags. */
export async function connectImapFromCli(services: Services, flags: ImapFlags): Promise<Account> {
  if (!flags.email) throw new Error('connect imap needs --email ADDRESS (or --microsoft or --google to sign in in the browser)');
  const servers = serversOf(flags);
  const password = await readPassword();
  if (!password) throw new Error(`no password: set ${IMAP_PASSWORD_ENV} or give it on stdin`);
  return services.connectImap({ email: flags.email, password, ...servers });
}

/** `--microsoft` / `--google`: the address comes from the sign-in, the servers from the flags or the issuer's. */
export function connectImapWithOAuthFromCli(services: Services, issuer: 'microsoft' | 'google', flags: ImapFlags, connect: ConnectOptions): Promise<Account> {
  if (flags.microsoft && flags.google) throw new Error('connect imap takes --microsoft or --google, not both');
  return services.connectImapWithOAuth({ issuer, ...connect, ...serversOf(flags) });
}
