// Runs the Gmail emulator as its own process, for benchmarks that must not share an event
// loop with the client. Prints {"url": …, "messages": n, "historyId": …} as one JSON line on stdout.
// Usage: node test/emulators/gmail/main.ts --mailbox PATH [--port N] [--quota on|off]
//        [--latency-ms N] [--email ADDRESS] [--ca-dir DIR | --cert PEM --key PEM]
// TLS: --ca-dir creates (or reuses) a test CA there (clients need NODE_EXTRA_CA_CERTS=DIR/ca.pem);
// otherwise --cert/--key, otherwise the CA of MAILBRIDGE_TEST_CA_DIR (set by `npm test`).
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ensureTestCa } from '../../support/test-ca.ts';
import { GmailEmulator } from './gmail-emulator.ts';

const { values } = parseArgs({
  options: {
    mailbox: { type: 'string' },
    port: { type: 'string', default: '0' },
    quota: { type: 'string', default: 'off' },
    'latency-ms': { type: 'string', default: '0' },
    email: { type: 'string' },
    'ca-dir': { type: 'string' },
    cert: { type: 'string' },
    key: { type: 'string' },
  },
});

if (!['on', 'off'].includes(values.quota)) throw new Error('--quota must be on or off');
const ca = values['ca-dir'] ? await ensureTestCa(values['ca-dir']) : null;
const tls = ca ? { cert: ca.serverCert, key: ca.serverKey }
  : values.cert && values.key ? { cert: readFileSync(values.cert, 'utf8'), key: readFileSync(values.key, 'utf8') } : {};
const emulator = new GmailEmulator({
  ...(values.mailbox ? { mailbox: values.mailbox } : {}),
  ...(values.email ? { emailAddress: values.email } : {}),
  ...tls,
  port: Number(values.port),
  settings: { quota: values.quota === 'on', latencyMs: Number(values['latency-ms']) },
});
const { url } = await emulator.start();
process.stdout.write(JSON.stringify({ url, messages: emulator.mailbox.size, historyId: emulator.historyId }) + '\n');

const shutdown = (): void => {
  void emulator.stop().then(() => process.exit(0));
};
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
