// The autoconfig files mail providers publish for Thunderbird (config-v1.1.xml), read for IMAP
// set-up: fetched over HTTPS only, since a downgraded answer could send the password to an
// attacker's server. Format: https://wiki.mozilla.org/Thunderbird:Autoconfiguration:ConfigFileFormat
import { domainToASCII } from 'node:url';
import { XMLParser, XMLValidator } from 'fast-xml-parser';

/** One server an autoconfig file offers, placeholders filled in. */
export interface AutoconfigServer {
  host: string;
  /** 1..65535. */
  port: number;
  /** SSL → 'tls' (implicit TLS), STARTTLS → 'starttls'; servers with socketType "plain" are never returned. */
  security: 'tls' | 'starttls';
  /** The sign-in name, %EMAILADDRESS% / %EMAILLOCALPART% / %EMAILDOMAIN% replaced; the address when absent. */
  user: string;
  /** The file's <authentication> values in its order, e.g. ['password-cleartext', 'OAuth2']. */
  authentication: string[];
}

/** The first usable IMAP and SMTP server of one file; null where the file offers none. */
export interface Autoconfig {
  imap: AutoconfigServer | null;
  smtp: AutoconfigServer | null;
}

/** Fetches `url` and returns its body, or null for any failure (network, status, size, timeout). */
export type FetchText = (url: string) => Promise<string | null>;

export interface HttpsFetchOptions {
  fetch?: typeof globalThis.fetch;
  /** The whole request, redirects and body included, ms. */
  timeoutMs?: number;
  /** Longest accepted body, bytes. */
  maxBytes?: number;
  maxRedirects?: number;
}

const HOST = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/;

/**
 * The ASCII (punycode) form of `domain` when it is a plausible mail domain (letters, digits,
 * hyphens, at least one dot, no trailing dot); '' otherwise.
 */
export function asciiDomain(domain: string): string {
  const lower = domain.trim().toLowerCase();
  // domainToASCII parses like a URL host ("a.example/../x" → "a.example"): check the characters first.
  if (!/^[\p{L}\p{M}\p{N}.-]+$/u.test(lower)) return '';
  const ascii = domainToASCII(lower);
  return HOST.test(ascii) ? ascii : '';
}

/**
 * The URLs Thunderbird asks the domain itself, in order: the autoconfig subdomain, then the
 * domain's .well-known path. Plain-http variants are left out on purpose. [] for a malformed address.
 */
export function autoconfigUrls(email: string): string[] {
  const domain = asciiDomain(email.slice(email.lastIndexOf('@') + 1));
  if (!email.includes('@') || !domain) return [];
  const query = `emailaddress=${encodeURIComponent(email)}`;
  return [
    `https://autoconfig.${domain}/mail/config-v1.1.xml?${query}`,
    `https://${domain}/.well-known/autoconfig/mail/config-v1.1.xml?${query}`,
  ];
}

/**
 * A FetchText over Node's fetch that refuses anything but https: — the URL asked for and every
 * redirect (followed by hand, so an http: Location is never requested). Defaults: 5000 ms,
 * 64 KiB, 3 redirects. Never throws.
 */
export function httpsFetchText(options: HttpsFetchOptions = {}): FetchText {
  const { fetch = globalThis.fetch, timeoutMs = 5000, maxBytes = 64 * 1024, maxRedirects = 3 } = options;
  return async (url) => {
    const signal = AbortSignal.timeout(timeoutMs);
    try {
      let target = new URL(url);
      for (let hop = 0; hop <= maxRedirects; hop++) {
        if (target.protocol !== 'https:') return null;
        const response = await fetch(target, { redirect: 'manual', signal, headers: { accept: 'application/xml, text/xml' } });
        const location = response.status >= 300 && response.status < 400 ? response.headers.get('location') : null;
        if (location) {
          await response.body?.cancel();
          target = new URL(location, target);
          continue;
        }
        if (!response.ok) {
          await response.body?.cancel();
          return null;
        }
        return await readCapped(response, maxBytes);
      }
      return null;
    } catch {
      return null;
    }
  };
}

async function readCapped(response: Response, maxBytes: number): Promise<string | null> {
  if (Number(response.headers.get('content-length') ?? 0) > maxBytes) {
    await response.body?.cancel();
    return null;
  }
  if (!response.body) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of response.body) {
    size += chunk.byteLength;
    if (size > maxBytes) return null; // Leaving the loop cancels the stream.
    chunks.push(chunk);
  }
  return new TextDecoder().decode(Buffer.concat(chunks));
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  parseTagValue: false,
  isArray: (name) => ['emailProvider', 'incomingServer', 'outgoingServer', 'authentication'].includes(name),
});

/**
 * The first IMAP and the first SMTP server in a clientConfig document whose socketType is SSL
 * or STARTTLS and whose hostname and port are well formed (entries are listed in order of
 * preference, per the format's "Multiple servers" section). Null for anything that is not a
 * well-formed clientConfig, or that offers neither server; never throws.
 */
export function parseAutoconfig(xml: string, email: string): Autoconfig | null {
  // No autoconfig file needs a DTD; refusing one keeps entity expansion out of the picture.
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) return null;
  let provider: Record<string, unknown> | undefined;
  try {
    if (XMLValidator.validate(xml) !== true) return null;
    const root = parser.parse(xml) as { clientConfig?: { emailProvider?: Array<Record<string, unknown>> } };
    provider = root.clientConfig?.emailProvider?.[0];
  } catch {
    return null;
  }
  if (!provider || typeof provider !== 'object') return null;
  const at = email.lastIndexOf('@');
  const fill = (value: string) => value
    .replaceAll('%EMAILADDRESS%', email)
    .replaceAll('%EMAILLOCALPART%', email.slice(0, at))
    .replaceAll('%EMAILDOMAIN%', email.slice(at + 1));
  const pick = (entries: unknown, type: string) => {
    for (const entry of Array.isArray(entries) ? entries : []) {
      const server = toServer(entry, type, fill, email);
      if (server) return server;
    }
    return null;
  };
  const found = { imap: pick(provider.incomingServer, 'imap'), smtp: pick(provider.outgoingServer, 'smtp') };
  return found.imap || found.smtp ? found : null;
}

function toServer(entry: unknown, type: string, fill: (value: string) => string, email: string): AutoconfigServer | null {
  if (!entry || typeof entry !== 'object') return null;
  const fields = entry as Record<string, unknown>;
  if (text(fields['@_type']).toLowerCase() !== type) return null;
  const socketType = text(fields.socketType).toUpperCase();
  const security = socketType === 'SSL' ? 'tls' : socketType === 'STARTTLS' ? 'starttls' : null;
  if (!security) return null;
  const host = fill(text(fields.hostname)).toLowerCase().replace(/\.$/, '');
  const portText = text(fields.port);
  const port = /^\d{1,5}$/.test(portText) ? Number(portText) : 0;
  if (!HOST.test(host) || port < 1 || port > 65535) return null;
  const user = fill(text(fields.username));
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(user) || user.length > 320) return null;
  const authentication = (Array.isArray(fields.authentication) ? fields.authentication : []).map(text).filter(Boolean);
  return { host, port, security, user: user || email, authentication };
}

function text(value: unknown): string {
  if (typeof value === 'string') return value.trim();
  if (value && typeof value === 'object' && typeof (value as { '#text'?: unknown })['#text'] === 'string') return (value as { '#text': string })['#text'].trim();
  return '';
}

const DEFAULT_FETCH = httpsFetchText();
const MEMO_MS = 120_000;
const memos = new WeakMap<FetchText, Map<string, { expires: number; found: Promise<Autoconfig | null> }>>();

/**
 * The autoconfig the domain of `email` publishes: the URLs of autoconfigUrls in order, the
 * first document that parses wins; null when none does. Results are kept for 2 minutes per
 * fetcher and address, so IMAP and SMTP discovery in one set-up fetch the document once.
 */
export function fetchAutoconfig(email: string, fetchText: FetchText = DEFAULT_FETCH): Promise<Autoconfig | null> {
  let memo = memos.get(fetchText);
  if (!memo) memos.set(fetchText, (memo = new Map()));
  const now = Date.now();
  for (const [key, entry] of memo) if (entry.expires <= now) memo.delete(key);
  const kept = memo.get(email);
  if (kept) return kept.found;
  const found = (async () => {
    for (const url of autoconfigUrls(email)) {
      const body = await fetchText(url).catch(() => null);
      const parsed = body ? parseAutoconfig(body, email) : null;
      if (parsed) return parsed;
    }
    return null;
  })();
  memo.set(email, { expires: now + MEMO_MS, found });
  return found;
}
