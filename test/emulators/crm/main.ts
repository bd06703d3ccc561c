// Runs the HubSpot emulator as its own process, for the demo and benchmarks that must not
// share an event loop with the client. Prints {"url": …, "contacts": n, "accessToken": …} as
// one JSON line on stdout (the token is the emulator's fixed test token, not a secret). With
// --mailbox the contacts' domains become companies and some contacts get deals (seed.ts).
// Usage: node test/emulators/crm/main.ts [--mailbox PATH --owner ADDRESS [--count N] [--own-domain D]...]
//        [--port N] [--rate-limit on|off] [--latency-ms N] [--token T] [--ca-dir DIR | --cert PEM --key PEM]
// TLS: --ca-dir creates (or reuses) a test CA there (clients need NODE_EXTRA_CA_CERTS=DIR/ca.pem);
// otherwise --cert/--key, otherwise the CA of MAILBRIDGE_TEST_CA_DIR (set by `npm test`).
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ensureTestCa } from '../../support/test-ca.ts';
import { HubSpotEmulator } from './hubspot-emulator.ts';
import { seedCompaniesAndDeals, seedContactsFromMailbox } from './seed.ts';

const { values } = parseArgs({
  options: {
    mailbox: { type: 'string' },
    owner: { type: 'string' },
    count: { type: 'string', default: '50' },
    'own-domain': { type: 'string', multiple: true },
    port: { type: 'string', default: '0' },
    'rate-limit': { type: 'string', default: 'on' },
    'latency-ms': { type: 'string', default: '0' },
    token: { type: 'string' },
    'ca-dir': { type: 'string' },
    cert: { type: 'string' },
    key: { type: 'string' },
  },
});

if (!['on', 'off'].includes(values['rate-limit'])) throw new Error('--rate-limit must be on or off');
if (values.mailbox && !values.owner) throw new Error('--mailbox needs --owner (the rep\'s address)');
const ca = values['ca-dir'] ? await ensureTestCa(values['ca-dir']) : null;
const tls = ca ? { cert: ca.serverCert, key: ca.serverKey }
  : values.cert && values.key ? { cert: readFileSync(values.cert, 'utf8'), key: readFileSync(values.key, 'utf8') } : {};
const contacts = values.mailbox
  ? await seedContactsFromMailbox(values.mailbox, {
    owner: values.owner!,
    count: Number(values.count),
    ...(values['own-domain'] ? { ownDomains: values['own-domain'] } : {}),
  })
  : [];
const emulator = new HubSpotEmulator({
  contacts,
  ...seedCompaniesAndDeals(contacts),
  ...tls,
  ...(values.token ? { accessToken: values.token } : {}),
  port: Number(values.port),
  settings: { rateLimit: values['rate-limit'] === 'on', latencyMs: Number(values['latency-ms']) },
});
const { url } = await emulator.start();
process.stdout.write(JSON.stringify({ url, contacts: contacts.length, accessToken: emulator.accessToken }) + '\n');

const shutdown = (): void => {
  void emulator.stop().then(() => process.exit(0));
};
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
