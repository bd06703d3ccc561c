// Runs the Graph emulator as its own process, for benchmarks that must not share an event
// loop with the client. Prints {"url": …, "messages": n} as one JSON line on stdout; the API is under url + "/v1.0".
// Usage: node test/emulators/graph/main.ts [--mailbox PATH] [--folder NAME=PATH …] [--port N]
//        [--throttle on|off] [--latency-ms N] [--email ADDRESS] [--ca-dir DIR | --cert PEM --key PEM]
// --folder takes a well-known name or a display path, e.g. --folder "Inbox/Projects=/data/projects".
// TLS: --ca-dir creates (or reuses) a test CA there (clients need NODE_EXTRA_CA_CERTS=DIR/ca.pem);
// otherwise --cert/--key, otherwise the CA of MAILBRIDGE_TEST_CA_DIR (set by `npm test`).
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ensureTestCa } from '../../support/test-ca.ts';
import { GraphEmulator } from './graph-emulator.ts';

const { values } = parseArgs({
  options: {
    mailbox: { type: 'string' },
    folder: { type: 'string', multiple: true, default: [] },
    port: { type: 'string', default: '0' },
    throttle: { type: 'string', default: 'off' },
    'latency-ms': { type: 'string', default: '0' },
    email: { type: 'string' },
    'ca-dir': { type: 'string' },
    cert: { type: 'string' },
    key: { type: 'string' },
  },
});

if (!['on', 'off'].includes(values.throttle)) throw new Error('--throttle must be on or off');
const folders = values.folder.map((spec) => {
  const eq = spec.indexOf('=');
  return eq === -1 ? { folder: spec } : { folder: spec.slice(0, eq), mailbox: spec.slice(eq + 1) };
});
const ca = values['ca-dir'] ? await ensureTestCa(values['ca-dir']) : null;
const tls = ca ? { cert: ca.serverCert, key: ca.serverKey }
  : values.cert && values.key ? { cert: readFileSync(values.cert, 'utf8'), key: readFileSync(values.key, 'utf8') } : {};
const throttle = values.throttle === 'on';
const emulator = new GraphEmulator({
  ...(values.mailbox ? { mailbox: values.mailbox } : {}),
  folders,
  ...(values.email ? { user: { mail: values.email } } : {}),
  ...tls,
  port: Number(values.port),
  settings: { concurrencyLimit: throttle, rateLimit: throttle, latencyMs: Number(values['latency-ms']) },
});
const { url } = await emulator.start();
process.stdout.write(JSON.stringify({ url, messages: emulator.mailbox.size }) + '\n');

const shutdown = (): void => {
  void emulator.stop().then(() => process.exit(0));
};
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
