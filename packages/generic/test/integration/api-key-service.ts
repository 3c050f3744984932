import { createServer } from 'node:http';

/** A stand-in for "another service": clients authenticate with an API key and can replace it. */
interface ApiKeyService extends AsyncDisposable {
  readonly url: string;
  register(clientId: string, key: string): void;
  keyOf(clientId: string): string | undefined;
  /** Requests received, by path. */
  requests(): string[];
  stop(): Promise<void>;
}

/** Starts the example API on a free loopback port: `GET /whoami`, `POST /keys/rotate`. */
function startApiKeyService(): Promise<ApiKeyService> {
  const keys = new Map<string, string>();
  const seen: string[] = [];
  const server = createServer((request, response) => {
    seen.push(`${request.method} ${request.url}`);
    const clientId = String(request.headers['x-client-id'] ?? '');
    const bearer = String(request.headers.authorization ?? '').replace(/^Bearer /, '');
    const reply = (status: number, body: object) => {
      response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    if (keys.get(clientId) === undefined || keys.get(clientId) !== bearer) return reply(401, { error: 'unauthorized' });
    if (request.method === 'GET' && request.url === '/whoami') return reply(200, { clientId });
    if (request.method === 'POST' && request.url === '/keys/rotate') {
      let body = '';
      request.on('data', (chunk: Buffer) => {
        body += chunk.toString('utf8');
      });
      request.on('end', () => {
        const newKey = (JSON.parse(body || '{}') as { newKey?: unknown }).newKey;
        if (typeof newKey !== 'string' || newKey.length < 20) return reply(400, { error: 'bad key' });
        keys.set(clientId, newKey);
        reply(200, { clientId });
      });
      return;
    }
    reply(404, { error: 'not found' });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      const stop = () => new Promise<void>((done) => server.close(() => done()));
      resolve({
        url: `http://127.0.0.1:${port}/`,
        register: (clientId, key) => keys.set(clientId, key),
        keyOf: (clientId) => keys.get(clientId),
        requests: () => [...seen],
        stop,
        [Symbol.asyncDispose]: stop,
      });
    });
  });
}

export { startApiKeyService };
export type { ApiKeyService };
