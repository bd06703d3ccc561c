// One local certificate authority per test run, generated at run time, so the real
// client libraries talk to the emulators over verified HTTPS (no TLS checks disabled).
// Node trusts it through NODE_EXTRA_CA_CERTS, which must be set before a process starts.
import { generate } from 'selfsigned';
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';

export interface TestCa {
  dir: string;
  /** PEM of the CA certificate: the file NODE_EXTRA_CA_CERTS points at. */
  caCertPath: string;
  /** Server certificate for localhost, 127.0.0.1 and ::1, signed by the CA. */
  serverCert: string;
  serverKey: string;
}

const FILES = { ca: 'ca.pem', caKey: 'ca-key.pem', cert: 'server.pem', key: 'server-key.pem' };

/** Creates (or reuses) the CA and a loopback server certificate in `dir`. */
export async function ensureTestCa(dir: string): Promise<TestCa> {
  mkdirSync(dir, { recursive: true });
  const path = (f: string) => join(dir, f);
  if (!Object.values(FILES).every((f) => existsSync(path(f)))) {
    const notAfterDate = new Date(Date.now() + 7 * 24 * 3600 * 1000);
    const ca = await generate([{ name: 'commonName', value: 'Mailbridge Test CA' }], {
      keyType: 'ec',
      curve: 'P-256',
      algorithm: 'sha256',
      notAfterDate,
      extensions: [
        { name: 'basicConstraints', cA: true, critical: true },
        { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
      ],
    });
    const server = await generate([{ name: 'commonName', value: 'localhost' }], {
      keyType: 'ec',
      curve: 'P-256',
      algorithm: 'sha256',
      notAfterDate,
      ca: { key: ca.private, cert: ca.cert },
      extensions: [
        { name: 'basicConstraints', cA: false },
        { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
        { name: 'extKeyUsage', serverAuth: true },
        {
          name: 'subjectAltName',
          altNames: [
            { type: 2, value: 'localhost' },
            { type: 7, ip: '127.0.0.1' },
            { type: 7, ip: '::1' },
          ],
        },
      ],
    });
    writeFileSync(path(FILES.ca), ca.cert);
    writeFileSync(path(FILES.caKey), ca.private, { mode: 0o600 });
    writeFileSync(path(FILES.cert), server.cert);
    writeFileSync(path(FILES.key), server.private, { mode: 0o600 });
  }
  return {
    dir,
    caCertPath: path(FILES.ca),
    serverCert: readFileSync(path(FILES.cert), 'utf8'),
    serverKey: readFileSync(path(FILES.key), 'utf8'),
  };
}

/** The CA of the current run, as set up by scripts/test.ts (MAILBRIDGE_TEST_CA_DIR). */
export function currentTestCa(): TestCa {
  const dir = process.env.MAILBRIDGE_TEST_CA_DIR;
  if (!dir) throw new Error('MAILBRIDGE_TEST_CA_DIR is not set: run tests through `npm test`');
  return {
    dir,
    caCertPath: join(dir, FILES.ca),
    serverCert: readFileSync(join(dir, FILES.cert), 'utf8'),
    serverKey: readFileSync(join(dir, FILES.key), 'utf8'),
  };
}
