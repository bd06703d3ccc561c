// Worker-thread entry that runs one bulk job — a Gmail, Graph or IMAP sync, or an offline import: fetching
// or reading, MIME parsing and database writes all happen here, on the worker's own
// connection to the encrypted store, so the main process event loop (IPC, windows) never
// waits on them (DESIGN.md: ≤ 50 ms stalls). A worker runs one job, so it loads only that
// job's provider and client library (an import none): the Enron import peaked 8–11 MB lower.
import { parentPort, workerData } from 'node:worker_threads';
import { openEncryptedDatabase } from '../store/database.ts';
import { createProfileStore } from '../store/profile-store.ts';
import { createLogger, setLogSink } from '../platform/logger.ts';
import { isInvalidGrant, ReconnectRequiredError } from '../auth/errors.ts';
import type { GoogleTokens, MicrosoftCredentials } from '../auth/index.ts';
import type { ImapCredentials, ImapProvider as ImapProviderType } from './providers/imap.ts';
import { imapSyncStoreFor } from './imap-sync-store.ts';
import type { SyncProgress } from './gmail-sync.ts';
import { parseMessage } from './mime/index.ts';
import { importMailbox } from './import/importer.ts';
import type { JobResults, MailWorkerData, MailWorkerMessage, WorkerJob } from './mail-worker-protocol.ts';
import type { ProfileStore } from '../store/profile-store.ts';
import { WriteBehindStore } from './write-behind-store.ts';

const port = parentPort!;
const post = (message: MailWorkerMessage) => port.postMessage(message);
setLogSink((line, level) => post({ type: 'log', line, level }), 'debug');
const log = createLogger('mail.worker');

const data = workerData as MailWorkerData;
/**
 * Messages per store transaction. The sync engines default to small batches for callers on
 * the main thread; here only the worker waits on a commit, and a larger transaction spreads
 * its fixed cost (FTS5 segment flush, WAL append) over more messages: store CPU 0.60 → 0.47
 * ms per Enron message from 50 to 200 (≈ 100 ms per commit).
 */
const BATCH_SIZE = 200;
const store = createProfileStore(openEncryptedDatabase({ path: data.databasePath, key: data.databaseKey }));
const controller = new AbortController();
port.on('message', (message: { type: 'abort' }) => message.type === 'abort' && controller.abort());

type SyncJob = Exclude<WorkerJob, { kind: 'import' }>;

/** A sync engine over its provider, built from the job and the store; close() frees the provider. */
interface OpenedSync {
  sync(): Promise<JobResults[SyncJob['kind']]>;
  close(): void;
  /** Whether a failure means the rep must sign in again (a refused login or token, beyond invalid_grant). */
  refused?(error: unknown): boolean;
}

/**
 * A sync's writes go to the store writer thread, so fetching and parsing (this thread) and
 * committing (that one) run on both cores; reads here wait for the writes before them. IMAP
 * fetching leaves this thread idle while the writer commits, so its messages are compressed here.
 */
const writer = data.job.kind === 'import' ? null : new WriteBehindStore({
  databasePath: data.databasePath,
  databaseKey: data.databaseKey,
  compressBeforePosting: data.job.kind === 'imap-sync',
});
const syncStore = (store: ProfileStore) => writer!.syncStore(imapSyncStoreFor(store));

/** What every sync engine takes besides its provider and store; progress is posted once what it counts is committed. */
const engineOptions = (accountId: number) => ({
  accountId,
  parse: parseMessage,
  batchSize: BATCH_SIZE,
  onProgress: (progress: SyncProgress) => writer!.afterWrites(() => post({ type: 'progress', progress })),
  signal: controller.signal,
});

async function openGmailSync(job: Extract<SyncJob, { kind: 'gmail-sync' }>, store: ProfileStore): Promise<OpenedSync> {
  const [{ createGoogleClient }, { GmailProvider }, { GmailSync }] = await Promise.all([
    import('../auth/google-oauth.ts'),
    import('./providers/gmail.ts'),
    import('./gmail-sync.ts'),
  ]);
  const tokens = store.accounts.getTokens<GoogleTokens>(job.accountId);
  if (!tokens?.refreshToken) throw new ReconnectRequiredError('no stored credentials');
  const provider = new GmailProvider({
    auth: createGoogleClient(job.oauth, tokens, { onTokens: (next) => store.accounts.setTokens(job.accountId, next) }),
    ...job.provider,
    signal: controller.signal,
  });
  const engine = new GmailSync({ ...engineOptions(job.accountId), provider, store: syncStore(store) });
  return { sync: () => engine.sync(), close: () => provider.close() };
}

/**
 * Graph with msal's cache read from and written back to the encrypted store, so a refresh
 * during a long sync persists (acquireTokenSilent through the cache plugin).
 */
async function openGraphSync(job: Extract<SyncJob, { kind: 'graph-sync' }>, store: ProfileStore): Promise<OpenedSync> {
  const [{ credentialCacheStorage, isMicrosoftReconnectError, MicrosoftTokenSource, READ_ONLY_MICROSOFT_SCOPES }, { GraphProvider }, { GraphSync }] = await Promise.all([
    import('../auth/microsoft-oauth.ts'),
    import('./providers/graph.ts'),
    import('./graph-sync.ts'),
  ]);
  const credentials = store.accounts.getTokens<MicrosoftCredentials>(job.accountId);
  if (!credentials?.msalCache || !credentials.homeAccountId) throw new ReconnectRequiredError('no stored credentials');
  const tokens = new MicrosoftTokenSource({
    config: job.oauth,
    homeAccountId: credentials.homeAccountId,
    storage: credentialCacheStorage(store.accounts, job.accountId),
    scopes: credentials.scopes ?? READ_ONLY_MICROSOFT_SCOPES,
  });
  const provider = new GraphProvider({
    getAccessToken: () => tokens.getAccessToken(),
    onUnauthorized: () => tokens.invalidate(),
    ...job.provider,
    signal: controller.signal,
  });
  const engine = new GraphSync({ ...engineOptions(job.accountId), provider, store: syncStore(store) });
  return { sync: () => engine.sync(job.scope), close: () => provider.close(), refused: isMicrosoftReconnectError };
}

/** IMAP with the stored server settings and password, or Microsoft token (refreshed once when the server refuses it). */
async function openImapSync(job: Extract<SyncJob, { kind: 'imap-sync' }>, store: ProfileStore): Promise<OpenedSync> {
  const [{ ImapProvider, imapServerOf }, { imapSignInFor, isAuthenticationRefused, signedIn }, { ImapSync }] = await Promise.all([
    import('./providers/imap.ts'),
    import('./providers/imap-auth.ts'),
    import('./imap-sync.ts'),
  ]);
  const credentials = store.accounts.getTokens<ImapCredentials>(job.accountId);
  const signIn = imapSignInFor(credentials, store.accounts, job.accountId, job.oauth);
  const server = imapServerOf(credentials!);
  let source: ImapProviderType | undefined;
  return {
    sync: async () => {
      source = await signedIn(signIn, async (secret) => {
        const provider = new ImapProvider({ server, secret, ...(job.timeoutMs ? { timeoutMs: job.timeoutMs } : {}) });
        try {
          await provider.connect();
        } catch (error) {
          void provider.close();
          throw error;
        }
        return provider;
      });
      return new ImapSync({ ...engineOptions(job.accountId), source, store: syncStore(store) }).sync(job.scope);
    },
    close: () => void source?.close(),
    // A refused LOGIN / AUTHENTICATE: a changed password, or a token refused even fresh.
    refused: isAuthenticationRefused,
  };
}

async function runSync(job: SyncJob, store: ProfileStore): Promise<JobResults[SyncJob['kind']]> {
  const opened = await (job.kind === 'gmail-sync' ? openGmailSync(job, store) : job.kind === 'graph-sync' ? openGraphSync(job, store) : openImapSync(job, store));
  try {
    const result = await opened.sync();
    writer!.drain(); // a failed last commit fails the job
    return result;
  } catch (error) {
    if (opened.refused?.(error)) throw new ReconnectRequiredError(describeFailure(error));
    throw error;
  } finally {
    opened.close();
  }
}

function runImport(job: Extract<WorkerJob, { kind: 'import' }>, store: ProfileStore): Promise<JobResults['import']> {
  return importMailbox(store, job.path, {
    ...(job.accountEmail ? { accountEmail: job.accountEmail } : {}),
    batchSize: BATCH_SIZE,
    onProgress: ({ done }) => post({ type: 'progress', progress: { phase: 'import', done } }),
    signal: controller.signal,
  });
}

/** Error codes of a connection that went away mid-sync (imapflow's, then Node's socket errors). */
const CONNECTION_LOST = new Set(['NoConnection', 'EConnectionClosed', 'ECONNRESET', 'EPIPE']);

/** The failure in words for the account's sync state; a full disk says what to do (SQLITE_FULL, https://sqlite.org/rescode.html#full). */
function describeFailure(error: unknown): string {
  if ((error as { code?: unknown } | null)?.code === 'SQLITE_FULL') {
    return 'The disk is full: free some space and sync again (everything stored so far is kept)';
  }
  // imapflow's words for a dropped connection ("Connection not available") say nothing of what to do.
  if (CONNECTION_LOST.has(String((error as { code?: unknown } | null)?.code))) {
    return 'The connection to the mail server was lost during the sync: everything fetched so far is kept, and the next sync goes on from there';
  }
  return error instanceof Error ? error.message : String(error);
}

// The outcome is posted only after the store is closed, so the main thread may terminate
// the worker as soon as it hears from it.
let outcome: MailWorkerMessage;
try {
  const job = data.job;
  const result = job.kind === 'import' ? await runImport(job, store) : await runSync(job, store);
  outcome = { type: 'result', result };
} catch (error) {
  const reconnect = error instanceof ReconnectRequiredError || isInvalidGrant(error);
  outcome = {
    type: 'error',
    error: {
      kind: reconnect ? 'reconnect_required' : controller.signal.aborted ? 'aborted' : 'failed',
      message: describeFailure(error),
    },
  };
} finally {
  // What was fetched before a failure or an abort is committed before the job ends.
  await writer?.close().catch((error: unknown) => log.error('the store writer did not close', { error: String(error) }));
  store.close();
}
post(outcome);
