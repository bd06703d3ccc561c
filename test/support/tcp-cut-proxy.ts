// A plain TCP relay on loopback in front of a server (Dovecot's IMAPS port): TLS passes
// through untouched, so the client still verifies the server's own certificate. It can cut
// the next connection after a number of bytes from the server (a network drop mid-FETCH) and
// pace what the server sends, so a test can stop a sync at a point of its choosing.
import { connect, createServer, type Socket } from 'node:net';

export interface RelayedConnection {
  /** Bytes relayed from the server to the client so far. */
  fromServer: number;
  /** Bytes relayed from the client to the server so far. */
  fromClient: number;
  /** True once this connection was cut by `cutNext`. */
  cut: boolean;
}

export interface TcpCutProxy {
  host: '127.0.0.1';
  port: number;
  /** Every connection accepted since start, oldest first. */
  connections: readonly RelayedConnection[];
  /**
   * The next connection accepted is destroyed (RST to the client, the server's side closed)
   * once `afterServerBytes` bytes from the server have been relayed; later ones are not cut.
   */
  cutNext(afterServerBytes: number): void;
  /** Server-to-client rate of connections accepted from now on, bytes/s; null: as fast as it comes. */
  pace(bytesPerSecond: number | null): void;
  /** Destroys every open connection and stops listening. */
  close(): Promise<void>;
}

/** Starts a relay on 127.0.0.1 (a free port) to `target`. */
export async function startTcpCutProxy(target: { host: string; port: number }): Promise<TcpCutProxy> {
  const sockets = new Set<Socket>();
  const connections: RelayedConnection[] = [];
  let nextCut: number | null = null;
  let rate: number | null = null;

  const server = createServer((client) => {
    const upstream = connect(target.port, target.host);
    const record: RelayedConnection = { fromServer: 0, fromClient: 0, cut: false };
    connections.push(record);
    const limit = nextCut;
    nextCut = null;
    const bytesPerSecond = rate;
    const startedAt = performance.now();
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
    }
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);

    // Reading from the server stops while the client's buffer is full or the pace is ahead.
    const holds = new Set<'drain' | 'pace'>();
    const hold = (reason: 'drain' | 'pace') => {
      holds.add(reason);
      upstream.pause();
    };
    const release = (reason: 'drain' | 'pace') => {
      holds.delete(reason);
      if (!holds.size && !upstream.destroyed) upstream.resume();
    };

    client.on('data', (chunk: Buffer) => {
      record.fromClient += chunk.length;
      if (!upstream.write(chunk)) {
        client.pause();
        upstream.once('drain', () => client.resume());
      }
    });
    upstream.on('data', (chunk: Buffer) => {
      if (limit !== null && record.fromServer + chunk.length >= limit) {
        const part = chunk.subarray(0, limit - record.fromServer);
        record.fromServer += part.length;
        record.cut = true;
        upstream.destroy();
        client.write(part, () => client.resetAndDestroy());
        return;
      }
      record.fromServer += chunk.length;
      if (!client.write(chunk)) {
        hold('drain');
        client.once('drain', () => release('drain'));
      }
      if (bytesPerSecond) {
        const aheadMs = startedAt + (record.fromServer / bytesPerSecond) * 1000 - performance.now();
        if (aheadMs > 1) {
          hold('pace');
          setTimeout(() => release('pace'), aheadMs);
        }
      }
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('the proxy has no TCP port');

  return {
    host: '127.0.0.1',
    port: address.port,
    connections,
    cutNext(afterServerBytes) {
      nextCut = afterServerBytes;
    },
    pace(bytesPerSecond) {
      rate = bytesPerSecond;
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
