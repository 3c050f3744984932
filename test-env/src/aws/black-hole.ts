import { once } from 'node:events';
import { createServer, type Socket } from 'node:net';

/** A loopback endpoint that accepts connections and never answers: a stuck AWS endpoint or server. */
interface BlackHole extends AsyncDisposable {
  /** `http://127.0.0.1:<port>`, for an endpoint variable. */
  readonly endpoint: string;
  readonly port: number;
  /** Connections accepted so far. */
  connections(): number;
  stop(): Promise<void>;
}

/** Starts a black hole on a free loopback port. */
async function startBlackHole(): Promise<BlackHole> {
  const sockets = new Set<Socket>();
  let accepted = 0;
  const server = createServer((socket) => {
    accepted += 1;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  const stop = async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return { endpoint: `http://127.0.0.1:${port}`, port, connections: () => accepted, stop, [Symbol.asyncDispose]: stop };
}

export { startBlackHole };
export type { BlackHole };
