// Why opening the store failed, as values the app can act on: each error names the
// database file and what to do, and never carries the key itself.

export type StoreErrorCode = 'key_missing' | 'cannot_decrypt' | 'too_new' | 'key_malformed';

export class StoreError extends Error {
  readonly code: StoreErrorCode;
  constructor(code: StoreErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreError';
    this.code = code;
  }
}

/** The database file exists but the keychain has no key for it; it is never recreated over. */
export class DatabaseKeyMissingError extends StoreError {
  constructor(path: string, account: string) {
    super(
      'key_missing',
      `cannot open ${path}: the database exists but its key ("${account}") is missing from the OS keychain; ` +
        'restore the keychain entry or move the file aside to start over',
    );
    this.name = 'DatabaseKeyMissingError';
  }
}

/** The key does not decrypt the file (another key, or not a Mailbridge database). */
export class DatabaseDecryptError extends StoreError {
  constructor(path: string, cause: unknown) {
    super(
      'cannot_decrypt',
      `cannot decrypt ${path}: the key from the OS keychain does not open it (wrong key, or not a Mailbridge database)`,
      { cause },
    );
    this.name = 'DatabaseDecryptError';
  }
}

/** The database was written by a newer Mailbridge (PRAGMA user_version above our last migration). */
export class DatabaseTooNewError extends StoreError {
  readonly version: number;
  readonly supported: number;
  constructor(path: string, version: number, supported: number) {
    super(
      'too_new',
      `cannot open ${path}: its schema version ${version} is newer than this Mailbridge supports (${supported}); update Mailbridge`,
    );
    this.name = 'DatabaseTooNewError';
    this.version = version;
    this.supported = supported;
  }
}
