// Finding a mailbox's IMAP and SMTP servers from its address, as mail clients do: a small table
// of the large providers (their published settings), then the autoconfig file the domain
// publishes (Thunderbird's config-v1.1.xml), then the DNS SRV records RFC 6186 defines
// (_imaps._tcp, then _imap._tcp for STARTTLS). The rep can always edit what is found.
import { resolveSrv } from 'node:dns/promises';
import { asciiDomain, fetchAutoconfig, type FetchText } from './autoconfig.ts';
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

export type SrvLookup = (name: string) => Promise<Array<{ name: string; port: number; priority: number; weight: number }>>;

/** What discovery asks the network; each defaults to the real one (DNS, HTTPS). */
export interface DiscoveryDeps {
  srv?: SrvLookup;
  /** Autoconfig documents; see httpsFetchText in autoconfig.ts. */
  fetchText?: FetchText;
}

function depsOf(deps: SrvLookup | DiscoveryDeps): { srv: SrvLookup; fetchText: FetchText | undefined } {
  return typeof deps === 'function' ? { srv: deps, fetchText: undefined } : { srv: deps.srv ?? resolveSrv, fetchText: deps.fetchText };
}

/**
 * The SMTP submission server for `email`: the table, else the domain's autoconfig
 * (outgoingServer type="smtp", SSL or STARTTLS only), else RFC 6186 / RFC 8314 SRV
 * (_submissions, then _submission); null when none. Never throws. `deps` is DNS alone (the
 * older form) or DiscoveryDeps.
 */
export async function discoverSmtpServer(email: string, deps: SrvLookup | DiscoveryDeps = {}): Promise<SmtpServer | null> {
  const { srv, fetchText } = depsOf(deps);
  const domain = email.split('@')[1]?.toLowerCase() ?? '';
  const known = Object.hasOwn(KNOWN_SMTP, domain) ? KNOWN_SMTP[domain] : undefined;
  if (known) return known;
  const ascii = asciiDomain(domain);
  if (!ascii) return null;
  const smtp = (await fetchAutoconfig(email, fetchText))?.smtp;
  if (smtp) return { host: smtp.host, port: smtp.port, security: smtp.security };
  return fromSrv(ascii, [['_submissions._tcp', 'tls'], ['_submission._tcp', 'starttls']], srv);
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
 * IMAP server settings for `email`: the table, else the domain's autoconfig (the first
 * incomingServer type="imap" with socketType SSL or STARTTLS; its username, placeholders
 * filled, becomes `user`), else RFC 6186 SRV records (a target of "." means "no service");
 * null when nothing is found. Never throws. `deps` is DNS alone (the older form) or DiscoveryDeps.
 */
export async function discoverImapServer(email: string, deps: SrvLookup | DiscoveryDeps = {}): Promise<ImapServerSettings | null> {
  const { srv, fetchText } = depsOf(deps);
  const domain = email.split('@')[1]?.toLowerCase() ?? '';
  const known = Object.hasOwn(KNOWN, domain) ? KNOWN[domain] : undefined;
  if (known) return { ...known, user: email };
  const ascii = asciiDomain(domain);
  if (!ascii) return null;
  const imap = (await fetchAutoconfig(email, fetchText))?.imap;
  if (imap) return { host: imap.host, port: imap.port, security: imap.security, user: imap.user };
  const found = await fromSrv(ascii, [['_imaps._tcp', 'tls'], ['_imap._tcp', 'starttls']], srv);
  return found ? { ...found, user: email } : null;
}
