// The Salesforce emulator's listener: http-server.ts's loopback HTTPS server with the run's
// test CA, plus a larger request-head limit than Node's 16 KiB default, so requests Salesforce
// refuses for their URI or header size reach the emulator and get Salesforce's answer.
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { currentTestCa } from '../../support/test-ca.ts';
import { sendJson, type Handler, type StartedServer } from '../http-server.ts';

/** Like startHttpsServer, with `maxHeaderSize` bytes allowed for the request line and headers. */
export async function startHttpsServer(
  handler: Handler,
  options: { port?: number; cert?: string; key?: string; maxHeaderSize: number },
): Promise<StartedServer> {
  const ca = options.cert && options.key ? null : currentTestCa();
  const server: Server = createServer(
    { cert: options.cert ?? ca!.serverCert, key: options.key ?? ca!.serverKey, keepAliveTimeout: 30_000, maxHeaderSize: options.maxHeaderSize },
    (req, res) => {
      Promise.resolve()
        .then(() => handler(req, res))
        .catch((error: unknown) => {
          if (!res.headersSent) sendJson(res, 500, [{ message: String(error), errorCode: 'UNKNOWN_EXCEPTION' }]);
          else res.destroy();
        });
    },
  );
  let connections = 0;
  server.on('secureConnection', () => {
    connections += 1;
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://127.0.0.1:${port}`,
    port,
    connections: () => connections,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
