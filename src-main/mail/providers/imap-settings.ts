// Finding a mailbox's IMAP server from its address, as mail clients do: a small table of the
// large providers (their published settings), then the DNS SRV record RFC 6186 defines
// (_imaps._tcp, then _imap._tcp for STARTTLS). The rep can always edit what is found.
import { resolveSrv } from 'node:dns/promises';
import type { ImapServerSettings } from './imap.ts';

type Server = Omit<ImapServerSettings, 'user'>;
export type SmtpServer = Server;

/** Published IMAP settings of large providers, by mail domain. */
const KNOWN: Record<string, Server> = {
  'gmail.com': { host: 'imap.gmail.com', port: 993, security: 'tls' },
  'googlemail.com': { host: 'imap.gmail.com', port: 993, security: 'tls' },
  'outlook.com': { host: 'outlook.office365.com', port: 993, security: 'tls' },
  'hotmail.com': { host: 'outlook.office365.com', port: 993, security: 'tls' },
  'live.com': { host: 'outlook.office365.com', port: 993, security: 'tls' },
  'icloud.com': { host: 'imap.mail.me.com', port: 993, security: 'tls' },
  'me.com': { host: 'imap.mail.me.com', port: 993, security: 'tls' },
  'yahoo.com': { host: 'imap.mail.yahoo.com', port: 993, security: 'tls' },
  'fastmail.com': { host: 'imap.fastmail.com', port: 993, security: 'tls' },
  'zoho.com': { host: 'imap.zoho.com', port: 993, security: 'tls' },
  'aol.com': { host: 'imap.aol.com', port: 993, security: 'tls' },
  'gmx.com': { host: 'imap.gmx.com', port: 993, security: 'tls' },
};

/** Published SMTP submission settings of the same providers. */
const KNOWN_SMTP: Record<string, SmtpServer> = {
  'gmail.com': { host: 'smtp.gmail.com', port: 465, security: 'tls' },
  'googlemail.com': { host: 'smtp.gmail.com', port: 465, security: 'tls' },
  'outlook.com': { host: 'smtp.office365.com', port: 587, security: 'starttls' },
  'hotmail.com': { host: 'smtp.office365.com', port: 587, security: 'starttls' },
  'live.com': { host: 'smtp.office365.com', port: 587, security: 'starttls' },
  'icloud.com': { host: 'smtp.mail.me.com', port: 587, security: 'starttls' },
  'me.com': { host: 'smtp.mail.me.com', port: 587, security: 'starttls' },
  'yahoo.com': { host: 'smtp.mail.yahoo.com', port: 465, security: 'tls' },
  'fastmail.com': { host: 'smtp.fastmail.com', port: 465, security: 'tls' },
  'zoho.com': { host: 'smtp.zoho.com', port: 465, security: 'tls' },
  'aol.com': { host: 'smtp.aol.com', port: 465, security: 'tls' },
  'gmx.com': { host: 'mail.gmx.com', port: 587, security: 'starttls' },
};

type SrvLookup = (name: string) => Promise<Array<{ name: string; port: number; priority: number; weight: number }>>;

/** The SMTP submission server for `email`: the table, else RFC 6186 / RFC 8314 SRV (_submissions, then _submission); null when none. */
export async function discoverSmtpServer(email: string, lookup: SrvLookup = resolveSrv): Promise<SmtpServer | null> {
  const domain = email.split('@')[1]?.toLowerCase() ?? '';
  return KNOWN_SMTP[domain] ?? (await fromSrv(domain, [['_submissions._tcp', 'tls'], ['_submission._tcp', 'starttls']], lookup));
}

async function fromSrv(domain: string, services: ReadonlyArray<readonly [string, 'tls' | 'starttls']>, lookup: SrvLookup): Promise<Server | null> {
  for (const [service, security] of services) {
    try {
      const records = (await lookup(`${service}.${domain}`)).filter((r) => r.name && r.name !== '.');
      records.sort((a, b) => a.priority - b.priority || b.weight - a.weight);
      const best = records[0];
      if (best) return { host: best.name.replace(/\.$/, ''), port: best.port, security };
    } catch {
      // No such record: try the next service.
    }
  }
  return null;
}

/** Providers that refuse the account password over IMAP and want an app password instead. */
export const APP_PASSWORD_DOMAINS = new Set(['gmail.com', 'googlemail.com', 'icloud.com', 'me.com', 'yahoo.com', 'aol.com', 'fastmail.com', 'zoho.com']);

/**
 * Server settings for `email`: the table, else RFC 6186 SRV records (a target of "." means
 * "no service"); null when nothing is found. `lookup` is DNS (replaceable in tests).
 */
export async function discoverImapServer(email: string, lookup: SrvLookup = resolveSrv): Promise<ImapServerSettings | null> {
  const domain = email.split('@')[1]?.toLowerCase() ?? '';
  const found = KNOWN[domain] ?? (await fromSrv(domain, [['_imaps._tcp', 'tls'], ['_imap._tcp', 'starttls']], lookup));
  return found ? { ...found, user: email } : null;
}
