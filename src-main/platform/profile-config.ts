// Per-profile configuration (DIR/config.json): which Google, Microsoft and HubSpot endpoints
// and clients to use, and how fast to sync. Nothing secret lives here — a desktop client's
// secret is not confidential (RFC 8252 §8.5); tokens and keys live in the encrypted store and keychain.
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { CONFIG_FILE, ensurePrivateDir, ensurePrivateFile } from './paths.ts';

export const GoogleConfigSchema = z.object({
  clientId: z.string().min(1).optional(),
  clientSecret: z.string().optional(),
  authUrl: z.url().optional(),
  tokenUrl: z.url().optional(),
  revokeUrl: z.url().optional(),
  tokenInfoUrl: z.url().optional(),
  /** Gmail API root, e.g. https://gmail.googleapis.com/ or an emulator. */
  gmailUrl: z.url().optional(),
  /** Quota units per second to pace at; null turns pacing off (emulator without quota). */
  quotaUnitsPerSecond: z.number().positive().nullable().optional(),
  /** Gmail requests in flight at once. */
  concurrency: z.number().int().min(1).max(64).optional(),
  /** How long one Gmail request may take before it is abandoned and retried, ms (default 120,000). */
  requestTimeoutMs: z.number().int().min(100).optional(),
});

/** HubSpot CRM v3 endpoint and pacing; the private-app token itself lives in the encrypted store. */
export const HubSpotConfigSchema = z.object({
  /** API root, default https://api.hubapi.com (an emulator in tests and the demo). */
  apiUrl: z.url().optional(),
  /** Requests per rolling 10 s the client allows itself (HubSpot private apps: 100–190). */
  requestsPer10Seconds: z.number().int().min(1).max(1000).optional(),
});

/** Pipedrive API endpoint; the personal API token itself lives in the encrypted store. */
export const PipedriveConfigSchema = z.object({
  /** API root without /api/v1, default https://api.pipedrive.com (an emulator in tests). */
  apiUrl: z.url().optional(),
  /** Per-request deadline, ms (default 30,000). */
  requestTimeoutMs: z.number().int().min(100).optional(),
});

/** Salesforce connected app (External Client App, public: PKCE, no secret) and login host. */
export const SalesforceConfigSchema = z.object({
  /** The app's consumer key. */
  clientId: z.string().min(1).optional(),
  /** https://login.salesforce.com (default), https://test.salesforce.com, a My Domain, or the identity emulator. */
  loginUrl: z.url().optional(),
  /** REST API version, e.g. v62.0. */
  apiVersion: z.string().regex(/^v\d+\.\d$/).optional(),
  /** Loopback port of the callback URL the app registers, http://127.0.0.1:<port>/oauth2/callback (default 7717; 0: any free port). */
  redirectPort: z.number().int().min(0).max(65535).optional(),
  /** Per-request deadline, ms (default 30,000). */
  requestTimeoutMs: z.number().int().min(100).optional(),
});

export const MicrosoftConfigSchema = z.object({
  /** Application (client) id of the Entra ID "Mobile and desktop" registration. */
  clientId: z.string().min(1).optional(),
  /** 'common' (default), 'organizations' or a tenant id / domain: https://login.microsoftonline.com/<tenant>. */
  tenant: z.string().regex(/^[\w.-]+$/).optional(),
  /** Overrides the tenant authority, e.g. a local OIDC authority (must be HTTPS and in knownAuthorities). */
  authority: z.url().optional(),
  /** host[:port] entries msal trusts without instance discovery. */
  knownAuthorities: z.array(z.string().min(1)).optional(),
  /** 'OIDC' for a plain OpenID Connect authority (the emulator). */
  protocolMode: z.enum(['AAD', 'OIDC']).optional(),
  /** Graph base URL including the version, e.g. https://graph.microsoft.com/v1.0 or an emulator's. */
  graphUrl: z.url().optional(),
  /** Graph requests in flight per mailbox; Outlook allows 4. */
  concurrency: z.number().int().min(1).max(64).optional(),
  /** Requests per window to pace at (Outlook: 10,000 per 10 minutes); null turns pacing off (emulator without limits). */
  requestsPer10Minutes: z.number().positive().nullable().optional(),
  /** The pacing window, ms (default 600,000). Only benchmarks shrink it, together with the emulator's. */
  requestWindowMs: z.number().int().positive().optional(),
  /** How long one Graph request may take before it is abandoned and retried, ms (default 120,000). */
  requestTimeoutMs: z.number().int().min(100).optional(),
  /** Delegated scopes; default User.Read Mail.ReadWrite Mail.Send (msal adds openid profile offline_access). */
  scopes: z.array(z.string().min(1)).optional(),
});

export const ImapConfigSchema = z.object({
  /** Connect and greeting timeout for IMAP servers, ms (default 30 s). */
  timeoutMs: z.number().int().min(100).max(600_000).optional(),
});

export const ProfileConfigSchema = z.object({
  google: GoogleConfigSchema.default({}),
  imap: ImapConfigSchema.default({}),
  hubspot: HubSpotConfigSchema.default({}),
  microsoft: MicrosoftConfigSchema.default({}),
  pipedrive: PipedriveConfigSchema.default({}),
  salesforce: SalesforceConfigSchema.default({}),
});

export type GoogleConfig = z.infer<typeof GoogleConfigSchema>;
export type HubSpotConfig = z.infer<typeof HubSpotConfigSchema>;
export type MicrosoftConfig = z.infer<typeof MicrosoftConfigSchema>;
export type PipedriveConfig = z.infer<typeof PipedriveConfigSchema>;
export type SalesforceConfig = z.infer<typeof SalesforceConfigSchema>;
export type ProfileConfig = z.infer<typeof ProfileConfigSchema>;
/** A config as written by hand or by tests: sections may be left out. */
export type ProfileConfigInput = z.input<typeof ProfileConfigSchema>;

/** Reads DIR/config.json; a missing file is an empty config, an invalid one a clear error. */
export function readProfileConfig(profileDir: string): ProfileConfig {
  const path = join(profileDir, CONFIG_FILE);
  if (!existsSync(path)) return ProfileConfigSchema.parse({});
  const parsed = ProfileConfigSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
  if (!parsed.success) throw new Error(`${path} is invalid: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

/** Merges `patch` into DIR/config.json (validated before writing). */
export function updateProfileConfig(
  profileDir: string,
  patch: { google?: GoogleConfig; hubspot?: HubSpotConfig; microsoft?: MicrosoftConfig; pipedrive?: PipedriveConfig; salesforce?: SalesforceConfig },
): ProfileConfig {
  const current = readProfileConfig(profileDir);
  const next = ProfileConfigSchema.parse({
    ...current,
    google: { ...current.google, ...patch.google },
    hubspot: { ...current.hubspot, ...patch.hubspot },
    microsoft: { ...current.microsoft, ...patch.microsoft },
    pipedrive: { ...current.pipedrive, ...patch.pipedrive },
    salesforce: { ...current.salesforce, ...patch.salesforce },
  });
  ensurePrivateDir(profileDir);
  ensurePrivateFile(join(profileDir, CONFIG_FILE));
  writeFileSync(join(profileDir, CONFIG_FILE), JSON.stringify(next, null, 2) + '\n');
  return next;
}
