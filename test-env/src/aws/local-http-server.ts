import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as an emulator sees it: the whole body, already read. */
interface LocalHttpRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** What an emulator answers. */
interface LocalHttpResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/**
 * Serves one request. It is synchronous on purpose: with the body already read, an operation runs start to
 * finish without yielding, so concurrent requests never see half-applied state.
 */
type LocalHttpHandler = (request: LocalHttpRequest) => LocalHttpResponse;

/** A running HTTP server on 127.0.0.1. */
interface LocalHttpServer {
  readonly endpoint: string;
  stop(): Promise<void>;
}

/** Starts an HTTP server on 127.0.0.1 on a port the OS picks, answering every request with `handler`. */
function startLocalHttpServer(handler: LocalHttpHandler): Promise<LocalHttpServer> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      let response: LocalHttpResponse;
      try {
        response = handler({
          method: req.method ?? 'GET',
          path: req.url ?? '/',
          headers: req.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        });
      } catch (error) {
        response = { status: 500, headers: { 'content-type': 'text/plain' }, body: String(error) };
      }
      res.writeHead(response.status, { ...response.headers, 'content-length': Buffer.byteLength(response.body) });
      res.end(response.body);
    });
  });

  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopped ??= new Promise<void>((resolve, reject) => {
      server.close((error) => (error ? reject(error) : resolve()));
      // SDK clients keep connections alive; without this, close() waits for them to time out.
      server.closeAllConnections();
    });
    return stopped;
  };

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      const { port } = server.address() as AddressInfo;
      resolve({ endpoint: `http://127.0.0.1:${port}`, stop });
    });
  });
}

export { startLocalHttpServer };
export type { LocalHttpHandler, LocalHttpRequest, LocalHttpResponse, LocalHttpServer };
