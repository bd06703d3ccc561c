// The OS keychain behind one small interface: it holds the database key (tokens live
// inside the encrypted database). On Linux it is pinned to the Secret Service, because
// @napi-rs/keyring would otherwise fall back silently to a non-persistent kernel keyring.
import { AsyncEntry } from '@napi-rs/keyring';
import type { EntryOptions } from '@napi-rs/keyring';
import { createLogger } from './logger.ts';

/** The keychain "service" every Mailbridge secret is filed under. */
export const KEYCHAIN_SERVICE = 'Mailbridge';

/** keytar's shape with the service fixed; `account` names the secret (e.g. "database-key:ab12…"). */
export interface SecretStore {
  /** The stored secret, or null when there is none. */
  get(account: string): Promise<string | null>;
  /** Creates or replaces the secret. */
  set(account: string, secret: string): Promise<void>;
  /** True when a secret was deleted, false when there was none. */
  delete(account: string): Promise<boolean>;
}

/** No usable OS keychain: no Secret Service on the session bus, or it is locked. Never fall back. */
export class KeychainUnavailableError extends Error {
  readonly code = 'keychain_unavailable';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'KeychainUnavailableError';
  }
}

const log = createLogger('platform.keychain');

/**
 * The OS keychain: Secret Service (gnome-keyring, KWallet) on Linux, Keychain on macOS,
 * Credential Manager on Windows. Every method rejects with KeychainUnavailableError when
 * the keychain cannot be reached or is locked; other keychain errors (e.g. "Ambiguous")
 * propagate unchanged.
 */
export function createOsSecretStore(options: { service?: string } = {}): SecretStore {
  const service = options.service ?? KEYCHAIN_SERVICE;
  const entryOptions: EntryOptions | undefined =
    process.platform === 'linux' ? { linux: { store: 'secret-service' } } : undefined;

  const run = async <T>(account: string, action: (entry: AsyncEntry) => Promise<T>): Promise<T> => {
    try {
      // The constructor connects to D-Bus on Linux and throws synchronously when it cannot.
      return await action(new AsyncEntry(service, account, entryOptions));
    } catch (error) {
      if (isUnavailable(error)) {
        const unavailable = new KeychainUnavailableError(describeUnavailable(error), { cause: error });
        log.warn('keychain unavailable', { error: unavailable.message });
        throw unavailable;
      }
      throw error;
    }
  };

  return {
    get: (account) => run(account, (entry) => entry.getPassword()),
    set: (account, secret) => run(account, (entry) => entry.setPassword(secret)),
    delete: (account) => run(account, (entry) => entry.deleteCredential()),
  };
}

/** An in-memory SecretStore for unit tests only: nothing survives the process. */
export function createMemorySecretStore(initial: Record<string, string> = {}): SecretStore & {
  readonly entries: Map<string, string>;
} {
  const entries = new Map(Object.entries(initial));
  return {
    entries,
    get: async (account) => entries.get(account) ?? null,
    set: async (account, secret) => {
      entries.set(account, secret);
    },
    delete: async (account) => entries.delete(account),
  };
}

function errorText(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current instanceof Error && depth < 5; depth += 1) {
    parts.push(current.message);
    current = current.cause;
  }
  return parts.join(' | ');
}

// Messages as produced by keyring-rs (Error::PlatformFailure / NoStorageAccess), verified
// against a missing bus, a bus without org.freedesktop.secrets, and a locked collection.
function isUnavailable(error: unknown): boolean {
  return /Platform failure|platform storage|DBus|D-Bus|secret service|org\.freedesktop\.secrets|prompt was dismissed|locked/i.test(
    errorText(error),
  );
}

function describeUnavailable(error: unknown): string {
  const detail = errorText(error).split(' | ')[0] ?? 'unknown error';
  if (process.platform !== 'linux') return `the OS keychain is not available: ${detail}`;
  const bus = process.env.DBUS_SESSION_BUS_ADDRESS;
  const busNote = bus
    ? 'DBUS_SESSION_BUS_ADDRESS is set'
    : 'DBUS_SESSION_BUS_ADDRESS is not set (no D-Bus session: start one, e.g. with dbus-run-session)';
  if (/prompt was dismissed|locked/i.test(detail)) {
    return `the Secret Service keyring is locked and could not be unlocked: unlock gnome-keyring or KWallet (${busNote}; ${detail})`;
  }
  return `no Secret Service on the D-Bus session bus: install and unlock gnome-keyring or KWallet (${busNote}; ${detail})`;
}
