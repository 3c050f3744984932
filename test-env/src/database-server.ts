import type { TestCertificates } from './tls-certificates.js';

/** Login credentials for a test server. */
interface Credentials {
  readonly username: string;
  readonly password: string;
}

/** Where a test server came from: an explicit URL, a container, or a native process. */
type ServerOrigin = 'url' | 'container' | 'native';

/** A started database server, whatever the engine and origin. `await using` stops it. */
interface DatabaseServer extends AsyncDisposable {
  readonly engine: string;
  readonly origin: ServerOrigin;
  readonly host: string;
  readonly port: number;
  /** The superuser the server was started with. */
  readonly admin: Credentials;
  /** The CA and server certificate, when the server was started with TLS. */
  readonly tls: TestCertificates | undefined;
  /** A connection URI for `credentials` (the admin's by default). */
  connectionUri(credentials?: Credentials, database?: string): string;
  stop(): Promise<void>;
}

export type { Credentials, DatabaseServer, ServerOrigin };
