import { createConnection, createServer, type Socket } from 'node:net';

/** A loopback TCP proxy that counts the connections made through it. */
interface TcpProxy extends AsyncDisposable {
  readonly host: string;
  readonly port: number;
  /** Connections accepted since start or the last `reset()`. */
  connections(): number;
  reset(): void;
  stop(): Promise<void>;
}

/**
 * Forwards 127.0.0.1:<port> to `target` byte for byte (TLS passes through untouched), counting accepted
 * connections: how the benchmark measures the database connections a rotation really opens, monitor
 * sockets and retries included, without trusting the code under test to report them.
 */
function startTcpProxy(targetHost: string, targetPort: number): Promise<TcpProxy> {
  let count = 0;
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    count += 1;
    const upstream = createConnection({ host: targetHost, port: targetPort });
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream);
    upstream.pipe(client);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      const stop = () =>
        new Promise<void>((done) => {
          for (const socket of sockets) socket.destroy();
          server.close(() => done());
        });
      resolve({
        host: '127.0.0.1',
        port,
        connections: () => count,
        reset: () => {
          count = 0;
        },
        stop,
        [Symbol.asyncDispose]: stop,
      });
    });
  });
}

export { startTcpProxy };
export type { TcpProxy };
