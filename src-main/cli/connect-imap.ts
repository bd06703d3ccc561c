// `mailbridge connect imap --email ADDRESS [--host H] [--port P] [--security tls|starttls] [--user U]`:
// the password comes from MAILBRIDGE_IMAP_PASSWORD or the first line of stdin, never from the
// command line (where other users' `ps` would see it).
import { createInterface } from 'node:readline';
import type { Services } from '../app/services.ts';
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
}

/** Connects the account and returns it; throws the service's AppError (its message says why) or Error for bad flags. */
export async function connectImapFromCli(services: Services, flags: ImapFlags): Promise<Account> {
  if (!flags.email) throw new Error('connect imap needs --email ADDRESS');
  if (flags.security && flags.security !== 'tls' && flags.security !== 'starttls') throw new Error('--security takes tls or starttls');
  const port = flags.port ? Number(flags.port) : undefined;
  if (port !== undefined && !(Number.isInteger(port) && port > 0 && port < 65_536)) throw new Error('--port takes a port number');
  const password = await readPassword();
  if (!password) throw new Error(`no password: set ${IMAP_PASSWORD_ENV} or give it on stdin`);
  return services.connectImap({
    email: flags.email,
    password,
    server: {
      ...(flags.host ? { host: flags.host } : {}),
      ...(port ? { port } : {}),
      ...(flags.security ? { security: flags.security as 'tls' | 'starttls' } : {}),
      ...(flags.user ? { user: flags.user } : {}),
    },
  });
}
