import { createConnection, createServer, type Socket } from 'node:net';
import { createCommandReader, type WireProtocol } from './wire-commands.js';

/** A proxy that can cut a rotation short right after the server executed its Nth command. */
interface CrashProxy extends AsyncDisposable {
  readonly host: string;
  readonly port: number;
  /** Commands seen since the last `reset()`, in order, by name ("ALTER ROLE", "ACL SETUSER", "updateUser"). */
  commands(): string[];
  /** Connections accepted since the last `reset()`: monitor sockets and retries included. */
  connections(): number;
  /** Client connections open now. */
  openConnections(): number;
  /** The most client connections open at once since the last `reset()`. */
  peakConnections(): number;
  /** Arms a crash after command number `index` (1-based, counted from the last reset); undefined disarms. */
  crashAfter(index: number | undefined): void;
  /** Drops the connection when command `index` arrives, without forwarding it (a server restarting mid-step). */
  interruptAt(index: number | undefined): void;
  /** From command `index` on, holds every answer of that connection back (a statement that never returns). */
  stallAt(index: number | undefined): void;
  /**
   * While true, the proxy stops listening, so new connections are refused (ECONNREFUSED) as by a server that is
   * down; open ones stay. A server that takes connections and drops them is another fault: a reset before login.
   */
  refuseConnections(refuse: boolean): void;
  /** Whether the armed crash happened. */
  crashed(): boolean;
  reset(): void;
  stop(): Promise<void>;
}

/**
 * A loopback proxy that counts connections (how the benchmark measures the database connections a rotation
 * opens, without trusting the code under test to report them) and understands just enough of a database's client protocol to count commands. Armed
 * with `crashAfter(n)`, it forwards command n, waits until the server starts answering it (so it has run),
 * and then drops that connection's sockets without passing the answer on: the rotation function sees the
 * connection die right after a side effect, as it would if its Lambda were killed at that moment.
 */
function startCrashProxy(targetHost: string, targetPort: number, protocol: WireProtocol): Promise<CrashProxy> {
  const seen: string[] = [];
  let accepted = 0;
  let crashAt: number | undefined;
  let interruptIndex: number | undefined;
  let stallIndex: number | undefined;
  let refusing = false;
  let didCrash = false;
  const sockets = new Set<Socket>();
  const clients = new Set<Socket>();
  let peak = 0;

  const server = createServer((client) => {
    accepted += 1;
    clients.add(client);
    peak = Math.max(peak, clients.size);
    client.on('close', () => clients.delete(client));
    if (refusing) {
      client.destroy();
      return;
    }
    const upstream = createConnection({ host: targetHost, port: targetPort });
    const read = createCommandReader(protocol);
    let doomed = false;
    let stalled = false;
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.on('data', (chunk: Buffer) => {
      for (const name of read(chunk)) {
        seen.push(name);
        if (crashAt !== undefined && seen.length === crashAt) doomed = true;
        if (stallIndex !== undefined && seen.length >= stallIndex) stalled = true;
        if (interruptIndex !== undefined && seen.length === interruptIndex) {
          interruptIndex = undefined;
          didCrash = true;
          client.destroy();
          upstream.destroy();
          return;
        }
      }
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      if (stalled) return;
      if (doomed) {
        // The server has executed the command: drop everything before the client learns the outcome.
        didCrash = true;
        crashAt = undefined;
        client.destroy();
        upstream.destroy();
        return;
      }
      client.write(chunk);
    });
    client.on('end', () => upstream.end());
    upstream.on('end', () => client.end());
  });

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      const stop = () =>
        new Promise<void>((done) => {
          for (const socket of sockets) socket.destroy();
          if (server.listening) server.close(() => done());
          else done();
        });
      const refuse = (on: boolean) => {
        refusing = on;
        // Listening again on the same port is immediate (SO_REUSEADDR), and before any client that asks next.
        if (on && server.listening) server.close();
        else if (!on && !server.listening) server.listen(port, '127.0.0.1');
      };
      resolve({
        host: '127.0.0.1',
        port,
        commands: () => [...seen],
        connections: () => accepted,
        openConnections: () => clients.size,
        peakConnections: () => peak,
        crashAfter: (index) => {
          crashAt = index;
          didCrash = false;
        },
        interruptAt: (index) => {
          interruptIndex = index;
          didCrash = false;
        },
        stallAt: (index) => {
          stallIndex = index;
        },
        refuseConnections: refuse,
        crashed: () => didCrash,
        reset: () => {
          seen.length = 0;
          accepted = 0;
          crashAt = undefined;
          interruptIndex = undefined;
          stallIndex = undefined;
          refuse(false);
          didCrash = false;
          peak = clients.size;
        },
        stop,
        [Symbol.asyncDispose]: stop,
      });
    });
  });
}

export { startCrashProxy };
export type { CrashProxy };
