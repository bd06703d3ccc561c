// A loopback port nobody listens on at this moment, for servers a test must stop and start
// again on the same address. Another process may take it before it is used: callers that
// cannot tolerate that retry.
import { createServer } from 'node:net';

/** A port on 127.0.0.1 that was free when asked. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
