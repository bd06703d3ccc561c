// Worker-thread entry that runs one Gmail sync: fetching, MIME parsing and database writes
// all happen here, on the worker's own connection to the encrypted store, so the main
// process event loop (IPC, windows) never waits on them (DESIGN.md: ≤ 50 ms stalls).
import { parentPort, workerData } from 'node:worker_threads';
import { openEncryptedDatabase } from '../store/database.ts';
import { createMailStore } from '../store/mail-store.ts';
import { setLogSink } from '../platform/logger.ts';
import { createGoogleClient, isInvalidGrant, ReconnectRequiredError, type GoogleTokens } from '../auth/index.ts';
import { GmailProvider } from './providers/gmail.ts';
import { GmailSync } from './gmail-sync.ts';
import { syncStoreFor } from './sync-store.ts';
import { parseMessage } from './mime/index.ts';
import type { SyncWorkerData, SyncWorkerMessage } from './sync-worker-protocol.ts';

const port = parentPort!;
const post = (message: SyncWorkerMessage) => port.postMessage(message);
setLogSink((line, level) => post({ type: 'log', line, level }), 'debug');

const data = workerData as SyncWorkerData;
const store = createMailStore(openEncryptedDatabase({ path: data.databasePath, key: data.databaseKey }));
const controller = new AbortController();
port.on('message', (message: { type: 'abort' }) => message.type === 'abort' && controller.abort());

// The outcome is posted only after the store is closed, so the main thread may terminate
// the worker as soon as it hears from it.
let provider: GmailProvider | undefined;
let outcome: SyncWorkerMessage;
try {
  const tokens = store.accounts.getTokens<GoogleTokens>(data.accountId);
  if (!tokens?.refreshToken) throw new ReconnectRequiredError('no stored credentials');
  provider = new GmailProvider({
    auth: createGoogleClient(data.oauth, tokens, { onTokens: (next) => store.accounts.setTokens(data.accountId, next) }),
    ...data.provider,
  });
  const result = await new GmailSync({
    accountId: data.accountId,
    provider,
    store: syncStoreFor(store),
    parse: parseMessage,
    onProgress: (progress) => post({ type: 'progress', progress }),
    signal: controller.signal,
  }).sync();
  outcome = { type: 'result', result };
} catch (error) {
  const reconnect = error instanceof ReconnectRequiredError || isInvalidGrant(error);
  outcome = {
    type: 'error',
    error: {
      kind: reconnect ? 'reconnect_required' : controller.signal.aborted ? 'aborted' : 'failed',
      message: error instanceof Error ? error.message : String(error),
    },
  };
} finally {
  provider?.close();
  store.close();
}
post(outcome);
